//! The exec-hook plumbing, one module per concern:
//!
//! - `transport`: sends a request with retries and the rate limit, and reads the body up to
//!   the client's cap ([`execute`], the generated clients' exec hook);
//! - `inspect`: whether a buffered body can go to the generated decoder as it is (not JSON,
//!   an error status, an API error envelope sent with a success status);
//! - `handover`: how a rejected response crosses progenitor's generated code to become a typed
//!   [`crate::Error`], with the HTTP status, headers, raw body and the client's secrets;
//! - `test_entry` (feature `test-support`): `decode_bytes`, the same decoding without a
//!   network.

pub(crate) mod handover;
mod inspect;
#[cfg(any(test, feature = "test-support"))]
mod test_entry;
mod transport;

pub(crate) use inspect::inspect;
pub(crate) use inspect::Marker;
#[cfg(any(test, feature = "test-support"))]
pub use test_entry::decode_bytes;
pub use transport::execute;
