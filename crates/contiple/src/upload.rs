//! `uploadTicketAttachment`, written by hand: progenitor 0.15 cannot generate
//! `multipart/form-data` bodies. The file goes in the `file` part, the request is signed with
//! the MD5 rule (see [`crate::signing`]), and the response is decoded like a generated call's.

use bytes::Bytes;
use progenitor_client::{ClientInfo, OperationInfo};

use crate::hooks::Contiple;
use crate::{types, Client, Error};

/// The largest file the server accepts: "Size<10M".
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The longest file name the server accepts: "File name length<100".
pub const MAX_FILE_NAME_CHARS: usize = 100;
/// The file types the server accepts, by extension.
pub const UPLOAD_EXTENSIONS: &[&str] = &[
    "jpg", "png", "gif", "bmp", "jpeg", "tif", "tiff", "pdf", "txt", "hwp", "xls", "xlsx", "doc",
    "docx", "ppt", "pptx", "mp3", "wav", "zip",
];

/// The content type sent for a file name's extension.
fn content_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "zip" => "application/zip",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

impl Client {
    /// Uploads a ticket attachment (`POST /openapi/v1/ticket/attachments/upload.json`, signed)
    /// and returns the response envelope; its `result.content.attachment_id` goes to
    /// `createTicket`'s `attachmentIds`.
    ///
    /// Files over [`MAX_UPLOAD_BYTES`] or with names over [`MAX_FILE_NAME_CHARS`] characters
    /// fail with [`Error::InvalidRequest`] before anything is sent. The server also restricts
    /// the type ([`UPLOAD_EXTENSIONS`]); that is left to it.
    pub async fn upload_ticket_attachment(
        &self,
        file_name: &str,
        file: impl Into<Bytes>,
    ) -> Result<types::UploadedTicketAttachmentEnvelope, Error> {
        let file: Bytes = file.into();
        if file.len() > MAX_UPLOAD_BYTES {
            return Err(Error::InvalidRequest(format!(
                "the file is {} bytes; Contiple accepts attachments up to 10 MB ({MAX_UPLOAD_BYTES} bytes)",
                file.len()
            )));
        }
        if file_name.chars().count() >= MAX_FILE_NAME_CHARS {
            return Err(Error::InvalidRequest(format!(
                "the file name has {} characters; Contiple accepts fewer than {MAX_FILE_NAME_CHARS}",
                file_name.chars().count()
            )));
        }
        let part = reqwest::multipart::Part::stream_with_length(file.clone(), file.len() as u64)
            .file_name(file_name.to_owned())
            .mime_str(content_type(file_name))
            .map_err(Error::from_transport)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = format!(
            "{}/openapi/v1/ticket/attachments/upload.json",
            self.baseurl()
        );
        let mut request = self
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form)
            .build()
            .map_err(Error::from_transport)?;
        self.inner().credentials().sign_upload(&mut request, &file);
        let info = OperationInfo {
            operation_id: "upload_ticket_attachment",
        };
        let response = helpdesk_client_runtime::__private::exec::execute::<Contiple>(
            self.client(),
            self.inner(),
            request,
            &info,
            false,
        )
        .await;
        helpdesk_client_runtime::__private::decode_response::<Contiple, _>(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("image.PNG"), "image/png");
        assert_eq!(content_type("report.xlsx"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
