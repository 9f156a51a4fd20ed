//! Post-processing of progenitor's output: every operation's 200 body is decoded by
//! `helpdesk_client_runtime::__private::decode::success_response::<Protocol, _, _>` instead of progenitor's
//! `ResponseValue::from_response`; that also reads the API's error marker while decoding, so a
//! success body is read once.
//!
//! Why: progenitor decodes with `serde_json::from_slice`, under which a struct also decodes
//! from a JSON array (`{"response": []}` reads as an empty payload) and an error names no
//! JSON path. No generator setting changes that, so the generated `send()` methods are
//! rewritten here, in one place: the `200u16 => ResponseValue::from_response(response).await`
//! arm of each builder's `send()`, and nothing else.

use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// Rewrites the success arms in `file`'s `builder` module; returns how many were rewritten.
pub fn route_success_bodies(file: &mut syn::File, api_type: &str) -> anyhow::Result<usize> {
    let mut rewrite = SuccessArms {
        api_type: syn::parse_str(api_type)?,
        rewritten: 0,
    };
    for item in super::ast::module(&mut file.items, "builder")? {
        rewrite.visit_item_mut(item);
    }
    Ok(rewrite.rewritten)
}

/// Replaces the decoding expression of `200u16 => …` arms.
struct SuccessArms {
    /// The API's `helpdesk_client_runtime::__private::Api` impl type: its error marker is read
    /// while decoding.
    api_type: syn::Type,
    rewritten: usize,
}

impl VisitMut for SuccessArms {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let is_200 = matches!(
            &arm.pat,
            syn::Pat::Lit(syn::PatLit { lit: syn::Lit::Int(int), .. }) if int.base10_digits() == "200"
        );
        // progenitor writes the arm's body as a block: `{ ResponseValue::from_response(…) }`.
        let body = arm.body.to_token_stream().to_string();
        let decodes_json = body.trim_start_matches('{').trim_end_matches('}').trim()
            == "ResponseValue :: from_response (response) . await";
        if is_200 && decodes_json {
            let api_type = &self.api_type;
            *arm.body = syn::parse_quote! {
                ::helpdesk_client_runtime::__private::decode::success_response::<#api_type, _, _>(response).await
            };
            self.rewritten += 1;
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }
}
