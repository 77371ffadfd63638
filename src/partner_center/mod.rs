//! Partner Center REST API: models, request identity, client.

pub mod models;
pub mod request_id;
pub mod resources;
