//! Partner Center REST API: models, request identity, client.

pub mod auth;
pub mod client;
pub mod cloud;
pub mod default_gdap;
pub mod dotnet_regex;
pub mod enhanced_attestation;
pub mod error;
pub mod models;
pub mod request_id;
pub mod resources;
pub mod trace;

pub use client::PartnerCenterClient;
