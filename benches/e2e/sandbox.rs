//! A `pc-onboard sandbox` process for the suites to run against.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::bin;

/// A `pc-onboard sandbox` process on 127.0.0.1:0. Its request log (stderr)
/// is read line by line with the time each line arrived.
pub(crate) struct Sandbox {
    child: Child,
    pub(crate) url: String,
    _stdout: BufReader<ChildStdout>,
    log: Arc<Mutex<Vec<(Duration, String)>>>,
}

impl Sandbox {
    pub(crate) fn start(flags: &[&str]) -> Sandbox {
        let mut child = Command::new(bin())
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .args(flags)
            .env_remove("PC_SANDBOX_CLIENT_ID")
            .env_remove("PC_SANDBOX_CLIENT_SECRET")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the sandbox");
        let started = Instant::now();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("sandbox first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push((started.elapsed(), line));
            }
        });
        Sandbox {
            child,
            url,
            _stdout: stdout,
            log,
        }
    }

    /// `GET /sandbox/stats`.
    pub(crate) fn stats(&self) -> Value {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).expect("connect to the sandbox");
        write!(
            stream,
            "GET /sandbox/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read");
        let at = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("HTTP answer");
        let body = &answer[at + 4..];
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        serde_json::from_slice(body).expect("stats JSON")
    }

    pub(crate) fn log(&self) -> Vec<(Duration, String)> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
