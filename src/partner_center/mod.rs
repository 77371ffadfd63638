//! Partner Center REST API: models, request identity, client.

pub mod models;
