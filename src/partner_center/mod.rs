//! Partner Center REST API: models, request identity, client.

pub mod auth;
pub mod client;
pub mod cloud;
pub(crate) mod default_gdap;
pub mod dotnet_regex;
pub(crate) mod enhanced_attestation;
pub mod error;
pub mod models;
pub(crate) mod request_id;
pub mod resources;
pub(crate) mod trace;

pub(crate) use client::PartnerCenterClient;
