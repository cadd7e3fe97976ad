//! Logging through `tracing`, to stderr (which editors show as the server's log), at the level the
//! client sets (`initialize` trace, `$/setTrace`) or `CLAIMLS_LOG` (`off`, `error`, `warn`, `info`,
//! `debug`). The server's events and tower-lsp-server's own (requests cancelled, shutdown, bad input)
//! go through one subscriber, installed by `claimls lsp` ([`init_stderr`]).
//!
//! Messages never carry document text: ours name documents by URI and say what happened and how long it
//! took. The most verbose level is `debug`: tower-lsp-server logs every message it reads and writes,
//! document text included, at `trace`, so `trace` is never enabled (`CLAIMLS_LOG=trace` means `debug`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::{Registry, reload};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Level::Off),
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" | "trace" => Some(Level::Debug),
            _ => None,
        }
    }

    /// The LSP trace value (`off`, `messages`, `verbose`) as a level.
    pub fn from_trace(s: &str) -> Level {
        match s {
            "verbose" => Level::Debug,
            "messages" => Level::Info,
            _ => Level::Warn,
        }
    }

    fn from_u8(n: u8) -> Level {
        match n {
            0 => Level::Off,
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            _ => Level::Debug,
        }
    }

    /// The `tracing` filter for this level; never `TRACE` (see the module docs).
    fn filter(self) -> LevelFilter {
        match self {
            Level::Off => LevelFilter::OFF,
            Level::Error => LevelFilter::ERROR,
            Level::Warn => LevelFilter::WARN,
            Level::Info => LevelFilter::INFO,
            Level::Debug => LevelFilter::DEBUG,
        }
    }
}

/// The level of the installed subscriber, changeable while the server runs.
static FILTER: OnceLock<reload::Handle<LevelFilter, Registry>> = OnceLock::new();

/// Installs the process's subscriber: plain lines on stderr, at `CLAIMLS_LOG` or `warn`. Once per
/// process; a second call (or another subscriber already set) leaves the first in place.
pub fn init_stderr() {
    init(std::io::stderr);
}

/// [`init_stderr`] with another writer (tests).
pub fn init<W>(writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let (filter, handle) = reload::Layer::new(env_level().unwrap_or(Level::Warn).filter());
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .without_time()
        .with_target(true);
    if tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .try_init()
        .is_ok()
    {
        let _ = FILTER.set(handle);
    }
}

fn env_level() -> Option<Level> {
    std::env::var("CLAIMLS_LOG")
        .ok()
        .and_then(|s| Level::parse(&s))
}

/// The server's view of the log level: what the client asked for, unless `CLAIMLS_LOG` pins it.
pub struct Logger {
    level: AtomicU8,
    /// `CLAIMLS_LOG` wins over what the client asks for.
    pinned: bool,
}

impl Logger {
    pub fn from_env() -> Logger {
        let env = env_level();
        Logger {
            level: AtomicU8::new(env.unwrap_or(Level::Warn) as u8),
            pinned: env.is_some(),
        }
    }

    /// The client's choice (ignored when `CLAIMLS_LOG` is set).
    pub fn set(&self, level: Level) {
        if self.pinned {
            return;
        }
        self.level.store(level as u8, Ordering::Relaxed);
        if let Some(handle) = FILTER.get() {
            let _ = handle.modify(|f| *f = level.filter());
        }
    }

    pub fn level(&self) -> Level {
        Level::from_u8(self.level.load(Ordering::Relaxed))
    }
}
