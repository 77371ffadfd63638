//! Searching the partner's customers by domain, following the collection's
//! next links the way Microsoft's SDK does: the next page is `links.next.uri`
//! exactly as given (relative to the API root, `/v1` added when it lacks
//! it) with every `links.next.headers` entry sent along; a top-level
//! `continuationToken` is sent as `MS-ContinuationToken`. A search that does
//! not end within [`MAX_PAGES`] pages is an error, not a silent partial answer.

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};
use uuid::Uuid;

use super::PartnerCenterClient;
use super::send::{Call, HEADER_CONTINUATION_TOKEN};
use crate::partner_center::auth::CallAuth;
use crate::partner_center::error::ApiError;
use crate::partner_center::resources::{Collection, Customer};

/// Customers asked for per page when searching by domain.
pub(crate) const PAGE_SIZE: u32 = 100;

/// At most this many pages are read by one search.
pub(crate) const MAX_PAGES: usize = 50;

/// Headers a next link may not set: the client's own.
const RESERVED_HEADERS: [&str; 6] = [
    "authorization",
    "host",
    "cookie",
    "content-length",
    "content-type",
    "ms-requestid",
];

/// The next page to ask for: where, and with which headers.
struct NextPage {
    url: Url,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl PartnerCenterClient {
    /// `GET /v1/customers?size=N&filter={"Field":"Domain","Value":prefix,"Operator":"starts_with"}`
    /// and every next page.
    pub async fn find_customers_by_domain(
        &self,
        domain_prefix: &str,
    ) -> Result<Vec<Customer>, ApiError> {
        let value = serde_json::to_string(domain_prefix).map_err(|e| ApiError::Config {
            message: format!("domain filter: {e}"),
        })?;
        let filter = format!(r#"{{"Field":"Domain","Value":{value},"Operator":"starts_with"}}"#);
        let mut first = self.url(&["v1", "customers"]);
        first
            .query_pairs_mut()
            .append_pair("size", &PAGE_SIZE.to_string())
            .append_pair("filter", &filter);
        let mut page = NextPage {
            url: first.clone(),
            headers: Vec::new(),
        };
        let mut customers = Vec::new();
        let mut asked: Vec<String> = Vec::new();
        for _ in 0..MAX_PAGES {
            asked.push(page_key(&page));
            let answer = self
                .send(Call {
                    method: Method::GET,
                    url: page.url,
                    request_id: Uuid::new_v4(),
                    body: None,
                    extra_headers: page.headers,
                    timeout: self.inner.timeout,
                    auth: CallAuth::Any,
                })
                .await?;
            if !answer.is_success() {
                return Err(answer.error());
            }
            let collection: Collection<Customer> = answer.parse()?;
            let next = self.next_page(&collection, &first)?;
            for customer in collection.items {
                customers.push(customer.checked(answer.status)?);
            }
            match next {
                None => return Ok(customers),
                Some(next) if asked.contains(&page_key(&next)) => {
                    return Err(ApiError::Paging {
                        message: format!(
                            "the next page of the customer search for \"{domain_prefix}\" is one already read (a paging loop)"
                        ),
                    });
                }
                Some(next) => page = next,
            }
        }
        Err(ApiError::Paging {
            message: format!(
                "the customer search for \"{domain_prefix}\" did not end after {MAX_PAGES} pages of {PAGE_SIZE}"
            ),
        })
    }

    /// The customer whose domain is `full_domain` (case-insensitive), found
    /// with [`find_customers_by_domain`](Self::find_customers_by_domain) on
    /// the domain's first label.
    pub async fn find_customer_by_domain(
        &self,
        full_domain: &str,
    ) -> Result<Option<Customer>, ApiError> {
        let full_domain = full_domain.trim();
        let prefix = full_domain.split('.').next().unwrap_or(full_domain);
        let found = self.find_customers_by_domain(prefix).await?;
        Ok(found.into_iter().find(|c| {
            c.company_profile
                .domain
                .trim()
                .eq_ignore_ascii_case(full_domain)
        }))
    }

    /// The page after `collection`: its next link, else its top-level
    /// continuation token on the first query; `None` on the last page.
    fn next_page(
        &self,
        collection: &Collection<Customer>,
        first: &Url,
    ) -> Result<Option<NextPage>, ApiError> {
        let link = collection
            .links
            .as_ref()
            .and_then(|l| l.next.as_ref())
            .filter(|n| !n.uri.trim().is_empty());
        let token = collection
            .continuation_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let mut page = match (link, token) {
            (Some(link), _) => NextPage {
                url: self.resolve(&link.uri)?,
                headers: link_headers(link.headers.iter().map(|h| (&h.key, &h.value)))?,
            },
            (None, Some(_)) => {
                let mut url = first.clone();
                url.query_pairs_mut().append_pair("seekOperation", "Next");
                NextPage {
                    url,
                    headers: Vec::new(),
                }
            }
            (None, None) => return Ok(None),
        };
        let has_token = page.headers.iter().any(|(name, _)| {
            name.as_str()
                .eq_ignore_ascii_case(HEADER_CONTINUATION_TOKEN)
        });
        if let (false, Some(token)) = (has_token, token) {
            let value = header_value(HEADER_CONTINUATION_TOKEN, token)?;
            let name = HeaderName::from_static("ms-continuationtoken");
            page.headers.push((name, value));
        }
        Ok(Some(page))
    }

    /// A link's URI on this API: `/v1/customers?...` as it is, `/customers?...`
    /// under `/v1` (as the SDK does); an absolute URI only on the API's own
    /// origin (the token is never sent elsewhere).
    fn resolve(&self, uri: &str) -> Result<Url, ApiError> {
        let uri = uri.trim();
        let base = &self.inner.api;
        if let Ok(absolute) = Url::parse(uri) {
            if absolute.origin() != base.origin() {
                return Err(ApiError::Paging {
                    message: format!("the next link points to another host ({uri}); not followed"),
                });
            }
            return Ok(absolute);
        }
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let path = path.trim_start_matches('/');
        let versioned = path.get(..2).is_some_and(|v| v.eq_ignore_ascii_case("v1"))
            && matches!(path.as_bytes().get(2), None | Some(b'/'));
        let mut url = base.clone();
        let prefix = base.path().trim_end_matches('/');
        let path = if versioned {
            format!("{prefix}/{path}")
        } else {
            format!("{prefix}/v1/{path}")
        };
        url.set_path(&path);
        url.set_query((!query.is_empty()).then_some(query));
        Ok(url)
    }
}

/// The headers of a next link, as header names and values; the client's
/// own headers are not taken from a link.
fn link_headers<'a>(
    headers: impl Iterator<Item = (&'a String, &'a String)>,
) -> Result<Vec<(HeaderName, HeaderValue)>, ApiError> {
    let mut out = Vec::new();
    for (key, value) in headers {
        let key = key.trim();
        if RESERVED_HEADERS.iter().any(|r| r.eq_ignore_ascii_case(key)) {
            continue;
        }
        let name = HeaderName::from_bytes(key.as_bytes()).map_err(|_| ApiError::Paging {
            message: format!("the next link carries a header that is not valid: {key:?}"),
        })?;
        out.push((name, header_value(key, value)?));
    }
    Ok(out)
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(value.trim()).map_err(|_| ApiError::Paging {
        message: format!("the next link's {name} is not a valid header value"),
    })
}

/// What identifies a page request, to notice a loop.
fn page_key(page: &NextPage) -> String {
    let mut key = page.url.to_string();
    for (name, value) in &page.headers {
        key.push('\n');
        key.push_str(name.as_str());
        key.push('=');
        key.push_str(value.to_str().unwrap_or_default());
    }
    key
}
