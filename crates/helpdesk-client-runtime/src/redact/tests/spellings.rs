//! Table-driven tests of every spelling family [`Secrets::redact`] promises to mask, and of the
//! decoders behind them, case by case: written so that a decoder that gets one spelling wrong
//! fails a test (the mutation run, `cargo xtask mutants`, checks that it does).
//!
//! Each family spells a key character by character in several variants (upper and lower case,
//! `;` or none, reserved characters bare or encoded); each spelling is checked whole in a
//! message and cut at every byte at the end of a text. The keys are synthetic, one per shape:
//! alphanumeric, base64-like (`/`, `+`, `=`), punctuation, spaces, non-ASCII (an astral
//! character included, for surrogate pairs).

use super::super::{
    html_reference, json_escape, mask_query_keys, may_start, Escape, Secrets, MASK, MIN_PREFIX_LEN,
    REDACTION_LOOKAHEAD,
};

/// Synthetic keys, one per shape.
const KEYS: [&str; 5] = [
    "Ab3dE6gH9jK2mN5pQ8sT",
    "k3y/With+Slash=Q1/z+9==",
    "p?q&r#s%t;u\"v<w>x'y\\z",
    " open sesame 4 me",
    "clé-😀-secrète-ключ-鍵",
];

/// One character of a key as spelled: its bytes, and how many of them the decoder needs to
/// have the whole character (fewer than all for a numeric HTML reference ending in `;`: at the
/// end of a text, `&#47` is already `/`).
struct Unit {
    bytes: String,
    complete_at: usize,
}

impl Unit {
    fn whole(bytes: String) -> Self {
        Unit {
            complete_at: bytes.len(),
            bytes,
        }
    }

    /// Whether the first `cut` bytes of this unit, the spelling of `c`, are the whole
    /// character at the end of a text: all it needs, or `c` verbatim (`%` of `%25`, `\` of
    /// `\u005C`, `&` of `&amp;`).
    fn whole_at(&self, c: char, cut: usize) -> bool {
        cut >= self.complete_at || self.bytes.get(..cut) == Some(c.encode_utf8(&mut [0; 4]))
    }
}

/// A way of spelling a key: a name for failure messages and the spelling of its `i`-th
/// character.
type Family = (&'static str, fn(usize, char) -> Unit);

fn verbatim(_: usize, c: char) -> Unit {
    Unit::whole(c.to_string())
}

/// `%XX` with the case of each hex digit chosen by `upper`.
fn percent_byte(byte: u8, upper: [bool; 2]) -> String {
    let digit = |d: u8, upper: bool| {
        let d = char::from_digit(u32::from(d), 16).unwrap();
        if upper {
            d.to_ascii_uppercase()
        } else {
            d
        }
    };
    format!(
        "%{}{}",
        digit(byte >> 4, upper[0]),
        digit(byte & 15, upper[1])
    )
}

fn percent_all(c: char, upper: [bool; 2]) -> Unit {
    let mut utf8 = [0; 4];
    Unit::whole(
        c.encode_utf8(&mut utf8)
            .bytes()
            .map(|b| percent_byte(b, upper))
            .collect(),
    )
}

/// What a URL encoder leaves bare.
fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn percent_upper(_: usize, c: char) -> Unit {
    percent_all(c, [true, true])
}

fn percent_lower(_: usize, c: char) -> Unit {
    percent_all(c, [false, false])
}

/// A form encoder: reserved characters encoded, unreserved bare, `+` for a space.
fn percent_form(_: usize, c: char) -> Unit {
    match c {
        ' ' => Unit::whole("+".to_owned()),
        c if unreserved(c) => verbatim(0, c),
        c => percent_all(c, [true, true]),
    }
}

/// A lax encoder: every ASCII character bare (reserved ones included), the rest encoded in
/// lower case, `%20` for a space.
fn percent_lax(_: usize, c: char) -> Unit {
    match c {
        ' ' => Unit::whole("%20".to_owned()),
        c if c.is_ascii() => verbatim(0, c),
        c => percent_all(c, [false, false]),
    }
}

/// Each character a different way: bare, encoded in mixed case, `+` or `%20` for a space.
fn percent_mixed(i: usize, c: char) -> Unit {
    match (i % 3, c) {
        (0, ' ') => Unit::whole("+".to_owned()),
        (0, c) => verbatim(0, c),
        (1, c) => percent_all(c, [true, false]),
        (_, c) => percent_all(c, [false, true]),
    }
}

/// `\uXXXX`, a surrogate pair beyond the BMP, in the case chosen.
fn json_u(c: char, upper: bool) -> Unit {
    let mut units = [0; 2];
    Unit::whole(
        c.encode_utf16(&mut units)
            .iter()
            .map(|u| {
                if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                }
            })
            .collect(),
    )
}

fn json_upper(_: usize, c: char) -> Unit {
    json_u(c, true)
}

fn json_lower(_: usize, c: char) -> Unit {
    json_u(c, false)
}

/// What a JSON encoder writes: the short escapes, everything else verbatim.
fn json_short(_: usize, c: char) -> Unit {
    let short = match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '/' => "\\/",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        c => return verbatim(0, c),
    };
    Unit::whole(short.to_owned())
}

fn json_mixed(i: usize, c: char) -> Unit {
    match i % 3 {
        0 => json_upper(i, c),
        1 => json_short(i, c),
        _ => json_lower(i, c),
    }
}

/// A numeric reference: `hex` or decimal, the `x` and the digits in upper or lower case,
/// zero-padded to `width` digits, with or without `;`.
fn html_numeric(c: char, hex: Option<bool>, width: usize, semicolon: bool) -> Unit {
    let code = u32::from(c);
    let core = match hex {
        None => format!("&#{code:0width$}"),
        Some(true) => format!("&#X{code:0width$X}"),
        Some(false) => format!("&#x{code:0width$x}"),
    };
    let complete_at = core.len();
    let bytes = if semicolon { core + ";" } else { core };
    Unit { bytes, complete_at }
}

fn html_decimal(_: usize, c: char) -> Unit {
    html_numeric(c, None, 0, true)
}

fn html_hex_upper(_: usize, c: char) -> Unit {
    html_numeric(c, Some(true), 0, true)
}

fn html_hex_lower(_: usize, c: char) -> Unit {
    html_numeric(c, Some(false), 0, true)
}

/// The widest references decoded (12 bytes): zero-padded to 9 decimal or 8 hex digits.
fn html_padded(i: usize, c: char) -> Unit {
    if i.is_multiple_of(2) {
        html_numeric(c, None, 9, true)
    } else {
        html_numeric(c, Some(false), 8, true)
    }
}

/// Without `;` (HTML decodes them; [`spell`] adds the `;` where the next byte would extend
/// the number).
fn html_decimal_bare(_: usize, c: char) -> Unit {
    html_numeric(c, None, 0, false)
}

fn html_hex_bare(i: usize, c: char) -> Unit {
    html_numeric(c, Some(i.is_multiple_of(2)), 0, false)
}

/// What an HTML encoder writes: the named references, everything else verbatim.
fn html_named(_: usize, c: char) -> Unit {
    let named = match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&apos;",
        c => return verbatim(0, c),
    };
    Unit::whole(named.to_owned())
}

fn html_mixed(i: usize, c: char) -> Unit {
    let all: [fn(usize, char) -> Unit; 6] = [
        html_decimal,
        html_hex_upper,
        html_decimal_bare,
        html_named,
        html_hex_bare,
        html_hex_lower,
    ];
    all[i % all.len()](i, c)
}

/// Any mix: each character from another family.
fn mixed(i: usize, c: char) -> Unit {
    let all: [fn(usize, char) -> Unit; 5] = [
        percent_mixed,
        json_mixed,
        html_mixed,
        verbatim,
        percent_form,
    ];
    all[i % all.len()](i / all.len(), c)
}

const FAMILIES: [Family; 19] = [
    ("verbatim", verbatim),
    ("percent, upper case", percent_upper),
    ("percent, lower case", percent_lower),
    ("percent, form", percent_form),
    ("percent, reserved bare", percent_lax),
    ("percent, mixed", percent_mixed),
    ("json \\u, upper case", json_upper),
    ("json \\u, lower case", json_lower),
    ("json short escapes", json_short),
    ("json, mixed", json_mixed),
    ("html decimal", html_decimal),
    ("html hex, upper case", html_hex_upper),
    ("html hex, lower case", html_hex_lower),
    ("html zero-padded", html_padded),
    ("html decimal without ;", html_decimal_bare),
    ("html hex without ;", html_hex_bare),
    ("html named", html_named),
    ("html, mixed", html_mixed),
    ("any mix", mixed),
];

/// `key` spelled by `family`, as units. A reference left without `;` gets one where the next
/// byte would extend it (a digit, or a `;` that would end it).
fn spell(key: &str, family: fn(usize, char) -> Unit) -> Vec<Unit> {
    let mut units: Vec<Unit> = key.chars().enumerate().map(|(i, c)| family(i, c)).collect();
    for i in 0..units.len() {
        let unit = &units[i];
        let bare = unit.bytes.starts_with("&#") && unit.complete_at == unit.bytes.len();
        let hex = unit.bytes.starts_with("&#x") || unit.bytes.starts_with("&#X");
        let next = units.get(i + 1).map(|next| next.bytes.as_bytes()[0]);
        let extends = next.is_some_and(|b| {
            b == b';'
                || if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
        });
        if bare && extends {
            units[i].bytes.push(';');
        }
    }
    units
}

fn joined(units: &[Unit]) -> String {
    units.iter().map(|unit| unit.bytes.as_str()).collect()
}

/// Every family, for every key.
fn every_spelling() -> impl Iterator<Item = (&'static str, &'static str, Vec<Unit>)> {
    KEYS.into_iter().flat_map(|key| {
        FAMILIES
            .into_iter()
            .map(move |(name, family)| (key, name, spell(key, family)))
    })
}

#[test]
fn every_family_masks_every_key_whole() {
    for (key, family, units) in every_spelling() {
        let spelling = joined(&units);
        let secrets = Secrets::new([key]);
        let text = format!(r#"{{"message":"bad key {spelling}!"}}"#);
        assert_eq!(
            secrets.redact_string(&text),
            format!(r#"{{"message":"bad key {MASK}!"}}"#),
            "{family}: {key:?} as {spelling}"
        );
        // Twice in one text, and alone.
        assert_eq!(
            secrets.redact_string(&format!("{spelling} {spelling}")),
            format!("{MASK} {MASK}"),
            "{family}: {key:?} as {spelling}"
        );
        assert_eq!(secrets.redact_string(&spelling), MASK, "{family}: {key:?}");
    }
}

/// At every cut of every spelling at the end of a text: masked when at least
/// [`MIN_PREFIX_LEN`] characters are there whole, left alone otherwise.
#[test]
fn every_family_masks_every_cut_of_eight_characters_or_more() {
    const BEFORE: &str = "echo: ";
    for (key, family, units) in every_spelling() {
        let secrets = Secrets::new([key]);
        let spelling = joined(&units);
        let mut starts = Vec::new();
        let mut at = 0;
        for unit in &units {
            starts.push(at);
            at += unit.bytes.len();
        }
        for cut in 0..=spelling.len() {
            let whole = units
                .iter()
                .zip(&starts)
                .zip(key.chars())
                .filter(|((unit, start), c)| cut >= **start && unit.whole_at(*c, cut - **start))
                .count();
            let text = [BEFORE.as_bytes(), &spelling.as_bytes()[..cut]].concat();
            let expected = if whole >= MIN_PREFIX_LEN {
                [BEFORE.as_bytes(), MASK.as_bytes()].concat()
            } else {
                text.clone()
            };
            assert_eq!(
                secrets.redact_bytes(&text).into_owned(),
                expected,
                "{family}: {key:?} cut after {whole} characters: {:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}

/// Synthetic: an 8-character key, the shortest masked, ending in a reference without `;` at
/// the end of the text: `&#47` there is `/`, and the key is whole.
#[test]
fn a_reference_without_semicolon_ends_a_shortest_key() {
    let secrets = Secrets::new(["abcdefg/"]);
    assert_eq!(secrets.redact_string("x abcdefg&#47"), format!("x {MASK}"));
    assert_eq!(secrets.redact_string("x abcdefg&#x2f"), format!("x {MASK}"));
    // One more digit makes another character: not the key, and 7 characters are no prefix.
    assert_eq!(secrets.redact_string("x abcdefg&#470"), "x abcdefg&#470");
    assert_eq!(secrets.redact_string("x abcdefg&#4"), "x abcdefg&#4");
}

/// A text that runs into something no spelling continues with, after 8 characters of a key,
/// is not a cut key.
#[test]
fn what_no_spelling_continues_with_is_no_cut() {
    let secrets = Secrets::new([KEYS[0]]);
    let prefix = &KEYS[0][..9];
    for end in [
        "&a-", "&a;", "&#x;", "&#q", "%G", "%4G", "\\q", "\\u00G0", "+", "x",
    ] {
        let text = format!("{prefix}{end}");
        assert_eq!(secrets.redact_string(&text), text, "{end:?}");
    }
    for end in [
        "&", "&a", "&#", "&#x", "&#x4", "%", "%4", "\\", "\\u", "\\u00",
    ] {
        let text = format!("{prefix}{end}");
        assert_eq!(secrets.redact_string(&text), MASK, "{end:?}");
    }
}

#[test]
fn json_escapes_decode_exactly() {
    use Escape::{Char, Incomplete, Invalid};
    let cases: &[(&str, Escape)] = &[
        ("\\\"", Char('"', 2)),
        ("\\\\", Char('\\', 2)),
        ("\\/", Char('/', 2)),
        ("\\b", Char('\u{8}', 2)),
        ("\\f", Char('\u{c}', 2)),
        ("\\n", Char('\n', 2)),
        ("\\r", Char('\r', 2)),
        ("\\t", Char('\t', 2)),
        ("\\x", Invalid),
        ("\\U002F", Invalid),
        ("\\", Incomplete),
        ("\\u", Incomplete),
        ("\\u002", Incomplete),
        ("\\u002F", Char('/', 6)),
        ("\\u002fxyz", Char('/', 6)),
        ("\\u00G1", Invalid),
        ("\\u\u{e9}12", Invalid),
        ("\\uD7FF", Char('\u{d7ff}', 6)),
        ("\\uE000", Char('\u{e000}', 6)),
        ("\\uFFFF", Char('\u{ffff}', 6)),
        ("\\uD83D\\uDE00", Char('😀', 12)),
        ("\\ud83d\\ude00!", Char('😀', 12)),
        ("\\uD800\\uDC00", Char('\u{10000}', 12)),
        ("\\uDBFF\\uDFFF", Char('\u{10ffff}', 12)),
        ("\\uD83D", Incomplete),
        ("\\uD83D\\", Incomplete),
        ("\\uD83D\\u", Incomplete),
        ("\\uD83D\\uDE0", Incomplete),
        ("\\uD83Dxx", Invalid),
        ("\\uD83D\\n", Invalid),
        ("\\uD83D\\u0041", Invalid),
        ("\\uD83D\\uDBFF", Invalid),
        ("\\uD83D\\uE000", Invalid),
        ("\\uD83D\\uDG00", Invalid),
        // A lone low surrogate is no character.
        ("\\uDC00", Invalid),
        ("\\uDFFF\\uDC00", Invalid),
    ];
    for (text, expected) in cases {
        assert_eq!(&json_escape(text.as_bytes()), expected, "{text:?}");
    }
}

#[test]
fn html_references_decode_exactly() {
    use Escape::{Char, Digits, Incomplete, Invalid};
    let cases: &[(&str, Escape)] = &[
        ("&amp;", Char('&', 5)),
        ("&lt;x", Char('<', 4)),
        ("&gt;", Char('>', 4)),
        ("&quot;", Char('"', 6)),
        ("&apos;", Char('\'', 6)),
        ("&nbsp;", Invalid),
        ("&AMP;", Invalid),
        ("&;", Invalid),
        ("&", Incomplete),
        ("&am", Incomplete),
        ("&amp", Incomplete),
        ("&a-b", Invalid),
        ("&a b", Invalid),
        // The window: 11 bytes may still end in `;`, 12 may not.
        ("&abcdefghij", Incomplete),
        ("&abcdefghijk", Invalid),
        ("&abcdefghijk;", Invalid),
        // Decimal.
        ("&#47;", Char('/', 5)),
        ("&#47;x", Char('/', 5)),
        ("&#47x", Char('/', 4)),
        ("&#47&", Char('/', 4)),
        ("&#47", Digits('/', 4)),
        ("&#4", Digits('\u{4}', 3)),
        ("&#", Incomplete),
        ("&#;", Invalid),
        ("&#q", Invalid),
        ("&#000000047;", Char('/', 12)),
        ("&#000000047", Digits('/', 11)),
        ("&#0000000047;", Invalid),
        ("&#1114111;", Char('\u{10ffff}', 10)),
        ("&#1114112;", Invalid),
        ("&#55296;", Invalid),
        ("&#99999999", Incomplete),
        ("&#999999999", Invalid),
        // Hexadecimal.
        ("&#x2F;", Char('/', 6)),
        ("&#X2f;", Char('/', 6)),
        ("&#x2f", Digits('/', 5)),
        ("&#x2fg", Char('/', 5)),
        ("&#X", Incomplete),
        ("&#x", Incomplete),
        ("&#x;", Invalid),
        ("&#xg", Invalid),
        ("&#x0010FFFF;", Char('\u{10ffff}', 12)),
        ("&#x0010FFFF", Digits('\u{10ffff}', 11)),
        ("&#x00110000;", Invalid),
        ("&#x00000002F;", Invalid),
        ("&#x0000002F;", Char('/', 12)),
        ("&#xD800;", Invalid),
        ("&#xD800", Incomplete),
        ("&#xD8000;", Char('\u{d8000}', 9)),
        ("&#x1234567", Incomplete),
        ("&#x12345678", Invalid),
    ];
    for (text, expected) in cases {
        assert_eq!(&html_reference(text.as_bytes()), expected, "{text:?}");
    }
}

/// The filter that skips bytes where no spelling can start: exactly the first byte, the
/// escapes' first bytes, and `+` for a key that starts with a space. (A wider filter costs
/// time, a narrower one a key.)
#[test]
fn a_spelling_may_start_only_where_one_can() {
    for (first, starts) in [
        ('k', &b"k%\\&"[..]),
        (' ', &b" %\\&+"[..]),
        ('é', &[0xc3, b'%', b'\\', b'&'][..]),
        ('+', &b"+%\\&"[..]),
    ] {
        let mut utf8 = [0; 4];
        let first_byte = first.encode_utf8(&mut utf8).as_bytes()[0];
        for b in 0..=u8::MAX {
            assert_eq!(
                may_start(b, first_byte, first),
                starts.contains(&b),
                "{first:?} at byte {b:#04x}"
            );
        }
    }
}

/// The look-ahead past a cut holds the longest key the docs promise (256 characters) in the
/// longest spelling (12 bytes a character), and no spelling is longer.
#[test]
fn the_lookahead_holds_a_long_key_in_the_longest_spelling() {
    let longest = KEYS
        .into_iter()
        .flat_map(|key| {
            FAMILIES
                .into_iter()
                .map(move |(_, family)| spell(key, family))
        })
        .flatten()
        .map(|unit| unit.bytes.len())
        .max();
    assert_eq!(longest, Some(12));
    let key: String = std::iter::repeat_n('😀', 256).collect();
    let spelling = joined(&spell(&key, json_upper));
    assert_eq!(spelling.len(), REDACTION_LOOKAHEAD);
}

#[test]
fn apikey_values_are_masked_up_to_their_end() {
    assert_eq!(mask_query_keys("x apikey="), "x apikey=<redacted>");
    assert_eq!(mask_query_keys("APIKey=abc"), "APIKey=<redacted>");
    assert_eq!(mask_query_keys("x apike"), "x apike");
    assert_eq!(mask_query_keys("apikeyapikey=1"), "apikeyapikey=<redacted>");
    for end in ['&', '#', '"', '\'', ')', '<', '>', ' ', '\t', '\r', '\n'] {
        assert_eq!(
            mask_query_keys(&format!("?apikey=s3cret{end}next")),
            format!("?apikey=<redacted>{end}next"),
            "{end:?}"
        );
    }
    // Not a terminator: the value goes on.
    assert_eq!(mask_query_keys("apikey=a;b/c"), "apikey=<redacted>");
    // Nothing to mask: the same text, not a copy.
    assert!(matches!(
        Secrets::none().redact("no key"),
        std::borrow::Cow::Borrowed("no key")
    ));
}

#[test]
fn debug_counts_the_secrets_and_shows_none() {
    assert_eq!(format!("{:?}", Secrets::none()), "Secrets(0 redacted)");
    let two = Secrets::new([KEYS[0], KEYS[1], KEYS[0], "short"]);
    assert_eq!(format!("{two:?}"), "Secrets(2 redacted)");
    assert!(!format!("{two:?}").contains(KEYS[0]));
    assert!(Secrets::none().is_empty() && !two.is_empty());
}

/// Secrets are masked longest first: a key that contains another is masked whole.
#[test]
fn a_key_containing_another_is_masked_whole() {
    let secrets = Secrets::new(["inner-key-1", "outer-inner-key-1-end"]);
    assert_eq!(
        secrets.redact_string("a outer-inner-key-1-end b inner-key-1 c"),
        format!("a {MASK} b {MASK} c")
    );
}

/// What an error keeps of a body: redacted first, then cut to
/// [`crate::MAX_ERROR_BODY`], so that a key across the cut leaves no prefix behind.
#[test]
fn a_kept_body_is_redacted_then_cut() {
    use super::super::redacted_bounded;
    let secrets = Secrets::new([KEYS[0]]);
    let max = crate::MAX_ERROR_BODY;
    let body = [&"x".repeat(max - 5), KEYS[0], " and more"].concat();
    let kept = redacted_bounded(&secrets, &bytes::Bytes::from(body));
    assert_eq!(kept.len(), max);
    assert_eq!(&kept[max - 5..], &MASK.as_bytes()[..5]);
    // A body within the bound is kept whole.
    let short = bytes::Bytes::from(format!("short {}", KEYS[0]));
    assert_eq!(redacted_bounded(&secrets, &short), format!("short {MASK}"));
}
