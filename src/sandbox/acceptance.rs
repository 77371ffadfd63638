//! The sandbox's stand-in for Microsoft's MCA acceptance page: the link an
//! enhanced attestation answers. `GET /sandbox/mca/{id}` shows the
//! agreement (a small HTML page with an accept button), `POST` accepts it.
//! No sign-in, as vendors describe Microsoft's page; an expired link
//! answers `410`.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::attestations::{accept, acceptance_path, now_ms};
use super::state::SandboxState;

/// `GET /sandbox/mca/{id}`: the agreement to accept.
pub(crate) async fn show(State(state): State<SandboxState>, Path(id): Path<String>) -> Response {
    let found = state.with_world(|w| {
        w.tenant.attestation(&id).map(|a| {
            let who = format!(
                "{} {}",
                a.field("signatoryFirstName"),
                a.field("signatoryLastName")
            );
            (a.field("companyName").to_owned(), who, a.state(now_ms()))
        })
    });
    let Some((company, who, standing)) = found else {
        return page(
            StatusCode::NOT_FOUND,
            "Unknown link",
            "<p>This acceptance link is not known.</p>",
        );
    };
    let body = match standing {
        "Expired" => return expired(),
        "Ready" => format!(
            "<p>{} accepted the Microsoft Customer Agreement.</p>",
            escape(&company)
        ),
        _ => format!(
            "<p>{} is asked to accept the <a href=\"https://www.microsoft.com/licensing/docs/customeragreement\">Microsoft Customer Agreement</a>, signed by {}.</p>\
             <form method=\"post\" action=\"{}\"><button type=\"submit\">Accept</button></form>",
            escape(&company),
            escape(&who),
            escape(&acceptance_path(&id)),
        ),
    };
    page(
        StatusCode::OK,
        "Microsoft Customer Agreement (sandbox)",
        &body,
    )
}

/// `POST /sandbox/mca/{id}`: accept.
pub(crate) async fn submit(State(state): State<SandboxState>, Path(id): Path<String>) -> Response {
    match accept(&state, &id) {
        Ok(company) => page(
            StatusCode::OK,
            "Accepted",
            &format!(
                "<p>{} accepted the Microsoft Customer Agreement. Your partner finishes the rest.</p>",
                escape(&company)
            ),
        ),
        Err("expired") => expired(),
        Err(_) => page(
            StatusCode::NOT_FOUND,
            "Unknown link",
            "<p>This acceptance link is not known.</p>",
        ),
    }
}

fn expired() -> Response {
    page(
        StatusCode::GONE,
        "Link expired",
        "<p>This acceptance link has expired. Ask your partner for a new one.</p>",
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
