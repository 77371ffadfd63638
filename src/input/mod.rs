//! Reading input files: dialect detection, header matching, typed rows.

mod field;

pub use field::{CustomerFields, Field, normalize_header};
