//! Sending one `/v1` request, in four steps: the headers (token, request and
//! correlation ids, contract version, locale, client identity, content
//! type), the `-vv` trace of exactly what is sent, the HTTP call, and the
//! answer's classification (a redirect is an error naming its `Location`:
//! nothing is ever re-sent elsewhere). The token is of the kind the call
//! asks for (`super::tokens`). A `401` refreshes the token once and sends
//! the request again with the same request id; a `401` with code `900421`
//! (MFA required) is not refreshed: no new token can add MFA.

use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER,
    USER_AGENT,
};
use reqwest::{Method, Url};
use uuid::Uuid;

use super::PartnerCenterClient;
use crate::partner_center::auth::{AuthError, BearerToken, CallAuth, CredentialKind};
use crate::partner_center::error::{ApiError, describe_json_error, error_chain};
use crate::partner_center::resources::parse_json;
use crate::partner_center::trace;

/// `MS-CorrelationId`.
pub(crate) const HEADER_CORRELATION_ID: &str = "MS-CorrelationId";
/// `MS-RequestId`.
pub(crate) const HEADER_REQUEST_ID: &str = "MS-RequestId";
/// `MS-Contract-Version`.
pub(crate) const HEADER_CONTRACT_VERSION: &str = "MS-Contract-Version";
/// `MS-ContinuationToken`.
pub(crate) const HEADER_CONTINUATION_TOKEN: &str = "MS-ContinuationToken";
/// `MS-PartnerCenter-Application`: Microsoft's optional header naming the calling application.
pub(crate) const HEADER_APPLICATION: &str = "MS-PartnerCenter-Application";
/// `X-Locale`.
pub(crate) const HEADER_LOCALE: &str = "X-Locale";
/// The error code of a `401` to an App+User call without MFA (Microsoft's
/// partner blog; the body shape is not published, so the code is read from
/// the usual error envelope, as a string or a number).
pub(crate) const MFA_REQUIRED_CODE: &str = "900421";
/// What pc-onboard calls itself in `User-Agent` and `MS-PartnerCenter-Application`.
pub(crate) const APPLICATION: &str = concat!("pc-onboard/", env!("CARGO_PKG_VERSION"));

/// One `/v1` request to send.
pub(super) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) request_id: Uuid,
    pub(crate) body: Option<&'a str>,
    /// Headers a collection's next link asks for.
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// Creates wait longer than reads.
    pub(crate) timeout: Duration,
    /// The credentials the call needs.
    pub(crate) auth: CallAuth,
}

impl Call<'_> {
    /// The call with the credentials `auth` asks for.
    pub(crate) fn with_auth(mut self, auth: CallAuth) -> Self {
        self.auth = auth;
        self
    }
}

/// One answer, read completely.
pub(super) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(super) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(super) fn error(&self) -> ApiError {
        ApiError::from_response(self.status, self.retry_after.as_deref(), &self.body)
    }

    pub(super) fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body).map_err(|e| ApiError::Decode {
            status: self.status,
            message: describe_json_error(&e),
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        crate::bom::strip_bom(&self.body)
            .iter()
            .all(u8::is_ascii_whitespace)
    }
}

impl PartnerCenterClient {
    /// Send one `/v1` request: the token of the kind the call needs, gate,
    /// headers; on `401` one token refresh and one more attempt with the
    /// same request id; on `401` code `900421` none (fatal).
    pub(super) async fn send(&self, call: Call<'_>) -> Result<Answer, ApiError> {
        let tokens = &self.inner.tokens;
        let mut refreshed = false;
        loop {
            let (kind, source, token) = tokens.token(call.auth).await?;
            if let Some(gate) = &self.gate {
                gate().await?;
            }
            let answer = self.send_once(&call, &token).await?;
            if answer.status != 401 {
                return Ok(answer);
            }
            let (code, description) = match answer.error() {
                ApiError::Http {
                    code, description, ..
                } => (code, description),
                _ => (String::new(), String::new()),
            };
            if is_mfa_required(&code, &description) {
                let refused = AuthError::MfaRequired { description };
                if kind == CredentialKind::AppUser {
                    tokens.refuse(refused.clone());
                }
                return Err(refused.into());
            }
            if !refreshed && source.can_refresh() {
                refreshed = true;
                source.invalidate(token.generation()).await;
                // Sent once more: a request Partner Center sees.
                if let Some(resent) = &self.resent {
                    resent(&call.method, call.url.path());
                }
                continue;
            }
            return Err(ApiError::Auth(AuthError::Unauthorized {
                code,
                description,
                refreshable: source.can_refresh(),
            }));
        }
    }

    /// Every header of `call`, exactly as sent.
    fn headers(&self, call: &Call<'_>, token: &BearerToken) -> Result<HeaderMap, ApiError> {
        let mut headers = HeaderMap::with_capacity(12);
        let mut bearer =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                AuthError::InvalidResponse {
                    message: "the access token is not a valid header value".into(),
                }
            })?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        headers.insert(HEADER_REQUEST_ID, uuid_header(call.request_id));
        headers.insert(
            HEADER_CORRELATION_ID,
            uuid_header(self.inner.correlation_id),
        );
        headers.insert(HEADER_CONTRACT_VERSION, HeaderValue::from_static("v1"));
        headers.insert(HEADER_LOCALE, self.inner.locale.clone());
        headers.insert(HEADER_APPLICATION, HeaderValue::from_static(APPLICATION));
        headers.insert(USER_AGENT, HeaderValue::from_static(APPLICATION));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if call.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &call.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        Ok(headers)
    }

    /// One HTTP attempt: trace, send, read, classify.
    async fn send_once(&self, call: &Call<'_>, token: &BearerToken) -> Result<Answer, ApiError> {
        let headers = self.headers(call, token)?;
        let (method, url) = (call.method.as_str(), call.url.as_str());
        trace::request(method, url, &headers, call.body.map(str::as_bytes));
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .timeout(call.timeout)
            .headers(headers);
        if let Some(body) = call.body {
            request = request.body(body.to_owned());
        }
        let started = Instant::now();
        let result = match request.send().await {
            Ok(response) => read(response, method, url, started)
                .await
                .map_err(|e| transport_error(&e, call.timeout)),
            Err(e) => Err(transport_error(&e, call.timeout)),
        };
        let elapsed = started.elapsed();
        let answer = match result {
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) | Err(error) => {
                if matches!(error, ApiError::Timeout { .. } | ApiError::Redirect { .. }) {
                    self.observe(elapsed);
                }
                tracing::debug!(
                    method,
                    path = call.url.path(),
                    request_id = %call.request_id,
                    ms = elapsed.as_millis() as u64,
                    error = %error,
                    "partner center call failed"
                );
                return Err(error);
            }
        };
        self.observe(elapsed);
        tracing::debug!(
            method,
            path = call.url.path(),
            status = answer.status,
            request_id = %call.request_id,
            ms = elapsed.as_millis() as u64,
            "partner center call"
        );
        Ok(answer)
    }

    fn observe(&self, elapsed: Duration) {
        if let Some(observer) = &self.observer {
            observer(elapsed);
        }
    }
}

/// Read a response completely; a redirect becomes an error naming where it
/// pointed (pc-onboard follows none).
async fn read(
    response: reqwest::Response,
    method: &str,
    url: &str,
    started: Instant,
) -> Result<Result<Answer, ApiError>, reqwest::Error> {
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header(RETRY_AFTER);
    let location = header(LOCATION);
    let traced = trace::enabled().then(|| response.headers().clone());
    let body = match super::limits::read_body(response, status).await? {
        Ok(body) => body,
        Err(too_large) => return Ok(Err(too_large)),
    };
    if let Some(headers) = &traced {
        trace::response(method, url, status, started.elapsed(), headers, &body);
    }
    if (300..400).contains(&status) {
        return Ok(Err(ApiError::Redirect {
            status,
            location: location.unwrap_or_default(),
        }));
    }
    Ok(Ok(Answer {
        status,
        retry_after,
        body,
    }))
}

/// A `401` saying MFA is required: code `900421` in the envelope (string or
/// number), or, in a body of another shape (Microsoft publishes none),
/// the code in its text.
fn is_mfa_required(code: &str, description: &str) -> bool {
    code == MFA_REQUIRED_CODE || (code.is_empty() && description.contains(MFA_REQUIRED_CODE))
}

fn transport_error(e: &reqwest::Error, timeout: Duration) -> ApiError {
    if let Some(message) = super::limits::local_reason(&error_chain(e)) {
        ApiError::Local { message }
    } else if e.is_connect() {
        ApiError::Connect {
            message: error_chain(e),
        }
    } else if e.is_timeout() {
        ApiError::Timeout { after: timeout }
    } else {
        ApiError::Transport {
            message: error_chain(e),
        }
    }
}

fn uuid_header(id: Uuid) -> HeaderValue {
    let mut buf = Uuid::encode_buffer();
    HeaderValue::from_str(id.hyphenated().encode_lower(&mut buf))
        .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-0000-0000-000000000000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_401_says_mfa_is_required_by_its_code_in_any_shape_the_body_takes() {
        let read = |body: &str| {
            let ApiError::Http {
                code, description, ..
            } = ApiError::from_response(401, None, body.as_bytes())
            else {
                return false;
            };
            is_mfa_required(&code, &description)
        };
        assert!(read(r#"{"code":900421,"description":"MFA required"}"#));
        assert!(read(r#"{"code":"900421","description":"MFA required"}"#));
        assert!(read(
            r#"{"error":{"code":"900421","message":"MFA required"}}"#
        ));
        assert!(read(
            "Unauthorized: 900421 multi-factor authentication required"
        ));
        assert!(!read(
            r#"{"code":900401,"description":"The access token is invalid."}"#
        ));
        assert!(!read(r#"{"code":"900420","description":"see 900421"}"#));
    }
}
