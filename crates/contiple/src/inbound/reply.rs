//! The bodies a service answers the help center with, byte for byte as the guides' examples
//! (without their line breaks): `{"login":"true","usercode":"…"}`,
//! `{"login":"false","usercode":null}` and `{"resultData":{…},"resultCode":"0","resultMsg":"success"}`,
//! and the `http` responses that carry them.

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Response, StatusCode};
use serde::Serialize;

use crate::types::{
    CustomerDataResponse, CustomerDataResultData, MemberLoginStatus, MemberTokenVerification,
};

/// The `Content-Type` of every JSON reply.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

impl CustomerDataResultData {
    /// Customer data with `custId` and `custName` and no other variable; add ticket field
    /// codes with [`CustomerDataResultData::field`].
    pub fn new(cust_id: impl Into<String>, cust_name: impl Into<String>) -> Self {
        Self {
            cust_id: Some(cust_id.into()),
            cust_name: Some(cust_name.into()),
            extra: serde_json::Map::new(),
        }
    }

    /// Adds a variable: a ticket field's value under its field code (the variable name and
    /// the field code configured in the console must be identical).
    #[must_use]
    pub fn field(mut self, code: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.extra.insert(code.into(), value.into());
        self
    }
}

impl CustomerDataResponse {
    /// The success answer (`resultCode` `"0"`, `resultMsg` `"success"`) with `data`.
    pub fn found(data: CustomerDataResultData) -> Self {
        Self {
            result_code: Some("0".to_owned()),
            result_msg: Some("success".to_owned()),
            result_data: Some(data),
        }
    }

    /// A failure answer: `code` is anything but `"0"`; no `resultData`.
    pub fn failed(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            result_code: Some(code.into()),
            result_msg: Some(message.into()),
            result_data: None,
        }
    }
}

/// The docs' member order of the customer-data reply: `resultData`, `resultCode`,
/// `resultMsg` (the generated type's is alphabetical).
#[derive(Serialize)]
struct CustomerDataInDocsOrder<'a> {
    #[serde(rename = "resultData")]
    result_data: &'a Option<CustomerDataResultData>,
    #[serde(rename = "resultCode")]
    result_code: &'a Option<String>,
    #[serde(rename = "resultMsg")]
    result_msg: &'a Option<String>,
}

/// The login-status body: `{"login":"true","usercode":"…"}` or
/// `{"login":"false","usercode":null}`.
pub fn login_status_body(status: &MemberLoginStatus) -> String {
    to_json(status)
}

/// The token-verification body, the same two shapes as the login status.
pub fn token_verification_body(verification: &MemberTokenVerification) -> String {
    to_json(verification)
}

/// The customer-data body, members in the docs' order; every variable of `resultData` is kept.
pub fn customer_data_body(response: &CustomerDataResponse) -> String {
    to_json(&CustomerDataInDocsOrder {
        result_data: &response.result_data,
        result_code: &response.result_code,
        result_msg: &response.result_msg,
    })
}

fn to_json(value: &impl Serialize) -> String {
    // These types hold strings, maps of JSON values and unit enums: serialization cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| String::from("{}"))
}

/// A JSON response: `status`, `Content-Type: application/json;charset=UTF-8`, not cached
/// (the answer depends on who asks).
pub fn json_response(status: StatusCode, body: String) -> Response<String> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A plain-text response (for a request the endpoints refuse).
pub fn text_response(status: StatusCode, body: &str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_examples_byte_for_byte() {
        assert_eq!(
            login_status_body(&MemberLoginStatus::logged_in("usercodeXXX")),
            r#"{"login":"true","usercode":"usercodeXXX"}"#
        );
        assert_eq!(
            login_status_body(&MemberLoginStatus::logged_out()),
            r#"{"login":"false","usercode":null}"#
        );
        assert_eq!(
            token_verification_body(&MemberTokenVerification::logged_in("usercodeXXX")),
            r#"{"login":"true","usercode":"usercodeXXX"}"#
        );
        assert_eq!(
            token_verification_body(&MemberTokenVerification::logged_out()),
            r#"{"login":"false","usercode":null}"#
        );
        assert_eq!(
            customer_data_body(&CustomerDataResponse::found(CustomerDataResultData::new(
                "test", "Test"
            ))),
            r#"{"resultData":{"custId":"test","custName":"Test"},"resultCode":"0","resultMsg":"success"}"#
        );
    }

    #[test]
    fn field_codes_survive_a_round_trip() {
        let data = CustomerDataResultData::new("c1", "Kim")
            .field("grade", "VIP")
            .field("points", 1200);
        let body = customer_data_body(&CustomerDataResponse::found(data.clone()));
        assert_eq!(
            body,
            r#"{"resultData":{"custId":"c1","custName":"Kim","grade":"VIP","points":1200},"resultCode":"0","resultMsg":"success"}"#
        );
        let back: CustomerDataResponse = serde_json::from_str(&body).unwrap();
        assert_eq!(back.result_data, Some(data));
    }

    #[test]
    fn the_logged_out_body_needs_its_usercode_key() {
        let parsed: MemberLoginStatus =
            serde_json::from_str(r#"{"login":"false","usercode":null}"#).unwrap();
        assert_eq!(parsed, MemberLoginStatus::logged_out());
    }
}
