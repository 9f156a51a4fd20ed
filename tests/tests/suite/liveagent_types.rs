//! The generated types' behaviour beyond decoding: open enums, JSON schemas, form encoding.

use liveagent::types::{self, ConversationStatus, MessageType};
use liveagent::{CommaList, JsonEncoded, LaInt};

#[test]
fn unknown_enum_values_are_kept_verbatim() {
    let status: ConversationStatus = serde_json::from_str(r#""Z""#).unwrap();
    assert_eq!(status, ConversationStatus::Unknown("Z".to_owned()));
    assert_eq!(serde_json::to_string(&status).unwrap(), r#""Z""#);
    let known: ConversationStatus = serde_json::from_str(r#""R""#).unwrap();
    assert_eq!(known, ConversationStatus::Resolved);
    assert_eq!(ConversationStatus::from("R"), ConversationStatus::Resolved);
    assert_eq!(ConversationStatus::KNOWN.len(), 11);
    // Digits are values too: `1` is WhatsApp.
    assert_eq!(types::ChannelType::from("1"), types::ChannelType::Whatsapp);
    // The docs name both `H` and `A` "Type header".
    assert_eq!(MessageType::from("A").as_str(), "A");
    assert_ne!(MessageType::from("A"), MessageType::from("H"));
}

#[test]
fn comma_lists_of_enums_keep_unknown_items() {
    let list: CommaList<ConversationStatus> = "R,T,Q9".parse().unwrap();
    assert_eq!(
        list.0,
        vec![
            ConversationStatus::Resolved,
            ConversationStatus::Chatting,
            ConversationStatus::Unknown("Q9".to_owned())
        ]
    );
    assert_eq!(list.to_string(), "R,T,Q9");
}

#[test]
fn every_type_has_a_json_schema() {
    let schema = schemars::schema_for!(types::ConversationEnvelope);
    let text = serde_json::to_string(&schema).unwrap();
    for field in ["conversationid", "customfields", "channel_type", "datedue"] {
        assert!(text.contains(field), "schema lacks {field}");
    }
}

#[test]
fn custom_fields_travel_as_json_text_in_the_form() {
    let body = types::SetCustomerFieldsBody {
        customfields: JsonEncoded(types::CustomFieldValues(vec![types::CustomFieldValue {
            code: "varsymbol".to_owned(),
            value: "43894209".to_owned(),
        }])),
    };
    let form = serde_urlencoded::to_string(&body).unwrap();
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&form).unwrap();
    assert_eq!(
        fields,
        vec![(
            "customfields".to_owned(),
            r#"[{"code":"varsymbol","value":"43894209"}]"#.to_owned()
        )]
    );
}

#[test]
fn integers_keep_their_wire_form() {
    let file: types::File =
        serde_json::from_str(r#"{"fileid":"f1","filesize":"12456","downloads":5}"#).unwrap();
    assert_eq!(file.filesize.as_ref().map(LaInt::get), Some(12456));
    assert_eq!(
        serde_json::to_string(&file).unwrap(),
        r#"{"downloads":5,"fileid":"f1","filesize":"12456"}"#
    );
}

#[test]
fn a_non_string_enum_value_is_a_clear_error() {
    let err = serde_json::from_str::<ConversationStatus>("2").unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}
