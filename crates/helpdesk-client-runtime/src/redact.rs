//! Secret redaction, per client: [`Secrets`] holds the secrets of one client (its API key or
//! security key) and masks them in every text an error or a log line of that client exposes.
//!
//! There is no process-wide registry: each client's [`crate::State`] keeps its own
//! [`Secrets`], built from its credentials, and every error is redacted when it is built, with
//! the secrets of the client that made it. Building or rendering an error therefore costs the
//! same whether the process holds one client or ten thousand, and a dropped client leaves no
//! copy of its key behind (the copies are zeroized on drop; [`Secrets::watch`] shows it).
//!
//! Servers echo keys back in messages, as JSON values, inside URLs, or inside a wrongly typed
//! field that a decoder then quotes, so masking a pattern such as `apikey=` is not enough: the
//! secret is found in every spelling a server may use, and masked whole:
//!
//! - verbatim;
//! - percent-encoded, in upper or lower case, any character encoded or left bare (so `/` and
//!   the other reserved characters may be either), `+` for a space;
//! - JSON string escapes (`\/`, `\u0061`, surrogate pairs) and HTML character references
//!   (`&#47;`, `&#x2F;`, `&amp;`);
//! - any mix of these;
//! - cut short: a prefix of at least [`MIN_PREFIX_LEN`] characters of a secret at the end of
//!   a text (where the runtime cut a body, or a server cut its message) is masked too.
//!
//! Redaction runs before any truncation: a cut never leaves half a key.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use std::sync::Arc;
#[cfg(any(test, feature = "test-support"))]
use std::sync::Weak;

use zeroize::Zeroizing;

/// What a masked secret is replaced with.
pub const MASK: &str = "<redacted>";

/// Secrets shorter than this are not masked: masking a one-letter test key would garble every
/// message, and real keys are far longer (LiveAgent's and Contiple's are 32 characters).
pub const MIN_SECRET_LEN: usize = 8;

/// A prefix of a secret this long or longer, at the end of a text, is masked.
pub const MIN_PREFIX_LEN: usize = 8;

/// How many bytes beyond a cut the runtime reads before redacting, so that a secret spelled
/// across the cut is masked whole: room for a 256-character key spelled in 12-byte escapes.
pub const REDACTION_LOOKAHEAD: usize = 256 * 12;

/// The secrets of one client, masked by [`Secrets::redact`] in every spelling a server may
/// echo them in. Cheap to clone (clones share one copy); the copy is zeroized when the last
/// clone is dropped.
#[derive(Clone, Default)]
pub struct Secrets {
    inner: Option<Arc<SecretList>>,
}

/// The secrets as characters, longest first (so a secret containing another is masked whole).
/// Each is a [`Zeroizing`] vector: dropping the list (or a duplicate [`Secrets::new`] leaves
/// out) clears every copy before its memory is freed. The tests check it with an allocator
/// that looks at each block as it is freed.
struct SecretList {
    secrets: Vec<Zeroizing<Vec<char>>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.inner.as_ref().map_or(0, |list| list.secrets.len());
        write!(f, "Secrets({count} redacted)")
    }
}

impl Secrets {
    /// No secrets: only the generic masking ([`mask_query_keys`]) applies.
    pub fn none() -> Self {
        Self::default()
    }

    /// The secrets to mask; those shorter than [`MIN_SECRET_LEN`] characters are ignored.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list: Vec<Zeroizing<Vec<char>>> = secrets
            .into_iter()
            .filter(|secret| secret.chars().count() >= MIN_SECRET_LEN)
            .map(|secret| Zeroizing::new(secret.chars().collect()))
            .collect();
        list.sort_by_key(|chars| std::cmp::Reverse(chars.len()));
        list.dedup_by(|a, b| a[..] == b[..]);
        if list.is_empty() {
            return Self::none();
        }
        Self {
            inner: Some(Arc::new(SecretList { secrets: list })),
        }
    }

    /// Whether there is no secret to mask.
    pub fn is_empty(&self) -> bool {
        self.inner.is_none()
    }

    /// Watches this set of secrets: [`DropWatch::is_dropped`] turns true once every client
    /// (and every clone) holding it is gone, and with it the only copy the runtime kept.
    #[cfg(any(test, feature = "test-support"))]
    pub fn watch(&self) -> DropWatch {
        DropWatch {
            weak: self.inner.as_ref().map(Arc::downgrade),
        }
    }

    /// `text` with every secret masked in every spelling, and the value of every `apikey=`
    /// parameter masked ([`mask_query_keys`]).
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.redact_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Masks replace whole characters (a match starts and ends on character
            // boundaries), so the result is still UTF-8.
            Cow::Owned(bytes) => Cow::Owned(
                String::from_utf8(bytes)
                    .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
            ),
        }
    }

    /// [`Secrets::redact`] of raw bytes (a body that may not be UTF-8).
    pub fn redact_bytes<'t>(&self, text: &'t [u8]) -> Cow<'t, [u8]> {
        let mut out = mask_query_keys_bytes(text);
        if let Some(list) = &self.inner {
            for secret in &list.secrets {
                if let Some(masked) = mask_secret(&out, secret) {
                    out = Cow::Owned(masked);
                }
            }
        }
        out
    }

    /// [`Secrets::redact`] as an owned `String`.
    pub fn redact_string(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }
}

/// Tells whether a [`Secrets`] is gone: see [`Secrets::watch`] (feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
#[derive(Clone, Debug)]
pub struct DropWatch {
    weak: Option<Weak<SecretList>>,
}

#[cfg(any(test, feature = "test-support"))]
impl DropWatch {
    /// Whether every holder of the watched secrets has dropped them (always true for
    /// [`Secrets::none`]).
    pub fn is_dropped(&self) -> bool {
        self.weak
            .as_ref()
            .is_none_or(|weak| weak.strong_count() == 0)
    }
}

/// Masks the value after every `apikey=` (LiveAgent's query parameter), in any text, without
/// knowing the key: for texts that belong to no client (a URL a tool prints).
pub fn mask_query_keys(text: &str) -> Cow<'_, str> {
    match mask_query_keys_bytes(text.as_bytes()) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

fn mask_query_keys_bytes(text: &[u8]) -> Cow<'_, [u8]> {
    const KEY: &[u8] = b"apikey=";
    if !text.windows(KEY.len()).any(|w| w.eq_ignore_ascii_case(KEY)) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text.len() - i >= KEY.len() && text[i..i + KEY.len()].eq_ignore_ascii_case(KEY) {
            out.extend_from_slice(&text[i..i + KEY.len()]);
            out.extend_from_slice(MASK.as_bytes());
            i += KEY.len();
            while i < text.len()
                && !matches!(
                    text[i],
                    b'&' | b'#' | b'"' | b'\'' | b')' | b'<' | b'>' | b' ' | b'\t' | b'\r' | b'\n'
                )
            {
                i += 1;
            }
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// `text` with `secret` masked in every spelling, or `None` if it does not occur.
fn mask_secret(text: &[u8], secret: &[char]) -> Option<Vec<u8>> {
    let first = *secret.first()?;
    let mut first_utf8 = [0u8; 4];
    let first_byte = first.encode_utf8(&mut first_utf8).as_bytes()[0];
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0; // text[..copied] is in `out` (or unchanged)
    let mut i = 0;
    while i < text.len() {
        if may_start(text[i], first_byte, first) {
            if let Some(end) = match_at(text, i, secret) {
                let out = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                out.extend_from_slice(&text[copied..i]);
                out.extend_from_slice(MASK.as_bytes());
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    let mut out = out?;
    out.extend_from_slice(&text[copied..]);
    Some(out)
}

/// Whether a spelling of a secret whose first character is `first` (whose UTF-8 starts with
/// `first_byte`) may start at a byte `b`: the first byte itself, or the start of an escape. A
/// filter only: [`match_at`] decides.
fn may_start(b: u8, first_byte: u8, first: char) -> bool {
    b == first_byte || b == b'%' || b == b'\\' || b == b'&' || (b == b'+' && first == ' ')
}

/// Where a spelling of `secret` starting at `text[start]` ends: the whole secret, or a prefix
/// of at least [`MIN_PREFIX_LEN`] characters that runs into the end of the text.
fn match_at(text: &[u8], start: usize, secret: &[char]) -> Option<usize> {
    let mut at = start;
    for (matched, &c) in secret.iter().enumerate() {
        match unit(text, at, c) {
            // A prefix cut inside the spelling of its next character: masked to the end.
            Unit::Incomplete | Unit::Ambiguous(_) if matched >= MIN_PREFIX_LEN => {
                return Some(text.len())
            }
            Unit::Match(len) | Unit::Ambiguous(len) => at += len,
            Unit::Incomplete | Unit::NoMatch => return None,
        }
    }
    Some(at)
}

/// Whether one character of a secret is spelled at `text[at]`.
enum Unit {
    /// Yes, in this many bytes.
    Match(usize),
    /// No.
    NoMatch,
    /// The text ends before it could tell (it ends with a prefix of a spelling).
    Incomplete,
    /// Either: yes, verbatim, in this many bytes, or the text ends inside a longer spelling
    /// that starts with the same bytes (`\` of `\u005C`, `%` of `%25`, `&` of `&amp;`).
    Ambiguous(usize),
}

fn unit(text: &[u8], at: usize, c: char) -> Unit {
    let rest = &text[at..];
    if rest.is_empty() {
        return Unit::Incomplete;
    }
    let mut incomplete = false;
    // A JSON escape.
    if rest[0] == b'\\' {
        match json_escape(rest) {
            Escape::Char(decoded, len) if decoded == c => return Unit::Match(len),
            Escape::Incomplete => incomplete = true,
            _ => {}
        }
    }
    // An HTML character reference.
    if rest[0] == b'&' {
        match html_reference(rest) {
            Escape::Char(decoded, len) | Escape::Digits(decoded, len) if decoded == c => {
                return Unit::Match(len)
            }
            Escape::Incomplete | Escape::Digits(..) => incomplete = true,
            _ => {}
        }
    }
    if c == ' ' && rest[0] == b'+' {
        return Unit::Match(1);
    }
    // The UTF-8 bytes, each verbatim or percent-encoded.
    let mut utf8 = [0u8; 4];
    let mut len = 0;
    for &byte in c.encode_utf8(&mut utf8).as_bytes() {
        let rest = &text[at + len..];
        let Some(&first) = rest.first() else {
            return Unit::Incomplete;
        };
        if first == b'%' {
            match rest.get(1..3) {
                Some(&[high, low]) if hex_pair(high, low) == Some(byte) => {
                    len += 3;
                    continue;
                }
                // `%` or `%X` at the very end: the start of an encoded byte, perhaps (or, when
                // the byte is `%`, that byte verbatim: both readings stand).
                None if rest[1..].iter().all(u8::is_ascii_hexdigit) => {
                    if byte != b'%' {
                        return Unit::Incomplete;
                    }
                    incomplete = true;
                }
                _ => {}
            }
        }
        if first != byte {
            return if incomplete {
                Unit::Incomplete
            } else {
                Unit::NoMatch
            };
        }
        len += 1;
    }
    if incomplete {
        Unit::Ambiguous(len)
    } else {
        Unit::Match(len)
    }
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |d: u8| (d as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

/// An escape sequence decoded.
#[cfg_attr(test, derive(Debug, PartialEq))]
enum Escape {
    /// The character, and the sequence's length in bytes.
    Char(char, usize),
    /// Not an escape this decoder knows.
    Invalid,
    /// The text ends inside what may be an escape.
    Incomplete,
    /// The text ends in the digits of a numeric HTML reference without `;`: this character
    /// (in this many bytes), or another one if more digits follow.
    Digits(char, usize),
}

/// A JSON string escape at the start of `text` (which starts with `\`).
fn json_escape(text: &[u8]) -> Escape {
    let Some(&kind) = text.get(1) else {
        return Escape::Incomplete;
    };
    let simple = match kind {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    if let Some(c) = simple {
        return Escape::Char(c, 2);
    }
    if kind != b'u' {
        return Escape::Invalid;
    }
    let unit_at = |offset: usize| -> Result<u32, Escape> {
        let digits = text.get(offset..offset + 4).ok_or(Escape::Incomplete)?;
        let digits = std::str::from_utf8(digits).map_err(|_| Escape::Invalid)?;
        u32::from_str_radix(digits, 16).map_err(|_| Escape::Invalid)
    };
    let high = match unit_at(2) {
        Ok(code) => code,
        Err(escape) => return escape,
    };
    if (0xD800..0xDC00).contains(&high) {
        // A surrogate pair: `\uD83D\uDE00`.
        match text.get(6..8) {
            Some(b"\\u") => {}
            Some(_) => return Escape::Invalid,
            None => return Escape::Incomplete,
        }
        let low = match unit_at(8) {
            Ok(code) => code,
            Err(escape) => return escape,
        };
        if !(0xDC00..0xE000).contains(&low) {
            return Escape::Invalid;
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        return char::from_u32(code).map_or(Escape::Invalid, |c| Escape::Char(c, 12));
    }
    char::from_u32(high).map_or(Escape::Invalid, |c| Escape::Char(c, 6))
}

/// An HTML character reference at the start of `text` (which starts with `&`): a named one
/// (`&amp;`), or a numeric one ([`numeric_reference`]).
fn html_reference(text: &[u8]) -> Escape {
    if text.get(1) == Some(&b'#') {
        return numeric_reference(text);
    }
    let window = &text[..text.len().min(HTML_LONGEST)];
    let Some(end) = window.iter().position(|&b| b == b';') else {
        return if text.len() < HTML_LONGEST && window[1..].iter().all(u8::is_ascii_alphanumeric) {
            Escape::Incomplete
        } else {
            Escape::Invalid
        };
    };
    let decoded = match &window[1..end] {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        _ => return Escape::Invalid,
    };
    Escape::Char(decoded, end + 1)
}

/// The longest HTML reference decoded, in bytes: `&#x0010FFFF;`, `&#001114111;`.
const HTML_LONGEST: usize = 12;

/// A numeric HTML reference at the start of `text` (which starts with `&#`): decimal
/// (`&#47;`) or hexadecimal (`&#x2F;`, `&#X2f;`), with or without the final `;` (HTML reads
/// the digits up to the first byte that is not one, as a browser shows `&#47x` as `/x`), at
/// most [`HTML_LONGEST`] bytes in all.
fn numeric_reference(text: &[u8]) -> Escape {
    let (start, radix) = match text.get(2) {
        Some(b'x' | b'X') => (3, 16),
        Some(_) => (2, 10),
        None => return Escape::Incomplete,
    };
    let max_digits = HTML_LONGEST - 1 - start;
    let digits = text[start..]
        .iter()
        .take(max_digits + 1)
        .take_while(|&&b| char::from(b).is_digit(radix))
        .count();
    if digits > max_digits {
        return Escape::Invalid;
    }
    let end = start + digits;
    let decoded = std::str::from_utf8(&text[start..end])
        .ok()
        .and_then(|digits| u32::from_str_radix(digits, radix).ok())
        .and_then(char::from_u32);
    match (text.get(end), decoded) {
        // No digit yet, or a number that more digits may still make a character (`&#xD800`
        // is a surrogate, `&#xD8000` a character).
        (None, None) if digits < max_digits => Escape::Incomplete,
        (None, Some(c)) => Escape::Digits(c, end),
        (Some(&after), Some(c)) => Escape::Char(c, end + usize::from(after == b';')),
        _ => Escape::Invalid,
    }
}

// What an error keeps of a response, masked: used where errors are built (`crate::error`).

/// The first [`crate::MAX_ERROR_BODY`] bytes of a body, redacted first.
pub(crate) fn redacted_bounded(secrets: &Secrets, body: &Bytes) -> Bytes {
    let redacted = redacted(secrets, body);
    if redacted.len() > crate::MAX_ERROR_BODY {
        redacted.slice(..crate::MAX_ERROR_BODY)
    } else {
        redacted
    }
}

/// A body with the secrets masked (the same bytes when none occurs).
pub(crate) fn redacted(secrets: &Secrets, body: &Bytes) -> Bytes {
    match secrets.redact_bytes(body) {
        std::borrow::Cow::Borrowed(_) => body.clone(),
        std::borrow::Cow::Owned(masked) => Bytes::from(masked),
    }
}

/// Headers with the secrets masked in their values (and a header whose name holds one
/// renamed `x-redacted`).
pub(crate) fn redacted_headers(secrets: &Secrets, headers: HeaderMap) -> HeaderMap {
    let needs = headers.iter().any(|(name, value)| {
        matches!(
            secrets.redact_bytes(name.as_str().as_bytes()),
            std::borrow::Cow::Owned(_)
        ) || matches!(
            secrets.redact_bytes(value.as_bytes()),
            std::borrow::Cow::Owned(_)
        )
    });
    if !needs {
        return headers;
    }
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut name = None;
    for (key, value) in headers {
        // `into_iter` names a header once, before all its values.
        if let Some(key) = key {
            name = Some(match secrets.redact_bytes(key.as_str().as_bytes()) {
                std::borrow::Cow::Borrowed(_) => key,
                std::borrow::Cow::Owned(_) => http::HeaderName::from_static("x-redacted"),
            });
        }
        let Some(name) = name.clone() else { continue };
        let value = match secrets.redact_bytes(value.as_bytes()) {
            std::borrow::Cow::Borrowed(_) => value,
            std::borrow::Cow::Owned(masked) => http::HeaderValue::from_bytes(&masked)
                .unwrap_or_else(|_| http::HeaderValue::from_static(crate::redact::MASK)),
        };
        out.append(name, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{mask_query_keys, Secrets, MASK};

    mod spellings;
    mod zeroize;

    const KEY: &str = "k3y/with+reserved?chars=1&x";

    fn masked(text: &str) -> String {
        Secrets::new([KEY]).redact_string(text)
    }

    #[test]
    fn masks_apikey_parameters() {
        assert_eq!(
            mask_query_keys("GET http://h/api/tags?apikey=s3cret&x=1 and apikey=other"),
            "GET http://h/api/tags?apikey=<redacted>&x=1 and apikey=<redacted>"
        );
        assert_eq!(mask_query_keys("no key here"), "no key here");
    }

    #[test]
    fn masks_every_spelling() {
        let spellings = [
            KEY.to_owned(),
            // Percent-encoding, upper and lower case, reserved characters bare or encoded.
            "k3y%2Fwith%2Breserved%3Fchars%3D1%26x".to_owned(),
            "k3y%2fwith%2breserved%3fchars%3d1%26x".to_owned(),
            "k3y/with%2Breserved?chars=1%26x".to_owned(),
            "%6B%33%79%2F%77%69%74%68%2B%72%65%73%65%72%76%65%64%3F%63%68%61%72%73%3D%31%26%78"
                .to_owned(),
            // JSON escapes.
            r"k3y\/with+reserved?chars=1&x".to_owned(),
            r"\u006b3y\u002Fwith\u002breserved?chars=1\u0026x".to_owned(),
            // HTML references.
            "k3y&#47;with&#x2B;reserved?chars=1&amp;x".to_owned(),
        ];
        for spelling in spellings {
            let text = format!(r#"{{"message":"bad key {spelling}!"}}"#);
            assert_eq!(
                masked(&text),
                format!(r#"{{"message":"bad key {MASK}!"}}"#),
                "{spelling}"
            );
        }
    }

    #[test]
    fn masks_a_prefix_cut_at_the_end() {
        assert_eq!(masked("echo: k3y/with+re"), format!("echo: {MASK}"));
        assert_eq!(masked("echo: k3y%2Fwith%2"), format!("echo: {MASK}"));
        assert_eq!(masked(r"echo: k3y\/with\u00"), format!("echo: {MASK}"));
        // Shorter than 8 characters: too common a text to mask.
        assert_eq!(masked("echo: k3y/wit"), "echo: k3y/wit");
        // Not at the end: not a cut, not the key.
        assert_eq!(masked("k3y/with+re and more"), "k3y/with+re and more");
    }

    #[test]
    fn masks_unicode_secrets_and_surrogate_pairs() {
        let secrets = Secrets::new(["clé-😀-secrète"]);
        assert_eq!(
            secrets.redact_string(r"x cl\u00e9-\ud83d\ude00-secr\u00e8te y"),
            format!("x {MASK} y")
        );
        assert_eq!(
            secrets.redact_string("x cl%C3%A9-%F0%9F%98%80-secr%c3%a8te y"),
            format!("x {MASK} y")
        );
    }

    #[test]
    fn leaves_other_text_alone_and_short_secrets_unmasked() {
        assert!(matches!(
            masked("nothing here % \\ & +"),
            ref text if text == "nothing here % \\ & +"
        ));
        assert_eq!(Secrets::new(["short"]).redact_string("short"), "short");
        assert!(Secrets::new(["short"]).is_empty());
    }

    #[test]
    fn a_watch_sees_the_last_clone_dropped() {
        let secrets = Secrets::new([KEY]);
        let clone = secrets.clone();
        let watch = secrets.watch();
        drop(secrets);
        assert!(!watch.is_dropped());
        drop(clone);
        assert!(watch.is_dropped());
        assert!(Secrets::none().watch().is_dropped());
    }
}
