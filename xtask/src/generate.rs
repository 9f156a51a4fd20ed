//! `cargo xtask generate`: spec → progenitor → `crates/<api>/src/generated.rs`.
//!
//! The spec is read twice: by openapiv3 for progenitor, and as plain JSON for what progenitor
//! does not know about: enum components become open enums (see [`crate::enums`]), components
//! with one of our custom formats are replaced by the crate's hand-written types, and
//! components marked `x-la-envelope` get an `Envelope` impl that unwraps `{"response": ...}`.

use std::path::Path;

use anyhow::{bail, Context};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::format_ident;
use serde_json::Value;

use crate::apis::{self, Api};
use crate::enums::OpenEnum;

/// Regenerates (or with `check`, compares) every API's generated file. Returns whether all
/// files are up to date (always true when writing).
pub fn run(root: &Path, check: bool) -> anyhow::Result<bool> {
    let mut fresh = true;
    for api in apis::discover(root)? {
        let generated = render(&api)?;
        let current = match std::fs::read_to_string(&api.generated_path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", api.generated_relative()))
            }
        };
        let target = api.generated_relative();
        if current == generated {
            println!("{target}: up to date");
        } else if check {
            fresh = false;
            println!(
                "{target}: stale; run `cargo xtask generate`. Difference (checked in → generated):"
            );
            print_short_diff(&current, &generated);
        } else {
            std::fs::write(&api.generated_path, &generated)
                .with_context(|| format!("writing {target}"))?;
            println!("{target}: written");
        }
    }
    Ok(fresh)
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
/// component. `x-la-item` names the item type of lists and JSON fields: `string`, or another
/// component.
fn custom_format_type(name: &str, schema: &Value) -> anyhow::Result<Option<String>> {
    let Some(format) = schema.get("format").and_then(Value::as_str) else {
        return Ok(None);
    };
    let item = || -> anyhow::Result<String> {
        match schema.get("x-la-item").and_then(Value::as_str) {
            Some("string") => Ok("::std::string::String".to_owned()),
            Some(component) => Ok(format!("crate::types::{component}")),
            None => bail!("component {name}: format `{format}` needs `x-la-item`"),
        }
    };
    Ok(Some(match format {
        "la-int" => "crate::LaInt".to_owned(),
        "la-datetime" => "crate::LaDateTime".to_owned(),
        "la-opdatetime" => "crate::OpDateTime".to_owned(),
        "la-comma-list" => format!("crate::CommaList<{}>", item()?),
        "la-json" => format!("crate::JsonEncoded<{}>", item()?),
        other if other.starts_with("la-") => {
            bail!("component {name}: unknown custom format `{other}` (see xtask/src/generate.rs)")
        }
        _ => return Ok(None),
    }))
}

/// The payload component of an envelope component: its `response` property's `$ref`.
fn envelope_payload(name: &str, schema: &Value) -> anyhow::Result<String> {
    let response = &schema["properties"]["response"];
    let reference = response
        .get("$ref")
        .or_else(|| response["allOf"].get(0).and_then(|s| s.get("$ref")))
        .and_then(Value::as_str)
        .with_context(|| format!("envelope {name}: `response` must reference a component"))?;
    Ok(reference.rsplit('/').next().unwrap_or(reference).to_owned())
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

/// Generates the complete text of one API's `generated.rs`.
pub fn render(api: &Api) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(&api.spec_path)
        .with_context(|| format!("reading {}", api.spec_relative()))?;
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text)
        .with_context(|| format!("parsing {} as OpenAPI 3.0", api.spec_relative()))?;
    let raw: Value = serde_yaml::from_str(&text)?;

    let inner_type: proc_macro2::TokenStream = api
        .inner_type
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
        } else if let Some(rust_type) = custom_format_type(name, schema)? {
            settings.with_replacement(name, rust_type, [TypeImpl::Display].into_iter());
        }
        if schema.get("x-la-envelope").and_then(Value::as_bool) == Some(true) {
            envelopes.push((name.clone(), envelope_payload(name, schema)?));
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

    for (envelope, payload) in &envelopes {
        let envelope = format_ident!("{}", envelope);
        let payload = format_ident!("{}", payload);
        file.items.push(syn::parse_quote! {
            impl crate::Envelope for types::#envelope {
                type Payload = types::#payload;

                fn into_payload(self) -> types::#payload {
                    self.response
                }
            }
        });
    }
    let header = format!(
        "//! This file is generated by `cargo xtask generate` from {spec}.\n\
         //! Do not edit it by hand: change the spec and run `cargo xtask generate`.\n\n",
        spec = api.spec_relative()
    );
    Ok(header + &prettyplease::unparse(&file))
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
