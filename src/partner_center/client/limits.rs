//! What the client reads and keeps of an answer, and which failures are
//! this machine's own.
//!
//! A success body is read up to [`MAX_SUCCESS_BODY`] (Partner Center's
//! largest answers, a page of customers or a country's rules, are tens of
//! kilobytes): past it the answer is not read on and is an unreadable
//! success, so a 1 GB `201` costs 4 MiB of memory, not 2 GB. An error
//! body is read up to [`MAX_ERROR_BODY`] and the rest left unread: its
//! description is cut again when kept
//! ([`MAX_DESCRIPTION_CHARS`](crate::partner_center::error::MAX_DESCRIPTION_CHARS)).

use crate::partner_center::error::ApiError;

/// The most of a success body read.
pub(crate) const MAX_SUCCESS_BODY: usize = 4 * 1024 * 1024;

/// The most of an error body read.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Read `response`'s body with the limit for `status`: a success body
/// beyond its limit is an error (`Decode`), an error body is cut.
pub(super) async fn read_body(
    mut response: reqwest::Response,
    status: u16,
) -> Result<Result<Vec<u8>, ApiError>, reqwest::Error> {
    let success = (200..300).contains(&status);
    let limit = if success {
        MAX_SUCCESS_BODY
    } else {
        MAX_ERROR_BODY
    };
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            if success {
                return Ok(Err(ApiError::Decode {
                    status,
                    message: format!(
                        "the answer is larger than {} MiB (not read further)",
                        MAX_SUCCESS_BODY / (1024 * 1024)
                    ),
                }));
            }
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body))
}

/// What the operating system said, when a failure to call is this
/// machine's own (it never reached Partner Center), with what to do.
pub(super) fn local_reason(message: &str) -> Option<String> {
    const LOCAL: [(&str, &str); 5] = [
        (
            "Too many open files",
            "raise the open-file limit (ulimit -n) or lower --concurrency",
        ),
        (
            "file table overflow",
            "the system's open-file table is full; lower --concurrency",
        ),
        (
            "Cannot allocate memory",
            "free memory or lower --concurrency",
        ),
        (
            "No buffer space available",
            "the system is out of network buffers; lower --concurrency",
        ),
        (
            "Cannot assign requested address",
            "the machine ran out of local ports; lower --concurrency or --rate",
        ),
    ];
    LOCAL.iter().find_map(|(said, fix)| {
        message
            .contains(said)
            .then(|| format!("{said} ({fix}); nothing was sent"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_table_is_local_and_a_refused_connection_is_not() {
        let emfile = std::io::Error::from_raw_os_error(24).to_string();
        let reason = local_reason(&format!("error sending request: {emfile}"));
        assert!(reason.is_some_and(|r| r.contains("ulimit -n")));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused).to_string();
        assert_eq!(local_reason(&refused), None);
    }
}
