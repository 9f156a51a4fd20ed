//! What the passes share: finding progenitor's modules and setter types in its syntax tree,
//! progenitor's names, the header of a generated file, and the check every pass makes on
//! how many places it changed.

use heck::ToSnakeCase;

use crate::model::Spec;

/// The items of the inline module `name` among `items`.
pub fn module<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> anyhow::Result<&'a mut Vec<syn::Item>> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| anyhow::anyhow!("progenitor's output has no `{name}` module"))
}

/// Fails unless a pass changed exactly the number of places it was expected to: a pass that
/// finds fewer has met output it does not understand, and the generated code would be wrong.
pub fn expect_changes(pass: &str, changed: usize, expected: usize) -> anyhow::Result<()> {
    anyhow::ensure!(
        changed == expected,
        "the {pass} pass changed {changed} places in progenitor's output, expected {expected}: \
         progenitor's output is not what the pass knows (see xtask/src/generate/)"
    );
    Ok(())
}

/// `X` of a generic setter's `<param>: TryInto<X>` bound.
pub fn try_into_target(sig: &syn::Signature, param: &str) -> Option<syn::Type> {
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        if !matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.is_ident(param)) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            (last.ident == "TryInto")
                .then(|| first_type_argument(last))
                .flatten()
        })
    })
}

/// The first type argument of `Name<Arg, …>`.
pub fn first_type_argument(segment: &syn::PathSegment) -> Option<syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

/// progenitor's name for a parameter's setter: snake case, non-identifier characters as
/// `_`, and a trailing `_` for keywords (`type` → `type_`).
pub fn setter_name(parameter: &str) -> String {
    let snake = parameter
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        snake
    } else {
        format!("{snake}_")
    }
}

/// A generated file's header: `intro` (doc lines), the do-not-edit line, and a line per
/// hand-written operation saying `hand_note` and why.
pub fn header(spec: &Spec, intro: &str, hand_note: &str) -> String {
    let mut header = format!(
        "{intro}//! Do not edit it by hand: change the spec and run `cargo xtask generate`.\n\n"
    );
    for hand in spec.api.settings.hand_written {
        header += &format!("// `{}` {hand_note}: {}.\n", hand.operation_id, hand.why);
    }
    header
}

#[cfg(test)]
mod tests {
    #[test]
    fn fewer_changes_than_expected_fail_generation() {
        super::expect_changes("setters", 3, 3).unwrap();
        let error = super::expect_changes("setters", 2, 3)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the setters pass changed 2 places"),
            "{error}"
        );
    }
}
