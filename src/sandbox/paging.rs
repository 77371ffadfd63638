//! Paging of `GET /v1/customers`: the three shapes in which Microsoft's
//! clients find the next page ([`Paging`]), and reading the continuation
//! token back from the next request, whichever way the client sends it.

use std::str::FromStr;

use axum::http::HeaderMap;

use crate::partner_center::resources::{Attributes, Collection, Customer, Link, LinkHeader, Links};

/// The continuation header.
pub(crate) const CONTINUATION: &str = "MS-ContinuationToken";
/// The continuation query parameter of [`Paging::Uri`].
const CONTINUATION_PARAM: &str = "continuationToken";

/// How a page announces the next one. Every shape's `links.next.uri` is
/// relative to the API root (`{endpoint}/v1`, like Microsoft's: no `/v1`)
/// and carries `seekOperation=Next`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paging {
    /// `links.next.headers` = `[{"key":"MS-ContinuationToken","value":…}]`
    /// (Microsoft's documented example).
    #[default]
    Headers,
    /// The token only in `links.next.uri` (`…&continuationToken=…`), no
    /// headers entry.
    Uri,
    /// Only a top-level `continuationToken`: `links.next` has no headers
    /// and its uri no token.
    Token,
}

impl FromStr for Paging {
    type Err = String;

    /// `headers`, `uri` or `token`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "headers" | "header" => Ok(Paging::Headers),
            "uri" => Ok(Paging::Uri),
            "token" | "top-level" => Ok(Paging::Token),
            other => Err(format!(
                "unknown paging shape {other:?}: use headers, uri or token"
            )),
        }
    }
}

/// Where the request starts: `0`, or the offset of its continuation token
/// (`seekOperation=Next` with the `MS-ContinuationToken` header or the
/// `continuationToken` parameter; the parameter alone implies `Next`).
pub(crate) fn start<'a>(
    param: impl Fn(&str) -> Option<&'a str>,
    headers: &HeaderMap,
) -> Result<usize, String> {
    let from_param = param(CONTINUATION_PARAM).map(str::trim);
    match param("seekOperation") {
        None if from_param.is_none() => return Ok(0),
        None => {}
        Some(op) if op.eq_ignore_ascii_case("next") => {}
        Some(op) => return Err(format!("seekOperation {op:?} is not supported.")),
    }
    let from_header = headers
        .get(CONTINUATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    from_header
        .or(from_param)
        .and_then(decode_token)
        .ok_or_else(|| {
            "seekOperation=Next needs the continuation token of the previous page (the MS-ContinuationToken header, or links.next.uri as given).".to_owned()
        })
}

/// The page answer: `items` from `offset`, `self_uri` (relative, without
/// `/v1`), and the next page announced the `paging` way when there is `more`.
pub(crate) fn page(
    items: Vec<Customer>,
    offset: usize,
    more: bool,
    self_uri: String,
    paging: Paging,
) -> Collection<Customer> {
    let token = more.then(|| encode_token(offset + items.len()));
    let next = token.as_ref().map(|token| {
        let mut uri = format!("{self_uri}&seekOperation=Next");
        let mut headers = Vec::new();
        match paging {
            Paging::Headers => headers.push(LinkHeader {
                key: CONTINUATION.to_owned(),
                value: token.clone(),
            }),
            Paging::Uri => {
                uri.push_str(&format!("&{CONTINUATION_PARAM}={}", percent_encode(token)));
            }
            Paging::Token => {}
        }
        Link {
            uri,
            method: "GET".to_owned(),
            headers,
        }
    });
    Collection {
        total_count: items.len() as u64,
        items,
        links: Some(Links {
            self_link: Some(Link::get(self_uri)),
            next,
        }),
        attributes: Some(Attributes::object("Collection")),
        continuation_token: token.filter(|_| paging == Paging::Token),
    }
}

/// An opaque continuation token for `offset`. Like the real ones it holds
/// characters a query string must encode (`,` `/` `=`).
fn encode_token(offset: usize) -> String {
    format!("sbx,{}/p=", hex::encode(format!("sbx-offset:{offset}")))
}

fn decode_token(token: &str) -> Option<usize> {
    let hex_part = token.strip_prefix("sbx,")?.strip_suffix("/p=")?;
    let bytes = hex::decode(hex_part).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix("sbx-offset:")?.parse().ok()
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn continuation_tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_token(&encode_token(250)), Some(250));
        assert_eq!(decode_token("AQAAAA=="), None);
        assert!(percent_encode(&encode_token(1)).contains("%2C"));
    }

    #[test]
    fn percent_encoding_matches_the_documented_filter() {
        assert_eq!(
            percent_encode(r#"{"Field":"Domain","Value":"cont","Operator":"starts_with"}"#),
            "%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22cont%22%2C%22Operator%22%3A%22starts_with%22%7D"
        );
    }

    #[test]
    fn the_next_request_may_carry_the_token_in_the_header_or_the_query() {
        let token = encode_token(7);
        let mut headers = HeaderMap::new();
        let none = |_: &str| None;
        assert_eq!(start(none, &headers), Ok(0));
        let query = |k: &str| match k {
            "seekOperation" => Some("next"),
            "continuationToken" => Some(token.as_str()),
            _ => None,
        };
        assert_eq!(start(query, &headers), Ok(7));
        let next_only = |k: &str| (k == "seekOperation").then_some("Next");
        assert!(start(next_only, &headers).is_err());
        headers.insert(CONTINUATION, token.parse().unwrap());
        assert_eq!(start(next_only, &headers), Ok(7));
        let previous = |k: &str| (k == "seekOperation").then_some("Previous");
        assert!(start(previous, &headers).is_err());
    }

    #[test]
    fn each_shape_puts_the_token_in_one_place_only() {
        let json = |paging| {
            let page = page(
                vec![Customer::default()],
                0,
                true,
                "/customers?size=1".into(),
                paging,
            );
            serde_json::to_value(&page).unwrap()
        };
        let headers = json(Paging::Headers);
        assert_eq!(headers["links"]["next"]["headers"][0]["key"], CONTINUATION);
        assert!(headers.get("continuationToken").is_none());
        let uri = json(Paging::Uri);
        let next = uri["links"]["next"]["uri"].as_str().unwrap();
        assert!(next.contains("&continuationToken=sbx%2C"), "{next}");
        assert_eq!(uri["links"]["next"]["headers"], serde_json::json!([]));
        let top = json(Paging::Token);
        assert_eq!(top["links"]["next"]["headers"], serde_json::json!([]));
        assert!(
            !top["links"]["next"]["uri"]
                .as_str()
                .unwrap()
                .contains("continuationToken")
        );
        assert_eq!(top["continuationToken"], encode_token(1));
        let last =
            serde_json::to_value(page(Vec::new(), 0, false, "/c".into(), Paging::Token)).unwrap();
        assert!(last["links"].get("next").is_none() && last.get("continuationToken").is_none());
    }
}
