//! Offline validation of customer rows.
