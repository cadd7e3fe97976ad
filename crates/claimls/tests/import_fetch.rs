//! `claimls data fetch` against a local HTTP server on 127.0.0.1 that serves ../shared/refdata, and
//! against a closed https:// port on 127.0.0.1. No test touches the internet.

#[path = "../../claimls-data/tests/import_common/mod.rs"]
mod import_common;

use claimls::cli::data::{DataCommand, execute};
use claimls_data::{CodeData, store};
use import_common::{refdata, temp_dir};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

/// How the test server answers.
#[derive(Clone, Copy)]
enum Mode {
    Serve,
    /// Announce the full length, send half the body.
    CutShort,
}

/// Serve files under `root` on 127.0.0.1 (a thread per server, for the rest of the test process);
/// returns the base address.
fn serve(root: PathBuf, mode: Mode) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header.trim().is_empty() => break,
                    Ok(_) => {}
                }
            }
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let file = root.join(&path);
            let body = if path.contains("..") {
                None
            } else {
                std::fs::read(&file).ok()
            };
            let _ = match body {
                Some(body) => {
                    let sent = match mode {
                        Mode::Serve => &body[..],
                        Mode::CutShort => &body[..body.len() / 2],
                    };
                    write!(
                        stream,
                        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .and_then(|()| stream.write_all(sent))
                }
                None => stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
            };
        }
    });
    format!("http://{addr}")
}

#[test]
fn fetch_from_a_local_mirror_imports_every_file() {
    let Some(refdata) = refdata() else { return };
    let base = serve(refdata, Mode::Serve);
    let data = temp_dir("fetch-ok");
    let mut out = Vec::new();
    execute(
        DataCommand::Fetch {
            from: Some(format!("{base}/")),
        },
        &data,
        &mut out,
    )
    .expect("fetches");
    let summary = String::from_utf8(out).expect("utf-8");
    for expected in [
        "8623 codes, 383 modifiers",
        "74719 billable codes",
        "8245 NDC rows",
        "15095 MUE rows",
        "1012 payment limits",
        "52 codes",
        "downloaded http://127.0.0.1",
    ] {
        assert!(
            summary.contains(expected),
            "summary lacks {expected:?}:\n{summary}"
        );
    }
    let codes = CodeData::load_from(&data);
    assert!(codes.code("J9173", None).is_some());
    assert!(codes.hcpcs_complete(None) && codes.icd10_complete(None) && codes.has_pricing());
}

#[test]
fn a_missing_file_on_the_server_fails_and_stores_nothing() {
    let empty = temp_dir("fetch-empty-root");
    let base = serve(empty, Mode::Serve);
    let data = temp_dir("fetch-404");
    let mut out = Vec::new();
    let err = execute(
        DataCommand::Fetch {
            from: Some(base.clone()),
        },
        &data,
        &mut out,
    )
    .expect_err("404");
    let msg = err.to_string();
    assert!(msg.starts_with(&base) && msg.contains("404"), "{msg}");
    assert_eq!(store::generation(&data), 0, "no index written");
}

#[test]
fn an_incomplete_download_is_caught() {
    let Some(refdata) = refdata() else { return };
    let base = serve(refdata, Mode::CutShort);
    let data = temp_dir("fetch-short");
    let mut out = Vec::new();
    let err =
        execute(DataCommand::Fetch { from: Some(base) }, &data, &mut out).expect_err("cut short");
    assert!(err.to_string().contains("incomplete"), "{err}");
    assert_eq!(store::generation(&data), 0, "no index written");
}

#[test]
fn an_unreachable_https_address_is_named_and_says_what_to_do() {
    // A port that was free a moment ago: nothing listens there, so the connection is refused at
    // once, before any TLS. No test reaches beyond 127.0.0.1.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("https://127.0.0.1:{port}/cms");
    let data = temp_dir("fetch-https");
    let mut out = Vec::new();
    let err = execute(
        DataCommand::Fetch {
            from: Some(base.clone()),
        },
        &data,
        &mut out,
    )
    .expect_err("nothing listens there");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("cannot reach {base}/hcpcs/")),
        "{msg}"
    );
    assert!(msg.contains("connection refused"), "{msg}");
    assert!(msg.contains("claimls data import"), "{msg}");
    assert_eq!(store::generation(&data), 0, "no index written");
}
