//! Typed [`httpmock`] mocks of every `contiple` operation, for testing your own code that
//! calls Contiple: generated from `spec/contiple.yaml` by progenitor's httpmock generator
//! (`cargo xtask generate`), so expectations and responses take the client's own types.
//!
//! [`MockServerExt`] adds one method per operation to `httpmock::MockServer`; its `when`
//! matches the operation's method and path (after the service id the client puts first) and
//! has a setter per parameter, its `then` a method per documented response. Point the client
//! at the mock server's `base_url()`. Signatures are not checked by the mocks (the replay
//! server, `mock-server`, does check them).
//!
//! `uploadTicketAttachment` has no generated mock: progenitor 0.15 cannot generate multipart
//! bodies, so the client writes that operation by hand; mock it with `httpmock`'s own `When`
//! (`POST` to a path ending in `/openapi/v1/ticket/attachments/upload.json`).

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables)]
mod generated;

pub use generated::*;
