//! Results CSV: one row per input row, the input columns then the result columns.
