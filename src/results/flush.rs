//! When the results writers (the results CSV in `files`, the problems
//! file here) hand rows to the operating system.

/// When a results writer hands rows to the operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushPolicy {
    /// After every row: a crash loses at most the rows in flight (`run`).
    EveryRow,
    /// When the buffer fills and when the writer finishes (offline `validate`).
    Buffered,
}
