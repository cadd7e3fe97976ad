//! The `LanguageServer` implementation: document store, diagnostics scheduling, configuration, and
//! the request handlers (each a thin call into a feature module).

use super::analysis::{Checker, Tracked};
use super::convert::{ClaimDiagnostics, RuleDocs};
use super::document::OpenDocument;
use super::log::{Level, Logger};
use super::outbox::Outbox;
use super::snapshot::ClientManners;
pub use super::snapshot::Snapshot;
use super::{actions, completion, convert, format, highlight, hover, inlay, outline};
use claimls_data::CodeData;
use claimls_rules::config::Config;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How the server is set up; the defaults are what `claimls lsp` uses.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Code data to use instead of `CodeData::load()` (tests use a fixture set).
    pub data: Option<Arc<CodeData>>,
    /// How long diagnostics wait after a change that follows another one by less than this (a burst
    /// of keystrokes is checked once it pauses); a change after a pause is checked at once.
    pub debounce: Duration,
    /// For tests of the panic guard: a request with this method panics in its handler.
    #[doc(hidden)]
    pub panic_on: Option<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            data: None,
            debounce: Duration::from_millis(2),
            panic_on: None,
        }
    }
}

struct Open {
    doc: OpenDocument,
    /// Bumped on every change; a check computed for an older serial is dropped.
    serial: u64,
    /// The text of the current serial, built on first use.
    text: Option<Arc<str>>,
    /// The claims as last checked, kept in step with the edits since.
    tracked: Tracked,
}

impl Open {
    fn text(&mut self) -> Arc<str> {
        if let Some(t) = &self.text {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(self.doc.text());
        self.text = Some(t.clone());
        t
    }
}

pub(crate) struct State {
    docs: Mutex<HashMap<Uri, Open>>,
    /// What the client declared it can show (set by `initialize`).
    client: Mutex<ClientManners>,
    /// The payer configuration file the client names: `initializationOptions.config`, then the `config`
    /// of its `claimls` settings section (`workspace/configuration`).
    init_config: Mutex<Option<PathBuf>>,
    /// The client answers `workspace/configuration` (it declared `workspace.configuration`).
    pull_config: AtomicBool,
    /// Built on first use from the data and the configuration; dropped when either changes.
    checker: RwLock<Option<Arc<Checker>>>,
    /// The code data once loaded (or reloaded after an import).
    data: RwLock<Option<Arc<CodeData>>>,
    /// The first load, on its own thread so `initialize` does not wait for the data index.
    loading: Arc<OnceLock<Arc<CodeData>>>,
    config: RwLock<Arc<Config>>,
    root: Mutex<Option<PathBuf>>,
    serial: AtomicU64,
    /// When the last change arrived (any document): a change sooner than the debounce after it is
    /// part of a burst.
    last_change: Mutex<Option<Instant>>,
    /// The imported data's generation when it was loaded.
    generation: AtomicU64,
    /// Where finished publishes wait for the output (see `outbox`).
    outbox: Arc<Outbox>,
    pub(crate) log: Logger,
    /// The documentation address of each rule, for `codeDescription`.
    rule_docs: RuleDocs,
    options: ServerOptions,
    watch_registration: Mutex<bool>,
}

/// Parameters of `claimls/syntaxTree`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyntaxTreeParams {
    pub text_document: TextDocumentIdentifier,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// Where `docs/rules.md` is: `CLAIMLS_DOCS` (a folder holding `rules.md`), an installed copy next to
/// the binary (`../share/doc/claimls/rules.md`), else a copy the server writes from its own rule
/// documentation into its data folder (`<data dir>/docs/rules.md`), so a diagnostic's link always opens
/// the documentation of the rules this binary runs. Empty (no link) when none of these can be had.
fn docs_base() -> String {
    let exe = std::env::current_exe().ok();
    let from_env = std::env::var_os("CLAIMLS_DOCS").map(|d| PathBuf::from(d).join("rules.md"));
    let installed = exe.iter().map(|e| {
        let dir = e.parent().map(PathBuf::from).unwrap_or_default();
        dir.join("../share/doc/claimls/rules.md")
    });
    let candidates = from_env.into_iter().chain(installed);
    for c in candidates {
        if let Ok(p) = c.canonicalize()
            && let Some(uri) = Uri::from_file_path(&p)
        {
            return uri.as_str().to_string();
        }
    }
    let Some(dir) = claimls_data::store::data_dir() else {
        return String::new();
    };
    let path = dir.join("docs").join("rules.md");
    let text = claimls_rules::docs_markdown();
    let current = std::fs::read_to_string(&path).is_ok_and(|old| old == text);
    let written = current
        || (std::fs::create_dir_all(dir.join("docs")).is_ok()
            && std::fs::write(&path, text).is_ok());
    match path
        .canonicalize()
        .ok()
        .filter(|_| written)
        .and_then(|p| Uri::from_file_path(&p))
    {
        Some(uri) => uri.as_str().to_string(),
        None => String::new(),
    }
}

/// The payer configuration file a `claimls` settings object names (`{"config": "<path>"}`):
/// `Some(None)` when it sets `config` to nothing, `None` when it does not say.
fn configured_path(settings: &serde_json::Value) -> Option<Option<PathBuf>> {
    let config = settings.get("config")?;
    Some(config.as_str().filter(|c| !c.is_empty()).map(PathBuf::from))
}

impl Backend {
    /// A server whose diagnostics leave through `outbox` (see [`crate::serve`]).
    pub fn new(client: Client, options: ServerOptions, outbox: Arc<Outbox>) -> Backend {
        let loading: Arc<OnceLock<Arc<CodeData>>> = Arc::new(OnceLock::new());
        if options.data.is_none() {
            let slot = loading.clone();
            std::thread::spawn(move || {
                let _ = slot.set(Arc::new(CodeData::load()));
            });
        }
        Backend {
            client,
            state: Arc::new(State {
                docs: Mutex::new(HashMap::new()),
                checker: RwLock::new(None),
                data: RwLock::new(options.data.clone()),
                loading,
                config: RwLock::new(Arc::new(Config::default())),
                root: Mutex::new(None),
                serial: AtomicU64::new(1),
                last_change: Mutex::new(None),
                generation: AtomicU64::new(data_generation()),
                outbox,
                log: Logger::from_env(),
                rule_docs: RuleDocs::new(&docs_base()),
                options,
                watch_registration: Mutex::new(false),
                client: Mutex::new(ClientManners::default()),
                init_config: Mutex::new(None),
                pull_config: AtomicBool::new(false),
            }),
        }
    }

    fn docs(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Open>> {
        // A poisoned lock means a handler panicked while holding it; the map is still consistent
        // (every mutation is a single insert/remove/edit call).
        self.state.docs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn checker(&self) -> Arc<Checker> {
        self.state.checker()
    }

    /// `$/setTrace`.
    pub async fn set_trace(&self, params: SetTraceParams) {
        let level = match params.value {
            TraceValue::Verbose => "verbose",
            TraceValue::Messages => "messages",
            _ => "off",
        };
        self.state.log.set(Level::from_trace(level));
    }

    /// `claimls/syntaxTree`: the s-expression of a parse of the document's current text, for
    /// debugging and for the tests that check edits reach the text.
    pub async fn syntax_tree(&self, params: SyntaxTreeParams) -> Result<Option<String>> {
        let mut docs = self.docs();
        Ok(docs
            .get_mut(&params.text_document.uri)
            .and_then(|o| o.doc.tree())
            .map(|t| t.root_node().to_sexp()))
    }

    /// `claimls/lookup` (see `requests`): the code data may still be loading, so off the async workers.
    pub async fn lookup(
        &self,
        params: crate::requests::LookupParams,
    ) -> Result<Vec<crate::requests::LookupItem>> {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || crate::requests::lookup(&state.data(), &params.query))
            .await
            .map_err(|_| tower_lsp_server::jsonrpc::Error::internal_error())
    }

    /// `claimls/explain` (see `requests`).
    pub async fn explain(&self, params: crate::requests::ExplainParams) -> Result<String> {
        crate::requests::explain(&params.rule)
            .map_err(tower_lsp_server::jsonrpc::Error::invalid_params)
    }

    /// Answers a message that was not JSON (see `framing`).
    pub async fn parse_error(&self) -> Result<()> {
        Err(tower_lsp_server::jsonrpc::Error::parse_error())
    }

    /// Answers JSON that was not a JSON-RPC message (see `framing`).
    pub async fn invalid_request(&self) -> Result<()> {
        Err(tower_lsp_server::jsonrpc::Error::invalid_request())
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let checker = self.checker();
        let mut docs = self.docs();
        let open = docs.get_mut(uri)?;
        Some(Snapshot {
            version: open.doc.version,
            rope: open.doc.rope.clone(),
            text: open.text(),
            checker,
            client: *self.state.client.lock().unwrap_or_else(|e| e.into_inner()),
        })
    }

    fn next_serial(&self) -> u64 {
        self.state.serial.fetch_add(1, Ordering::Relaxed)
    }

    /// Check a document after `delay` and publish its diagnostics, unless it changed meanwhile.
    fn schedule_check(&self, uri: Uri, serial: u64, delay: Duration) {
        schedule_check(self.state.clone(), self.client.clone(), uri, serial, delay);
    }

    fn handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: self.state.clone(),
        }
    }

    /// Ask the client for its `claimls` settings (`workspace/configuration`), on a task of its own
    /// and with a timeout (a client that does not answer must not wedge a handler), and apply them as
    /// `initializationOptions` are applied: a `config` path names the payer configuration.
    fn pull_configuration(&self) {
        if !self.state.pull_config.load(Ordering::Relaxed) {
            return;
        }
        let backend = self.handle();
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("claimls".to_string()),
            };
            let answer = tokio::time::timeout(
                Duration::from_secs(10),
                backend.client.configuration(vec![item]),
            )
            .await;
            let Ok(Ok(values)) = answer else {
                tracing::warn!("the client did not answer workspace/configuration");
                return;
            };
            let Some(path) = values.first().and_then(configured_path) else {
                return;
            };
            *backend
                .state
                .init_config
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = path;
            backend.load_config().await;
            backend.recheck_all();
        });
    }

    /// Re-check every open document (after the configuration or the data changed).
    fn recheck_all(&self) {
        recheck_all(&self.state, &self.client);
    }

    /// Load `claimls.toml` from the workspace root; on error keep the defaults and tell the user.
    async fn load_config(&self) {
        let root = self
            .state
            .root
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // The editor's setting wins over the workspace file: `initializationOptions.config`, else the
        // CLAIMLS_CONFIG environment variable (the fallback for clients that cannot send options).
        let from_client = self
            .state
            .init_config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let path = from_client
            .or_else(|| {
                std::env::var_os("CLAIMLS_CONFIG")
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| {
                root.as_deref()
                    .and_then(|r| Config::find_within(r, Some(r)))
            });
        let config = match path {
            None => Config::default(),
            Some(p) => match Config::load(&p) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!("{e}");
                    self.client
                        .show_message(MessageType::ERROR, format!("claimls: {e}"))
                        .await;
                    Config::default()
                }
            },
        };
        self.state.set_config(config);
    }
}

impl State {
    /// The code data, waiting for the first load if it is still running.
    fn data(&self) -> Arc<CodeData> {
        if let Some(d) = self.data.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return d.clone();
        }
        self.loading.wait().clone()
    }

    /// The checker for the current data and configuration, if it is built.
    fn built_checker(&self) -> Option<Arc<Checker>> {
        self.checker
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How long the check of a change arriving now waits: the debounce when it follows the last
    /// change by less than that (a burst), else nothing (no timer on the path of a lone edit).
    fn burst_delay(&self) -> Duration {
        let now = Instant::now();
        let debounce = self.options.debounce;
        let last = self
            .last_change
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(now);
        match last {
            Some(last) if now.duration_since(last) < debounce => debounce,
            _ => Duration::ZERO,
        }
    }

    /// The checker for the current data and configuration.
    fn checker(&self) -> Arc<Checker> {
        if let Some(c) = self.built_checker() {
            return c;
        }
        let data = self.data();
        let config = self
            .config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut slot = self.checker.write().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.as_ref() {
            return c.clone();
        }
        let checker = Arc::new(Checker::new(data, config));
        *slot = Some(checker.clone());
        checker
    }

    fn is_current(&self, checker: &Arc<Checker>) -> bool {
        self.checker
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, checker))
    }

    fn set_config(&self, config: Config) {
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(config);
        *self.checker.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether `serial` is still the newest change of document `uri`.
    fn is_serial(&self, uri: &Uri, serial: u64) -> bool {
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(uri)
            .is_some_and(|o| o.serial == serial)
    }

    fn set_data(&self, data: Arc<CodeData>) {
        *self.data.write().unwrap_or_else(|e| e.into_inner()) = Some(data);
        *self.checker.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn schedule_check(state: Arc<State>, client: Client, uri: Uri, serial: u64, delay: Duration) {
    tokio::spawn(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        check_and_publish(state, client, uri, serial).await;
    });
}

fn recheck_all(state: &Arc<State>, client: &Client) {
    let open: Vec<(Uri, u64)> = state
        .docs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter_mut()
        .map(|(u, o)| {
            // The checker changed: nothing checked before still holds.
            o.tracked.invalidate();
            (u.clone(), o.serial)
        })
        .collect();
    for (uri, serial) in open {
        schedule_check(state.clone(), client.clone(), uri, serial, Duration::ZERO);
    }
}

/// The generation of the imported data (it changes when `claimls data import` writes a new index);
/// 0 when nothing was imported.
fn data_generation() -> u64 {
    claimls_data::store::data_dir()
        .map(|dir| claimls_data::store::generation(&dir))
        .unwrap_or(0)
}

/// When `claimls data import` wrote a new index since the data was loaded, load it and re-check
/// every open document. Cheap when nothing changed (one `stat`). Returns whether it reloaded.
async fn reload_data_if_imported(state: &Arc<State>, client: &Client) -> bool {
    if state.options.data.is_some() {
        return false;
    }
    let g = data_generation();
    if state.generation.swap(g, Ordering::AcqRel) == g {
        return false;
    }
    let Ok(data) = tokio::task::spawn_blocking(CodeData::load).await else {
        return false;
    };
    state.set_data(Arc::new(data));
    tracing::info!("new imported code data: re-checking open documents");
    recheck_all(state, client);
    true
}

async fn check_and_publish(state: Arc<State>, client: Client, uri: Uri, serial: u64) {
    let started = Instant::now();
    if reload_data_if_imported(&state, &client).await {
        // Every open document (this one included) has been scheduled again with the new data.
        return;
    }
    // Built already after the first check: no thread hop then. The first builds it (and may wait for
    // the data) off the async workers.
    let checker = match state.built_checker() {
        Some(c) => c,
        None => {
            let state = state.clone();
            match tokio::task::spawn_blocking(move || state.checker()).await {
                Ok(c) => c,
                Err(_) => return,
            }
        }
    };
    let snapshot = {
        let mut docs = state.docs.lock().unwrap_or_else(|e| e.into_inner());
        match docs.get_mut(&uri) {
            Some(open) if open.serial == serial => Some((
                open.doc.version,
                open.doc.rope.clone(),
                open.tracked.clone(),
            )),
            _ => None,
        }
    };
    let Some((version, rope, tracked)) = snapshot else {
        return;
    };
    let manners = state
        .client
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .diagnostics;
    // A request sent right after the change (completion, hover) is answered first; it is counted
    // as soon as it is read, so let the input be read before looking.
    tokio::task::yield_now().await;
    state.outbox.requests_answered(super::outbox::HOLD).await;
    let state2 = state.clone();
    let uri2 = uri.clone();
    let used = checker.clone();
    let computed = tokio::task::spawn_blocking(move || {
        if !state2.is_serial(&uri2, serial) {
            // Overtaken while waiting for a thread: the newer version's check publishes.
            return None;
        }
        let analysis = checker.recheck(&rope, &tracked);
        let frame = publish_frame(&rope, &uri2, &state2.rule_docs, manners, version, &analysis);
        Some((analysis, frame))
    })
    .await;
    let (analysis, frame) = match computed {
        Ok(Some(done)) => done,
        Ok(None) => return,
        Err(_) => {
            tracing::error!("check of {} failed", uri.as_str());
            return;
        }
    };
    let bytes = frame.len();
    {
        let mut docs = state.docs.lock().unwrap_or_else(|e| e.into_inner());
        if !state.is_current(&used) {
            // The configuration or the data changed meanwhile; the re-check scheduled then
            // publishes (its result is put under this lock too, so it cannot be overwritten).
            return;
        }
        match docs.get_mut(&uri) {
            Some(open) if open.serial == serial => {
                open.tracked = Tracked::from_analysis(analysis);
                // Under the documents' lock: an edit withdraws it under the same lock, so a
                // publish never leaves for a version that a newer one has overtaken.
                state.outbox.put(uri.as_str(), frame);
            }
            // Changed meanwhile: the newer edits were tracked against the older analysis, which
            // stays; the check scheduled for them publishes.
            _ => return,
        }
    }
    tracing::debug!(
        "{} v{version}: {bytes} bytes of diagnostics in {:?}",
        uri.as_str(),
        started.elapsed()
    );
}

/// The publish of an analysis: each claim's diagnostics converted once (kept in its chunk while the
/// claim's text stays the same), written at the line the claim now starts on. The client's
/// `manners` are set once by `initialize`, before any document opens, so converted diagnostics
/// kept in the chunks always have the fields they allow.
fn publish_frame(
    rope: &ropey::Rope,
    uri: &Uri,
    docs: &RuleDocs,
    manners: convert::DiagnosticManners,
    version: i32,
    analysis: &super::analysis::Analysis,
) -> Vec<u8> {
    let len = rope.len_bytes();
    let claims = analysis
        .chunks
        .iter()
        .filter(|c| !c.check.findings.is_empty())
        .map(|c| {
            let start = c.range.start.min(len);
            let converted = c.diagnostics.get_or_init(|| {
                let text = rope.byte_slice(start..c.range.end.clamp(start, len));
                Arc::new(ClaimDiagnostics::new(
                    &text.to_string(),
                    uri,
                    docs,
                    &c.check.findings,
                    manners,
                ))
            });
            let line = u32::try_from(rope.byte_to_line(start)).unwrap_or(u32::MAX);
            (line, &**converted)
        });
    convert::publish_frame(uri, Some(version), claims)
}

pub fn semantic_legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: highlight::TOKEN_TYPES.to_vec(),
        token_modifiers: vec![],
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        if let Some(trace) = params.trace {
            let t = match trace {
                TraceValue::Verbose => "verbose",
                TraceValue::Messages => "messages",
                _ => "off",
            };
            self.state.log.set(Level::from_trace(t));
        }
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        *self.state.root.lock().unwrap_or_else(|e| e.into_inner()) = root;
        let dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        *self
            .state
            .watch_registration
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = dynamic_watch;
        *self.state.client.lock().unwrap_or_else(|e| e.into_inner()) =
            convert::client_manners(&params.capabilities);
        // `initializationOptions: {"config": "<path of claimls.toml>"}` (VS Code's `claimls.config`).
        *self
            .state
            .init_config
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = params
            .initialization_options
            .as_ref()
            .and_then(configured_path)
            .flatten();
        let pull = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        self.state.pull_config.store(pull, Ordering::Relaxed);
        self.load_config().await;
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "claimls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![" ".to_string(), ",".to_string()]),
                    resolve_provider: Some(true),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..Default::default()
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: semantic_legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: Some(false),
                            ..Default::default()
                        },
                    ),
                ),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized");
        self.pull_configuration();
        let dynamic = *self
            .state
            .watch_registration
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !dynamic {
            return;
        }
        // A request to the client: never awaited inline without a timeout (a client that does not
        // answer must not wedge a handler slot).
        let client = self.client.clone();
        tokio::spawn(async move {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/claimls.toml".to_string()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "claimls-config-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            let answer = tokio::time::timeout(
                Duration::from_secs(10),
                client.register_capability(vec![registration]),
            )
            .await;
            if !matches!(answer, Ok(Ok(()))) {
                tracing::warn!("the client did not register the claimls.toml watcher");
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let serial = self.next_serial();
        self.docs().insert(
            td.uri.clone(),
            Open {
                doc: OpenDocument::new(&td.text, td.version),
                serial,
                text: None,
                tracked: Tracked::default(),
            },
        );
        self.schedule_check(td.uri, serial, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let serial = self.next_serial();
        {
            let mut docs = self.docs();
            let Some(open) = docs.get_mut(&uri) else {
                return;
            };
            // Changes are applied in the order they arrive, whatever their version says: the
            // stream is ordered, so each change applies to the text the client had when it sent
            // it, which is the text here. Ignoring one (for an older or repeated version) would
            // leave this text different from the editor's for the rest of the session. The
            // version only labels the diagnostics.
            if params.text_document.version <= open.doc.version {
                tracing::warn!(
                    "{}: a change for version {} after version {}; applied in arrival order",
                    uri.as_str(),
                    params.text_document.version,
                    open.doc.version
                );
            }
            for change in &params.content_changes {
                match change.range {
                    Some(range) => {
                        let start = convert::position_to_char(&open.doc.rope, range.start);
                        let end = convert::position_to_char(&open.doc.rope, range.end);
                        let (s, o, n) = open.doc.edit(start.min(end), start.max(end), &change.text);
                        open.tracked.edited(s, o, n);
                    }
                    None => {
                        open.doc.replace_all(&change.text);
                        open.tracked.invalidate();
                    }
                }
            }
            open.doc.version = params.text_document.version;
            open.serial = serial;
            open.text = None;
            // What was computed for the text before this change must not be published now.
            self.state.outbox.withdraw(uri.as_str());
        }
        let delay = self.state.burst_delay();
        self.schedule_check(uri, serial, delay);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let is_config = params
            .text_document
            .uri
            .path()
            .as_str()
            .ends_with("claimls.toml");
        if is_config {
            self.load_config().await;
            self.recheck_all();
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut docs = self.docs();
        docs.remove(&uri);
        // Under the documents' lock, like every publish: it replaces one not yet sent.
        let empty = convert::publish_frame(&uri, None, []);
        self.state.outbox.put(uri.as_str(), empty);
    }

    /// Settings changed: a client that answers `workspace/configuration` is asked again; one that
    /// pushes them sends `{"claimls": {"config": …}}` here.
    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.state.pull_config.load(Ordering::Relaxed) {
            self.pull_configuration();
            return;
        }
        let Some(path) = params.settings.get("claimls").and_then(configured_path) else {
            return;
        };
        *self
            .state
            .init_config
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = path;
        self.load_config().await;
        self.recheck_all();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| c.uri.path().as_str().ends_with("claimls.toml"))
        {
            tracing::info!("claimls.toml changed: reloading");
            self.load_config().await;
            self.recheck_all();
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        Ok(completion::complete(&snap, pos.position).map(CompletionResponse::List))
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        let checker = self.checker();
        let manners = *self.state.client.lock().unwrap_or_else(|e| e.into_inner());
        Ok(completion::resolve(item, checker.data(), manners))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        Ok(hover::hover(&snap, pos.position))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(snap) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let wanted = convert::range_to_span(&snap.rope, params.range);
        let found = actions::actions(&snap, wanted);
        Ok(Some(convert::code_actions(
            &snap.rope,
            &uri,
            &self.state.rule_docs,
            found,
        )))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(inlay::hints(&snap, params.range)))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(DocumentSymbolResponse::Nested(outline::symbols(
            &snap,
        ))))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(outline::folding_ranges(&snap)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(format::edits(&snap)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(SemanticTokensResult::Tokens(highlight::tokens(&snap))))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else {
            return Ok(None);
        };
        Ok(outline::definition(&snap, pos.position)
            .map(|range| GotoDefinitionResponse::Scalar(Location::new(uri, range))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

    const CLAIMS: [&str; 4] = [
        include_str!("../../../examples/j1301-for-ocrelizumab.claim"),
        include_str!("../../../examples/medicare-jw-missing.claim"),
        include_str!("../../../examples/g35-header-dx.claim"),
        include_str!("../../../examples/medicaid-belimumab-ndc.claim"),
    ];

    /// What a publish of `text` holds when every finding is converted afresh against the whole
    /// document (the way diagnostics were built before they were cached by claim).
    fn fresh(
        checker: &Checker,
        text: &str,
        uri: &Uri,
        docs: &RuleDocs,
        manners: convert::DiagnosticManners,
    ) -> serde_json::Value {
        let rope = ropey::Rope::from_str(text);
        let diagnostics: Vec<Diagnostic> = checker
            .check(text)
            .findings()
            .iter()
            .map(|f| convert::diagnostic(&rope, uri, docs, f, manners))
            .collect();
        let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(7));
        serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": params,
        })
    }

    fn body(frame: &[u8]) -> serde_json::Value {
        let text = std::str::from_utf8(frame).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("a framed message");
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        serde_json::from_str(body).expect("JSON")
    }

    /// Random edits above and inside claims: the publish built from the cached, shifted claim
    /// diagnostics equals the one converted afresh from a full check, and claims that did not
    /// change keep their converted diagnostics.
    #[test]
    fn shifted_cached_diagnostics_equal_freshly_converted_ones() {
        let checker = Checker::new(Arc::new(CodeData::embedded()), Arc::new(Config::default()));
        let uri: Uri = "file:///tmp/shift.claim".parse().expect("a URI");
        let docs = RuleDocs::new("file:///usr/share/doc/claimls/rules.md");
        let mut text = String::from("# drafts\n");
        for (i, c) in CLAIMS.iter().cycle().take(12).enumerate() {
            text.push_str(&c.replace("claim ", &format!("claim N{i}-")));
            text.push('\n');
        }
        let mut doc = crate::document::OpenDocument::new(&text, 1);
        let mut tracked = Tracked::from_analysis(checker.check(&text));
        let all = convert::DiagnosticManners::ALL;
        let first = publish_frame(
            &doc.rope,
            &uri,
            &docs,
            all,
            7,
            &Analysis {
                chunks: tracked.chunks.clone(),
            },
        );
        assert!(
            body(&first)["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.len() > 8)
        );
        let pieces = ["\n", "# a note\n", "x", "  pos 11\n", "😀", "", "\r\n", "1"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let mut reused = 0;
        for round in 0..120 {
            // Mostly edits in the first third (above most claims), some anywhere.
            let len = doc.rope.len_chars();
            let at = if round % 4 == 0 {
                next(len + 1)
            } else {
                next(len / 3 + 1)
            };
            let end = (at + next(4)).min(len);
            let (s, o, n) = doc.edit(at, end, pieces[next(pieces.len())]);
            tracked.edited(s, o, n);
            if round % 2 == 1 {
                continue;
            }
            let analysis = checker.recheck(&doc.rope, &tracked);
            reused += analysis
                .chunks
                .iter()
                .filter(|c| c.diagnostics.get().is_some())
                .count();
            let frame = publish_frame(&doc.rope, &uri, &docs, all, 7, &analysis);
            let current = doc.text();
            assert_eq!(
                body(&frame),
                fresh(&checker, &current, &uri, &docs, all),
                "round {round}"
            );
            tracked = Tracked::from_analysis(analysis);
        }
        assert!(
            reused > 100,
            "converted diagnostics were re-used {reused} times"
        );
    }

    /// A client that declared neither `relatedInformation` nor `codeDescriptionSupport` gets the same
    /// diagnostics without those fields; one that declared them gets both; the frame's length is
    /// its body's.
    #[test]
    fn a_publish_carries_the_optional_fields_the_client_declared_and_no_others() {
        let checker = Checker::new(Arc::new(CodeData::embedded()), Arc::new(Config::default()));
        let uri: Uri = "file:///tmp/fields.claim".parse().expect("a URI");
        let docs = RuleDocs::new("file:///usr/share/doc/claimls/rules.md");
        let text: String = CLAIMS.concat();
        let rope = ropey::Rope::from_str(&text);
        let frame_with = |manners| {
            let analysis = checker.check(&text);
            body(&publish_frame(&rope, &uri, &docs, manners, 3, &analysis))
        };
        let none = frame_with(convert::DiagnosticManners::default());
        let all = frame_with(convert::DiagnosticManners::ALL);
        let only_links = frame_with(convert::DiagnosticManners {
            related_information: false,
            code_description: true,
        });
        let list = |v: &serde_json::Value| v["params"]["diagnostics"].as_array().cloned();
        let (none, all, only_links) = (list(&none), list(&all), list(&only_links));
        let (none, all, only_links) = (
            none.expect("diagnostics"),
            all.expect("diagnostics"),
            only_links.expect("diagnostics"),
        );
        assert_eq!(none.len(), all.len());
        assert!(
            all.iter().any(|d| d.get("relatedInformation").is_some()),
            "the examples have related places"
        );
        for ((n, a), l) in none.iter().zip(&all).zip(&only_links) {
            assert!(n.get("relatedInformation").is_none(), "{n}");
            assert!(n.get("codeDescription").is_none(), "{n}");
            assert!(l.get("relatedInformation").is_none(), "{l}");
            assert_eq!(l.get("codeDescription"), a.get("codeDescription"));
            assert!(a.get("codeDescription").is_some(), "{a}");
            let mut stripped = a.clone();
            if let Some(o) = stripped.as_object_mut() {
                o.remove("relatedInformation");
                o.remove("codeDescription");
            }
            assert_eq!(n, &stripped, "only the undeclared fields are left out");
        }
    }

    #[test]
    fn an_empty_publish_without_a_version_is_what_the_library_would_send() {
        let uri: Uri = "file:///tmp/a%20b.claim".parse().expect("a URI");
        let frame = convert::publish_frame(&uri, None, []);
        let params = PublishDiagnosticsParams::new(uri, Vec::new(), None);
        let expected = serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": params,
        });
        assert_eq!(body(&frame), expected);
    }
}
