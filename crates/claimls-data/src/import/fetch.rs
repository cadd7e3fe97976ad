//! Downloading one official file over http:// or https:// (rustls with the webpki root certificates,
//! so no system TLS library is needed). The caller decides what to download and what to do with it;
//! this module only turns an address into bytes, or into an error that names the address and says why.

#[cfg(feature = "fetch")]
use std::io::Read;
use std::time::Duration;

/// What a download may cost before it is abandoned.
#[derive(Debug, Clone, Copy)]
pub struct FetchLimits {
    /// The largest body accepted, in bytes (after any transfer compression is undone).
    pub max_bytes: u64,
    /// How long to wait for the connection (DNS, TCP and TLS together).
    pub connect: Duration,
    /// How long to wait for the response headers, and for each read of the body: a download that
    /// keeps moving is never cut off, one that stalls for this long is.
    pub stall: Duration,
}

impl Default for FetchLimits {
    /// Generous for the official files (the largest, the ICD-10-CM tabular XML, is about 40 MB).
    fn default() -> Self {
        FetchLimits {
            max_bytes: 512 * 1024 * 1024,
            connect: Duration::from_secs(30),
            stall: Duration::from_secs(60),
        }
    }
}

/// What to do when an address cannot be downloaded here.
const OFFLINE_HINT: &str = "on an offline machine, download the files by hand and run \
                            `claimls data import <folder>`";

/// Why one address could not be downloaded. Every variant names the address.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "{url} is not an address claimls can download: {reason}; give an http:// or https:// address"
    )]
    BadAddress { url: String, reason: String },
    #[error("cannot reach {url}: {reason} — {OFFLINE_HINT}")]
    Unreachable { url: String, reason: String },
    #[error("{url}: nothing came for {waited:?} ({stage}) — {OFFLINE_HINT}")]
    TimedOut {
        url: String,
        stage: &'static str,
        waited: Duration,
    },
    #[error(
        "{url}: the secure connection failed ({reason}); check the machine's clock and any proxy that \
         intercepts https, or {OFFLINE_HINT}"
    )]
    Tls { url: String, reason: String },
    #[error(
        "{url}: the server answered {status}; the file may have moved: download it by hand from the \
         publisher's page and run `claimls data import <folder>`"
    )]
    Status { url: String, status: String },
    #[error("{url}: the download is incomplete ({reason}); run the command again")]
    Incomplete { url: String, reason: String },
    #[error(
        "{url}: the file is larger than {limit} bytes, which no official file is; check the address"
    )]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: the server's answer is not valid HTTP ({reason})")]
    Protocol { url: String, reason: String },
    #[error(
        "{url}: this claimls was built without `data fetch` (the `fetch` feature); download the files by \
         hand and run `claimls data import <folder>`"
    )]
    NotBuiltIn { url: String },
}

/// Without the `fetch` feature there is no network code at all: every download is refused.
#[cfg(not(feature = "fetch"))]
pub fn download(url: &str, _limits: &FetchLimits) -> Result<Vec<u8>, FetchError> {
    Err(FetchError::NotBuiltIn {
        url: url.to_string(),
    })
}

/// Download `url` into memory, following redirects, within `limits`.
#[cfg(feature = "fetch")]
pub fn download(url: &str, limits: &FetchLimits) -> Result<Vec<u8>, FetchError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(FetchError::BadAddress {
            url: url.to_string(),
            reason: "it does not start with http:// or https://".into(),
        });
    }
    let host = url
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .trim_start_matches('[');
    // A local mirror is reached directly, never through a proxy from the environment.
    let loopback = ["127.", "localhost", "::1"]
        .iter()
        .any(|p| host.starts_with(p));
    let mut config = ureq::Agent::config_builder();
    if loopback {
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config
        .user_agent(concat!("claimls/", env!("CARGO_PKG_VERSION")))
        .http_status_as_error(false)
        .timeout_connect(Some(limits.connect))
        .timeout_recv_response(Some(limits.stall))
        .timeout_per_read(Some(limits.stall))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| classify(url, limits, e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: format!(
                "{} {}",
                status.as_str(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string(),
        });
    }
    // The announced length, when the body comes as sent (no transfer compression to undo).
    let headers = response.headers();
    let announced = if headers.contains_key("content-encoding") {
        None
    } else {
        headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if announced.is_some_and(|n| n > limits.max_bytes) {
        return Err(FetchError::TooLarge {
            url: url.to_string(),
            limit: limits.max_bytes,
        });
    }
    // Read one byte past the limit, so an over-long body is told apart from one exactly at it.
    let mut body = Vec::new();
    response
        .body_mut()
        .with_config()
        .reader()
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|e| classify(url, limits, ureq::Error::from(e)))?;
    let got = body.len() as u64;
    if got > limits.max_bytes {
        return Err(FetchError::TooLarge {
            url: url.to_string(),
            limit: limits.max_bytes,
        });
    }
    if let Some(n) = announced
        && n != got
    {
        return Err(FetchError::Incomplete {
            url: url.to_string(),
            reason: format!("{got} of {n} bytes"),
        });
    }
    Ok(body)
}

/// Turn ureq's error into one the coder can act on.
#[cfg(feature = "fetch")]
fn classify(url: &str, limits: &FetchLimits, e: ureq::Error) -> FetchError {
    let url = url.to_string();
    match e {
        ureq::Error::HostNotFound => FetchError::Unreachable {
            url,
            reason: "the host name cannot be resolved (no DNS)".into(),
        },
        ureq::Error::Timeout(t) => {
            let (stage, limit) = match t {
                ureq::Timeout::Resolve | ureq::Timeout::Connect => ("connecting", limits.connect),
                ureq::Timeout::RecvResponse => ("waiting for the answer", limits.stall),
                _ => ("the download stalled", limits.stall),
            };
            FetchError::TimedOut {
                url,
                stage,
                waited: limit,
            }
        }
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::UnexpectedEof => FetchError::Incomplete {
                url,
                reason: "the server closed the connection early".into(),
            },
            std::io::ErrorKind::ConnectionRefused => FetchError::Unreachable {
                url,
                reason: "connection refused".into(),
            },
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::TimedOut {
                url,
                stage: "the download stalled",
                waited: limits.stall,
            },
            // rustls reports a failed handshake through the stream as invalid data.
            std::io::ErrorKind::InvalidData if url.starts_with("https://") => FetchError::Tls {
                url,
                reason: io.to_string(),
            },
            _ => FetchError::Unreachable {
                url,
                reason: io.to_string(),
            },
        },
        ureq::Error::Tls(reason) => FetchError::Tls {
            url,
            reason: reason.to_string(),
        },
        ureq::Error::Rustls(r) => FetchError::Tls {
            url,
            reason: r.to_string(),
        },
        ureq::Error::Pem(p) => FetchError::Tls {
            url,
            reason: format!("{p:?}"),
        },
        ureq::Error::BadUri(reason) => FetchError::BadAddress { url, reason },
        ureq::Error::Http(h) => FetchError::BadAddress {
            url,
            reason: h.to_string(),
        },
        ureq::Error::BodyExceedsLimit(limit) => FetchError::TooLarge { url, limit },
        ureq::Error::Decompress(what, io) => FetchError::Incomplete {
            url,
            reason: format!("its {what} transfer encoding is damaged: {io}"),
        },
        ureq::Error::Protocol(p) => FetchError::Protocol {
            url,
            reason: p.to_string(),
        },
        ureq::Error::ConnectionFailed => FetchError::Unreachable {
            url,
            reason: "the connection failed".into(),
        },
        other => FetchError::Protocol {
            url,
            reason: other.to_string(),
        },
    }
}

#[cfg(all(test, feature = "fetch"))]
mod tests {
    //! Against a one-shot server on 127.0.0.1; nothing here touches the internet.

    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// Answer one request with `head` then `body`, then keep the connection open for `linger`.
    fn answer_once(head: String, body: Vec<u8>, linger: Duration) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(&body));
            std::thread::sleep(linger);
        });
        format!("http://{addr}/file.txt")
    }

    fn ok_head(len: usize) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    }

    #[test]
    fn a_file_is_downloaded_whole() {
        let url = answer_once(ok_head(5), b"hello".to_vec(), Duration::ZERO);
        let bytes = download(&url, &FetchLimits::default()).expect("downloads");
        assert_eq!(bytes, b"hello");
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        let limits = FetchLimits {
            max_bytes: 4,
            ..FetchLimits::default()
        };
        let url = answer_once(ok_head(5), b"hello".to_vec(), Duration::ZERO);
        let err = download(&url, &limits).expect_err("too large");
        assert!(
            matches!(err, FetchError::TooLarge { limit: 4, .. }),
            "{err}"
        );
        // Without a length announced, the limit still holds while reading.
        let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_string();
        let url = answer_once(head, b"hello".to_vec(), Duration::ZERO);
        let err = download(&url, &limits).expect_err("too large");
        assert!(err.to_string().starts_with(&url), "{err}");
        assert!(err.to_string().contains("larger than 4 bytes"), "{err}");
    }

    #[test]
    fn a_stalled_download_times_out_and_names_the_address() {
        let limits = FetchLimits {
            stall: Duration::from_millis(300),
            ..FetchLimits::default()
        };
        // Announces ten bytes, sends two, then says nothing.
        let url = answer_once(ok_head(10), b"he".to_vec(), Duration::from_secs(3));
        let err = download(&url, &limits).expect_err("stalls");
        assert!(matches!(err, FetchError::TimedOut { .. }), "{err:?}");
        assert!(err.to_string().contains(&url), "{err}");
    }

    #[test]
    fn an_address_without_a_scheme_is_refused_before_any_connection() {
        let err = download("www.cms.gov/files/zip/x.zip", &FetchLimits::default())
            .expect_err("no scheme");
        assert!(matches!(err, FetchError::BadAddress { .. }), "{err}");
        assert!(err.to_string().contains("https://"), "{err}");
    }
}
