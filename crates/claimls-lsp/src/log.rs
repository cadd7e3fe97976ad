//! Logging to stderr at the level the client sets (`initialize` trace, `$/setTrace`) or `CLAIMLS_LOG`
//! (`off`, `error`, `warn`, `info`, `debug`). Messages never carry document text: they name documents
//! by URI and say what happened and how long it took.

use std::sync::atomic::{AtomicU8, Ordering};

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
}

pub struct Logger {
    level: AtomicU8,
    /// `CLAIMLS_LOG` wins over what the client asks for.
    pinned: bool,
}

impl Logger {
    pub fn from_env() -> Logger {
        let env = std::env::var("CLAIMLS_LOG")
            .ok()
            .and_then(|s| Level::parse(&s));
        Logger {
            level: AtomicU8::new(env.unwrap_or(Level::Warn) as u8),
            pinned: env.is_some(),
        }
    }

    /// The client's choice (ignored when `CLAIMLS_LOG` is set).
    pub fn set(&self, level: Level) {
        if !self.pinned {
            self.level.store(level as u8, Ordering::Relaxed);
        }
    }

    pub fn level(&self) -> Level {
        Level::from_u8(self.level.load(Ordering::Relaxed))
    }

    pub fn enabled(&self, level: Level) -> bool {
        level != Level::Off && level <= self.level()
    }

    pub fn log(&self, level: Level, message: std::fmt::Arguments<'_>) {
        if self.enabled(level) {
            let tag = match level {
                Level::Off => return,
                Level::Error => "ERROR",
                Level::Warn => "WARN",
                Level::Info => "INFO",
                Level::Debug => "DEBUG",
            };
            eprintln!("[claimls {tag}] {message}");
        }
    }
}
