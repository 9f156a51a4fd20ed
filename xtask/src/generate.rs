//! `cargo xtask generate`: spec → progenitor → `crates/<api>/src/generated.rs`, plus the
//! tests' replay dispatcher (see [`crate::dispatch`]).
//!
//! The spec is read twice: by openapiv3 for progenitor, and as plain JSON for what progenitor
//! does not know about: enum components become open enums (see [`crate::enums`]), components
//! with one of the API's custom formats are replaced by the crate's hand-written types,
//! components marked `x-envelope` and the error envelope are handed to the runtime's
//! `api_glue!` (which writes the client's hooks and the envelopes' impls), and operations the
//! API's settings name as hand-written are left out, the success bodies are decoded strictly (see
//! [`crate::strict_decoding`]) and the body builders' setters take plain values (see
//! [`crate::setters`]). Everything API-specific comes from [`crate::apis::Settings`].
//! The same settings generate each API's CLI ([`crate::cli`]) and mocks ([`crate::httpmock`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use serde_json::Value;

use crate::apis::{self, Api};
use crate::enums::OpenEnum;

/// Regenerates (or with `check`, compares) every API's generated files: the client and the
/// replay dispatcher of the tests. Returns whether all files are up to date (always true when
/// writing).
pub fn run(root: &Path, check: bool) -> anyhow::Result<bool> {
    let mut fresh = true;
    for api in apis::discover(root)? {
        let rendered = render(&api)?;
        let dispatcher = crate::dispatch::render(&api, &rendered.file)?;
        let cli = crate::cli::render(&api, &rendered)?;
        let mock = crate::httpmock::render(&api, &rendered)?;
        let contents = [&rendered.text, &dispatcher, &cli, &mock];
        for (path, generated) in output_paths(&api).iter().zip(contents) {
            fresh &= write_or_check(&api, path, generated, check)?;
        }
    }
    Ok(fresh)
}

/// The files `run` writes for `api`: the client, the replay dispatcher, the CLI's commands
/// and the typed mocks.
pub fn output_paths(api: &Api) -> [PathBuf; 4] {
    [
        api.generated_path.clone(),
        api.dispatch_path.clone(),
        crate::cli::path(api),
        crate::httpmock::path(api),
    ]
}

/// Writes `generated` to `path`, or with `check` compares; returns whether it was fresh.
fn write_or_check(api: &Api, path: &Path, generated: &str, check: bool) -> anyhow::Result<bool> {
    let target = api.relative(path);
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {target}")),
    };
    if current == generated {
        println!("{target}: up to date");
        Ok(true)
    } else if check {
        println!(
            "{target}: stale; run `cargo xtask generate`. Difference (checked in → generated):"
        );
        print_short_diff(&current, generated);
        Ok(false)
    } else {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, generated).with_context(|| format!("writing {target}"))?;
        println!("{target}: written");
        Ok(true)
    }
}

/// Prints the first lines of a unified diff between two texts.
fn print_short_diff(old: &str, new: &str) {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        println!("    {line}");
    }
    if lines.len() > MAX_LINES {
        println!("    … {} more diff lines", lines.len() - MAX_LINES);
    }
}

/// The Rust type that replaces a component with a custom `format`, or `None` for an ordinary
/// component. `x-item` names the item type of lists and JSON fields: `string`, or another
/// component.
fn custom_format_type(api: &Api, name: &str, schema: &Value) -> anyhow::Result<Option<String>> {
    let Some(format) = schema.get("format").and_then(Value::as_str) else {
        return Ok(None);
    };
    api.format_type(name, format, || {
        match schema.get("x-item").and_then(Value::as_str) {
            Some("string") => Ok("::std::string::String".to_owned()),
            Some(component) => Ok(format!("crate::types::{component}")),
            None => bail!("component {name}: format `{format}` needs `x-item`"),
        }
    })
}

/// The payload component of an envelope component: its `field` property's `$ref`, which must
/// be required so that the payload is not an `Option`; `None` when the field is always null
/// (no schema of its own), so the payload is `()`.
fn envelope_payload(name: &str, schema: &Value, field: &str) -> anyhow::Result<Option<String>> {
    let member = &schema["properties"][field];
    let reference = member
        .get("$ref")
        .or_else(|| member["allOf"].get(0).and_then(|s| s.get("$ref")))
        .and_then(Value::as_str);
    let Some(reference) = reference else {
        let always_null = member.get("nullable").and_then(Value::as_bool) == Some(true)
            && member.get("type").is_none();
        anyhow::ensure!(
            always_null,
            "envelope {name}: `{field}` must reference a component or be always null"
        );
        return Ok(None);
    };
    let required = schema["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|f| f == field));
    anyhow::ensure!(required, "envelope {name}: `{field}` must be required");
    Ok(Some(
        reference.rsplit('/').next().unwrap_or(reference).to_owned(),
    ))
}

/// Removes the operations the crate writes by hand from progenitor's input.
fn remove_hand_written(api: &Api, spec: &mut openapiv3::OpenAPI) -> anyhow::Result<()> {
    for hand in api.settings.hand_written {
        let mut found = false;
        for item in spec.paths.paths.values_mut() {
            let openapiv3::ReferenceOr::Item(item) = item else {
                continue;
            };
            for slot in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ] {
                if slot
                    .as_ref()
                    .is_some_and(|op| op.operation_id.as_deref() == Some(hand.operation_id))
                {
                    *slot = None;
                    found = true;
                }
            }
        }
        anyhow::ensure!(
            found,
            "hand-written operation {} is not in {}",
            hand.operation_id,
            api.spec_relative()
        );
    }
    spec.paths.paths.retain(|_, item| match item {
        openapiv3::ReferenceOr::Item(item) => item.iter().next().is_some(),
        openapiv3::ReferenceOr::Reference { .. } => true,
    });
    Ok(())
}

/// The operations (snake-case ids, as in `OperationInfo`) that need authentication: their own
/// `security`, or the spec's top-level one, names a scheme.
fn secured_operations(raw: &Value) -> Vec<String> {
    let names_a_scheme = |security: &Value| {
        security.as_array().is_some_and(|list| {
            list.iter()
                .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
        })
    };
    let mut ids = Vec::new();
    for item in raw["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let security = op.get("security").unwrap_or(&raw["security"]);
            if names_a_scheme(security) {
                if let Some(id) = op["operationId"].as_str() {
                    ids.push(heck::ToSnakeCase::to_snake_case(id));
                }
            }
        }
    }
    ids.sort();
    ids
}

/// How many operations the spec has.
fn operation_count(raw: &Value) -> usize {
    raw["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|o| o.values()))
        .filter(|op| op.get("operationId").is_some())
        .count()
}

/// The operations (snake-case ids, as in `OperationInfo`) whose success body is not JSON.
fn raw_body_operations(raw: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for item in raw["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(content) = op["responses"]["200"]["content"].as_object() else {
                continue;
            };
            if !content.is_empty() && !content.keys().any(|media| media.contains("json")) {
                if let Some(id) = op["operationId"].as_str() {
                    ids.push(heck::ToSnakeCase::to_snake_case(id));
                }
            }
        }
    }
    ids.sort();
    ids
}

/// Removes progenitor's `Client::new(baseurl, inner)`: it builds its own `reqwest::Client`
/// (following redirects, unwrapping the build, keeping the base URL unchecked). Each crate's
/// hand-written layer defines `Client::new` instead, on top of the kept `new_with_client`.
fn remove_default_constructor(file: &mut syn::File) -> anyhow::Result<()> {
    let mut removed = false;
    for item in &mut file.items {
        if let syn::Item::Impl(block) = item {
            let is_client =
                matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if is_client && block.trait_.is_none() {
                let before = block.items.len();
                block
                    .items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                removed |= block.items.len() != before;
            }
        }
    }
    anyhow::ensure!(
        removed,
        "progenitor's output has no `Client::new` to replace"
    );
    Ok(())
}

/// One API's generated client: the file's text and its syntax tree (for the dispatcher).
pub struct Rendered {
    /// The complete text of `generated.rs`.
    pub text: String,
    /// The file as generated, before formatting.
    pub file: syn::File,
    /// The generator settings, for the CLI and mocks generated from the same spec.
    pub settings: GenerationSettings,
    /// The spec as progenitor read it (hand-written operations removed).
    pub spec: openapiv3::OpenAPI,
}

/// The per-API glue: one invocation of the runtime's `api_glue!` with this API's facts (its
/// `Api` type, the envelopes, the error body, the secured and file operations), as text with
/// one fact per line (prettyplease would run a macro's input together).
fn api_glue(
    api: &Api,
    raw: &Value,
    envelopes: &[(String, Option<String>)],
    raw_ops: &[String],
    components: &serde_json::Map<String, Value>,
) -> anyhow::Result<String> {
    let settings = api.settings;
    let (error_body, error_field, error_payload) = settings.error_envelope;
    anyhow::ensure!(
        components.contains_key(error_body) && components.contains_key(error_payload),
        "{}: the error envelope {error_body} and its payload {error_payload} must be components",
        api.spec_relative()
    );
    let list = |items: Vec<String>| {
        items
            .iter()
            .map(|item| format!("\n        {item},"))
            .collect::<String>()
            + if items.is_empty() { "" } else { "\n    " }
    };
    let with_payload = envelopes.iter().filter_map(|(envelope, payload)| {
        payload
            .as_ref()
            .map(|payload| format!("types::{envelope} => types::{payload}"))
    });
    let always_null = envelopes
        .iter()
        .filter(|(_, payload)| payload.is_none())
        .map(|(envelope, _)| format!("types::{envelope}"));
    let quoted = |ids: &[String]| ids.iter().map(|id| format!("{id:?}")).collect();
    let rate_limit = settings
        .rate_limit_per_minute
        .map_or_else(|| "None".to_owned(), |requests| format!("Some({requests})"));
    let glue = format!(
        "::client_runtime::api_glue! {{\n    \
         api: {api_type},\n    \
         client: Client,\n    \
         rate_limit_per_minute: {rate_limit},\n    \
         error_body: types::{error_body} {{ {error_field} }},\n    \
         envelopes: {field} {{{envelopes}}},\n    \
         null_envelopes: [{always_null}],\n    \
         secured_operations: [{secured}],\n    \
         raw_body_operations: [{raw_body}],\n\
         }}\n",
        api_type = settings.protocol,
        field = settings.envelope_field,
        envelopes = list(with_payload.collect()),
        always_null = list(always_null.collect()),
        secured = list(quoted(&secured_operations(raw))),
        raw_body = list(quoted(raw_ops)),
    );
    syn::parse_str::<syn::ItemMacro>(&glue).context("the api_glue! invocation")?;
    Ok(glue)
}

/// Generates one API's `generated.rs`.
pub fn render(api: &Api) -> anyhow::Result<Rendered> {
    let text = std::fs::read_to_string(&api.spec_path)
        .with_context(|| format!("reading {}", api.spec_relative()))?;
    let mut spec: openapiv3::OpenAPI = serde_yaml::from_str(&text)
        .with_context(|| format!("parsing {} as OpenAPI 3.0", api.spec_relative()))?;
    let raw: Value = serde_yaml::from_str(&text)?;
    remove_hand_written(api, &mut spec)?;
    let api_settings = api.settings;

    let inner_type: proc_macro2::TokenStream =
        format!("::client_runtime::State<{}>", api_settings.inner_type)
            .parse()
            .map_err(|e| anyhow::anyhow!("inner type: {e}"))?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner_type)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");

    let mut open_enums = Vec::new();
    let mut envelopes = Vec::new();
    let empty = serde_json::Map::new();
    let components = raw["components"]["schemas"].as_object().unwrap_or(&empty);
    for (name, schema) in components {
        if schema.get("enum").is_some() {
            let open_enum = OpenEnum::from_schema(name, schema)?;
            settings.with_replacement(
                name,
                format!("crate::types::{name}"),
                [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
            );
            open_enums.push(open_enum);
        } else if let Some(rust_type) = custom_format_type(api, name, schema)? {
            let parses = schema
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| apis::TEXT_PARSABLE_FORMATS.contains(&f));
            let impls = if parses {
                vec![TypeImpl::Display, TypeImpl::FromStr]
            } else {
                vec![TypeImpl::Display]
            };
            settings.with_replacement(name, rust_type, impls.into_iter());
        }
        if schema.get("x-envelope").and_then(Value::as_bool) == Some(true) {
            let payload = envelope_payload(name, schema, api_settings.envelope_field)?;
            envelopes.push((name.clone(), payload));
        }
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .with_context(|| format!("generating from {}", api.spec_relative()))?;
    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's output")?;

    let types_module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .context("progenitor's output has no `types` module")?;
    for open_enum in &open_enums {
        let tokens = open_enum.tokens();
        let items: syn::File =
            syn::parse2(tokens).with_context(|| format!("parsing enum {}", open_enum.name()))?;
        types_module.1.extend(items.items);
    }

    remove_default_constructor(&mut file)?;
    let raw_ops = raw_body_operations(&raw);
    let json_operations = operation_count(&raw) - api_settings.hand_written.len() - raw_ops.len();
    crate::setters::rewrite_body_setters(&mut file)?;
    let routed = crate::strict_decoding::route_success_bodies(&mut file, api_settings.protocol)?;
    anyhow::ensure!(
        routed == json_operations,
        "{}: {routed} generated success arms decode JSON, expected {json_operations}",
        api.spec_relative()
    );

    let glue = api_glue(api, &raw, &envelopes, &raw_ops, components)?;
    // Inside progenitor's `builder` module: `stream()` reads the builder's private fields.
    let streams = crate::pagination::streams(api, &raw).context("pagination streams")?;
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => module.content.as_mut(),
            _ => None,
        })
        .context("progenitor's output has no `builder` module")?
        .1
        .extend(streams);
    let header = format!(
        "//! This file is generated by `cargo xtask generate` from {spec}.\n\
         //! Do not edit it by hand: change the spec and run `cargo xtask generate`.\n\n",
        spec = api.spec_relative()
    );
    let header = api_settings
        .hand_written
        .iter()
        .fold(header, |header, hand| {
            header
                + &format!(
                    "// `{}` is written by hand in the crate: {}.\n",
                    hand.operation_id, hand.why
                )
        });
    let text = header + &prettyplease::unparse(&file) + &glue;
    Ok(Rendered {
        text,
        file,
        settings,
        spec,
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::run;

    fn scratch_workspace() -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let scratch =
            std::env::temp_dir().join(format!("xtask-generate-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(scratch.join("spec")).unwrap();
        std::fs::create_dir_all(scratch.join("crates/liveagent/src")).unwrap();
        std::fs::copy(
            root.join("spec/liveagent-v1.yaml"),
            scratch.join("spec/liveagent-v1.yaml"),
        )
        .unwrap();
        scratch
    }

    #[test]
    fn check_fails_on_a_stale_file_and_generation_is_reproducible() {
        let scratch = scratch_workspace();
        let generated = scratch.join("crates/liveagent/src/generated.rs");
        std::fs::write(&generated, "// stale\n").unwrap();

        assert!(
            !run(&scratch, true).unwrap(),
            "a stale file must fail --check"
        );
        assert_eq!(std::fs::read_to_string(&generated).unwrap(), "// stale\n");

        assert!(run(&scratch, false).unwrap());
        let first = std::fs::read_to_string(&generated).unwrap();
        assert!(first.starts_with(
            "//! This file is generated by `cargo xtask generate` from spec/liveagent-v1.yaml."
        ));
        assert!(
            run(&scratch, true).unwrap(),
            "freshly generated code passes --check"
        );
        assert!(run(&scratch, false).unwrap());
        assert_eq!(std::fs::read_to_string(&generated).unwrap(), first);

        std::fs::remove_dir_all(&scratch).unwrap();
    }
}
