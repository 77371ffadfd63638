//! Output whose reader may go away (`| head`) while a results file is being
//! written: the first broken pipe ends that output, not the command, so the
//! results file is finished and the exit code is the rows'.

use std::io::{self, ErrorKind, Write};

/// `inner`, but (when `finish` is set) a broken pipe silences it instead of
/// failing the write. Without `finish` it is `inner` as it is: the command
/// ends quietly at the first broken pipe (`main.rs`).
pub(crate) struct UntilClosed<W> {
    inner: W,
    finish: bool,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    pub(crate) fn new(inner: W, finish: bool) -> Self {
        UntilClosed {
            inner,
            finish,
            closed: false,
        }
    }

    fn absorb(&mut self, result: io::Result<usize>, len: usize) -> io::Result<usize> {
        match result {
            Err(e) if self.finish && e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(len)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush().map(|()| 0);
        self.absorb(result, 0).map(|_| ())
    }
}
