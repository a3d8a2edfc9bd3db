//! The plugin host: runs report templates (WebAssembly components) in a sandbox.
//!
//! One wasmtime engine; a fresh store and instance per call with fuel, an epoch deadline
//! (wall-clock timeout and cancel), memory/instance/table limits and a bounded log. What a call
//! does not need afresh is made once per host: instances come from wasmtime's pooling allocator
//! (memory slots kept mapped, the component's initial memory a copy-on-write image), calls run on
//! a long-lived pool of threads with large stacks, and one epoch ticker serves every call (it
//! sleeps while none runs). The only import offered is the contract's `host.log`: no WASI,
//! so no files, environment, clock or sockets exist for a plugin. Every returned document is
//! converted into the app's document model
//! and validated before anyone exports it. Compiled components are cached on disk by content hash
//! and engine compatibility hash.

mod cache;
pub mod convert;
pub mod docx;
mod error;
pub mod package;
mod v1_0;
mod v1_1;
mod v1_2;
mod v1_3;

pub use cache::ComponentCache;
pub use error::PluginError;
pub use v1_3::{
    BranchCompliance, Candidate, CommitteeRecords, DutyBallot, DutyMeeting, Election, Finding, LogLevel, MeetingTally,
    Param, ParamKind, ParamSpec, Quorum, RecordKind, Records, RenderError, RenderRequest, ReportedBranch, RuleFigures,
    ServiceTeam, TemplateInfo, Voter,
};

use crate::document::{self, Document};

use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, ResourceLimiter, Store, UpdateDeadline};

/// The contract versions this host runs: 1.0.x to 1.3.x.
pub const SUPPORTED_API: &str = "1.0.x, 1.1.x, 1.2.x, 1.3.x";

/// A value of an older contract version (`from`) as the same value of the host's, or back: the
/// versions share field names and shapes, and fields the target does not know are dropped.
fn adapt<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: &T, from: &str) -> Result<U, PluginError> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| PluginError::Engine(format!("接口{from}与1.3之间的转换失败：{e}")))
}

/// Which of the host's bindings runs an exported contract version, if any.
fn api_binding(version: &str) -> Option<Contract> {
    let mut parts = version.split('.');
    let minor = match (parts.next(), parts.next()) {
        (Some("1"), Some("0")) => Contract::V1_0,
        (Some("1"), Some("1")) => Contract::V1_1,
        (Some("1"), Some("2")) => Contract::V1_2,
        (Some("1"), Some("3")) => Contract::V1_3,
        _ => return None,
    };
    let patch_ok = parts.next().is_some_and(|p| p.parse::<u32>().is_ok()) && parts.next().is_none();
    patch_ok.then_some(minor)
}

/// The contract generations the host has bindings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contract {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

/// A template ready to instantiate, through the bindings of the contract it exports.
enum Pre {
    V1_0(v1_0::PluginPre<HostState>),
    V1_1(v1_1::PluginPre<HostState>),
    V1_2(v1_2::PluginPre<HostState>),
    V1_3(v1_3::PluginPre<HostState>),
}

/// What a single call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel (roughly, WebAssembly instructions) per call.
    pub fuel: u64,
    /// Wall-clock time per call.
    pub timeout: Duration,
    /// Linear memory per instance, in bytes.
    pub memory_bytes: usize,
    /// Table elements per table.
    pub table_elements: usize,
    /// Log lines kept per call (later lines are counted, not kept).
    pub log_lines: usize,
    /// Bytes of log text kept per call.
    pub log_bytes: usize,
    /// Largest document accepted, in bytes of text.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            fuel: 20_000_000_000,
            timeout: Duration::from_secs(30),
            memory_bytes: 256 << 20,
            table_elements: 100_000,
            log_lines: 1000,
            log_bytes: 64 << 10,
            output_bytes: 32 << 20,
        }
    }
}

/// One line a plugin logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    /// `debug`, `info`, `warn` or `error` from the plugin; `host` for the host's own notes on the
    /// request (a stored grade that differs from the ballots).
    pub level: String,
    /// The text (cut at the log's byte budget).
    pub message: String,
}

/// The bounded log of one call.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PluginLog {
    /// Lines kept.
    pub lines: Vec<LogLine>,
    /// Lines dropped once the budget was spent.
    pub dropped: u64,
    #[serde(skip)]
    bytes: usize,
}

impl PluginLog {
    /// Adds the host's own note (kept whatever the plugin's budget: it is the host's).
    pub fn host_note(&mut self, message: String) {
        self.lines.insert(0, LogLine { level: "host".into(), message });
    }

    /// The last error-level line (a panic message, via the SDK's hook).
    pub fn last_error(&self) -> Option<&str> {
        self.lines.iter().rev().find(|l| l.level == "error").map(|l| l.message.as_str())
    }
}

/// Why the epoch callback stopped a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Timeout,
    Cancelled,
}

/// Which limit the host refused a plugin, recorded by the limiter itself so the error is
/// classified from the host's own state rather than from wasmtime's message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Denied {
    Memory,
    Table,
}

/// The state of one store: limits, log and why it was interrupted.
struct HostState {
    memory_bytes: usize,
    table_elements: usize,
    denied: Option<Denied>,
    log: PluginLog,
    log_lines: usize,
    log_bytes: usize,
    stop: Option<Stop>,
}

impl ResourceLimiter for HostState {
    fn memory_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes || maximum.is_some_and(|max| desired > max) {
            self.denied = Some(Denied::Memory);
            // A trap, not a failed grow: a Rust guest that cannot grow aborts with `unreachable`,
            // which would hide the cause.
            return Err(wasmtime::Error::msg("memory limit reached"));
        }
        Ok(true)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.denied = Some(Denied::Memory);
        Err(error)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.table_elements || maximum.is_some_and(|max| desired > max) {
            self.denied = Some(Denied::Table);
            return Err(wasmtime::Error::msg("table limit reached"));
        }
        Ok(true)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.denied = Some(Denied::Table);
        Err(error)
    }

    fn instances(&self) -> usize {
        10
    }

    fn tables(&self) -> usize {
        20
    }

    fn memories(&self) -> usize {
        2
    }
}

/// The contract's one import, `host.log`, for each version's bindings: the same four levels under
/// each version's own enum.
macro_rules! host_log {
    ($($version:ident),*) => {$(
        impl $version::zhibu::plugin::types::Host for HostState {}

        impl $version::zhibu::plugin::host::Host for HostState {
            fn log(&mut self, level: $version::zhibu::plugin::host::LogLevel, message: String) {
                use $version::zhibu::plugin::host::LogLevel as Level;
                let level = match level {
                    Level::Debug => "debug",
                    Level::Info => "info",
                    Level::Warn => "warn",
                    Level::Error => "error",
                };
                self.push_log(level, message);
            }
        }
    )*};
}

host_log!(v1_0, v1_1, v1_2, v1_3);

impl HostState {
    /// Keeps a log line within the call's line and byte budgets (later ones are counted).
    fn push_log(&mut self, level: &str, message: String) {
        let log = &mut self.log;
        if log.lines.len() >= self.log_lines || log.bytes >= self.log_bytes {
            log.dropped += 1;
            return;
        }
        let room = self.log_bytes - log.bytes;
        let mut message = message;
        if message.len() > room {
            let mut cut = room;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        log.bytes += message.len();
        log.lines.push(LogLine { level: level.to_owned(), message });
    }
}

/// Cancels a running call from another thread (the UI's Cancel button).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the running call to stop at its next epoch check (within milliseconds).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A loaded, described template ready to render.
pub struct Plugin {
    pre: Pre,
    /// What the template says about itself.
    pub info: TemplateInfo,
    /// The contract version it exports.
    pub api_version: String,
    /// SHA-256 of its wasm.
    pub sha256: String,
    /// How it was loaded: compiled now or taken from the cache.
    pub load: LoadStats,
}

/// How long loading took and whether the cache served it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStats {
    /// True when the compiled component came from the disk cache.
    pub cached: bool,
    /// Time to compile or deserialize.
    pub compile: Duration,
    /// Time to instantiate and call `describe`.
    pub describe: Duration,
}

/// A document and what the call used.
#[derive(Debug)]
pub struct RenderOutcome {
    /// The validated document; for a filled Word file, its text and tables in order (the preview).
    pub document: Document,
    /// The filled Word file a template returned, checked ([`docx::check`]) and written as it is.
    pub docx: Option<Vec<u8>>,
    /// The plugin's log.
    pub log: PluginLog,
    /// Fuel consumed.
    pub fuel_used: u64,
    /// Wall-clock time of the call, instantiation included.
    pub elapsed: Duration,
}

/// The sandbox.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<HostState>,
    limits: Limits,
    cache: Option<ComponentCache>,
    /// The threads calls run on: wasm frames run on the host thread's stack, so a large one.
    workers: rayon::ThreadPool,
    ticker: Ticker,
}

/// How often the ticker advances the epoch while a call runs: the resolution of the timeout and
/// of Cancel.
const TICK: Duration = Duration::from_millis(5);

/// The engine's one epoch ticker: advances the epoch every [`TICK`] while any call runs, and
/// sleeps (parked, no wake-ups) while none does.
struct Ticker {
    shared: Arc<TickerShared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct TickerShared {
    running: std::sync::atomic::AtomicUsize,
    stop: AtomicBool,
}

impl Ticker {
    fn start(engine: Engine) -> Result<Self, PluginError> {
        let shared = Arc::new(TickerShared::default());
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                while !state.stop.load(Ordering::SeqCst) {
                    if state.running.load(Ordering::SeqCst) == 0 {
                        std::thread::park();
                        continue;
                    }
                    std::thread::park_timeout(TICK);
                    engine.increment_epoch();
                }
            })
            .map_err(|e| PluginError::Engine(format!("无法启动计时线程：{e}")))?;
        Ok(Self { shared, thread: Some(thread) })
    }

    /// Ticks until the guard is dropped (calls overlap: it ticks while any runs).
    fn running(&self) -> TickGuard<'_> {
        self.shared.running.fetch_add(1, Ordering::SeqCst);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
        TickGuard(self)
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// One call's share of the ticker.
struct TickGuard<'a>(&'a Ticker);

impl Drop for TickGuard<'_> {
    fn drop(&mut self) {
        self.0.shared.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The per-component limits the store's limiter also enforces (instances, memories, tables),
/// which size the pool's slots.
const MAX_CORE_INSTANCES: u32 = 10;
const MAX_MEMORIES: u32 = 2;
const MAX_TABLES: u32 = 20;

/// How much of a pooled slot's memory and tables stays mapped between calls (the dirty pages of
/// it stay resident after a call: at most this much per slot used).
const KEEP_RESIDENT: usize = 2 << 20;

/// The engine's configuration: fuel, epochs, components, a 1 MB wasm stack and, with `pool`
/// calls at once, the pooling allocator sized for them and `limits`.
fn engine_config(limits: &Limits, pool: Option<u32>) -> Config {
    let mut config = Config::new();
    config.consume_fuel(true).epoch_interruption(true).wasm_component_model(true).max_wasm_stack(1 << 20);
    if let Some(calls) = pool {
        let mut pooling = wasmtime::PoolingAllocationConfig::new();
        pooling
            .total_component_instances(calls)
            .total_core_instances(calls * MAX_CORE_INSTANCES)
            .total_memories(calls * MAX_MEMORIES)
            .total_tables(calls * MAX_TABLES)
            .max_core_instances_per_component(MAX_CORE_INSTANCES)
            .max_memories_per_component(MAX_MEMORIES)
            .max_tables_per_component(MAX_TABLES)
            .max_memory_size(limits.memory_bytes)
            .table_elements(limits.table_elements)
            // A reused slot's first megabytes and tables are reset in place (Linux): otherwise
            // each call faults its pages back in, each fault a cross-core TLB flush. Where the
            // kernel has PAGEMAP_SCAN (Linux 6.7+), only the pages a call dirtied are reset: the
            // whole region's memset was half of an empty call's time (perf); elsewhere it stays.
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT)
            .pagemap_scan(wasmtime::Enabled::Auto);
        config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
        // Each call starts from the component's initial memory as a copy-on-write image.
        config.memory_init_cow(true);
    }
    config
}

impl PluginHost {
    /// A host with `limits`, caching compiled components in `cache` (none: always compile).
    pub fn new(limits: Limits, cache: Option<ComponentCache>) -> Result<Self, PluginError> {
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get).clamp(1, 16);
        // Every call runs on a pool thread, so at most `threads` instances live at once; two more
        // slots cover a call finishing while the next starts.
        let calls = u32::try_from(threads).unwrap_or(16) + 2;
        // A machine that cannot reserve the pool's address space still runs templates, each call
        // mapping its own memory as before.
        let engine = Engine::new(&engine_config(&limits, Some(calls)))
            .or_else(|_| Engine::new(&engine_config(&limits, None)))
            .map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(8 << 20)
            .thread_name(|i| format!("plugin-{i}"))
            .build()
            .map_err(|e| PluginError::Engine(format!("无法启动插件线程：{e}")))?;
        let ticker = Ticker::start(engine.clone())?;
        let mut linker = Linker::new(&engine);
        v1_0::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
            .map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        v1_1::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
            .map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        v1_2::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
            .map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        v1_3::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
            .map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        Ok(Self { engine, linker, limits, cache, workers, ticker })
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Compiles (or takes from the cache), checks the contract version and imports, and calls
    /// `describe`. `name` is used in messages (a file name or an id).
    pub fn load(&self, bytes: &[u8], name: &str) -> Result<Plugin, PluginError> {
        if !bytes.starts_with(b"\0asm") {
            return Err(PluginError::NotWasm(name.to_owned()));
        }
        // Byte 4..8: version 0x01 0x00 0x00 0x00 marks a core module; components use layer 1.
        if bytes.get(4..8) == Some(&[1, 0, 0, 0]) {
            return Err(PluginError::CoreModule(name.to_owned()));
        }
        let sha256: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let started = Instant::now();
        let (component, cached) = cache::load_or_compile(&self.engine, self.cache.as_ref(), bytes, &sha256, name)?;
        let compile = started.elapsed();
        let (api_version, contract) = self.check_interface(&component)?;
        let instance_pre =
            self.linker.instantiate_pre(&component).map_err(|e| PluginError::Interface(format!("{e:#}")))?;
        let interface = |e: wasmtime::Error| PluginError::Interface(format!("{e:#}"));
        let pre = match contract {
            Contract::V1_0 => Pre::V1_0(v1_0::PluginPre::new(instance_pre).map_err(interface)?),
            Contract::V1_1 => Pre::V1_1(v1_1::PluginPre::new(instance_pre).map_err(interface)?),
            Contract::V1_2 => Pre::V1_2(v1_2::PluginPre::new(instance_pre).map_err(interface)?),
            Contract::V1_3 => Pre::V1_3(v1_3::PluginPre::new(instance_pre).map_err(interface)?),
        };
        let started = Instant::now();
        let cancel = CancelToken::new();
        let info = match &pre {
            Pre::V1_0(pre) => {
                let (info, ..) = self.call(&cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_describe(&mut *store)
                })?;
                v1_0::info(&info)?
            }
            Pre::V1_1(pre) => {
                let (info, ..) = self.call(&cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_describe(&mut *store)
                })?;
                v1_1::info(&info)?
            }
            Pre::V1_2(pre) => {
                let (info, ..) = self.call(&cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_describe(&mut *store)
                })?;
                v1_2::info(&info)?
            }
            Pre::V1_3(pre) => {
                self.call(&cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_describe(&mut *store)
                })?
                .0
            }
        };
        let describe = started.elapsed();
        check_info(&info)?;
        Ok(Plugin { pre, info, api_version, sha256, load: LoadStats { cached, compile, describe } })
    }

    /// The contract version of the template export; refuses foreign imports (WASI and the like).
    fn check_interface(&self, component: &Component) -> Result<(String, Contract), PluginError> {
        let ty = component.component_type();
        for (name, _) in ty.imports(&self.engine) {
            let ours = name.starts_with("zhibu:plugin/host@") || name.starts_with("zhibu:plugin/types@");
            if !ours {
                return Err(PluginError::Interface(format!(
                    "需要本程序不提供的接口 {name}；插件只能使用 zhibu:plugin/host"
                )));
            }
        }
        let export = ty
            .exports(&self.engine)
            .map(|(name, _)| name.to_owned())
            .find(|name| name.starts_with("zhibu:plugin/template@"))
            .ok_or_else(|| PluginError::Interface("没有导出 zhibu:plugin/template 接口".to_owned()))?;
        let version = export.trim_start_matches("zhibu:plugin/template@").to_owned();
        match api_binding(&version) {
            Some(contract) => Ok((version, contract)),
            None => Err(PluginError::ApiVersion { found: version, supported: SUPPORTED_API.to_owned() }),
        }
    }

    /// `each(0) … each(n - 1)` across the host's call threads, results in index order: a batch's
    /// renders (and what goes with them, its Word files) use every core, and a render inside
    /// runs on the thread it is on instead of queueing for another.
    pub fn in_parallel<T: Send>(&self, n: usize, each: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
        use rayon::prelude::*;
        self.workers.install(|| (0..n).into_par_iter().map(each).collect())
    }

    /// As [`Self::in_parallel`], each call thread with its own `init()` (a read connection, say),
    /// made once per thread that takes an item, the items handed out one at a time so a thread
    /// that finishes early takes the next. Splitting the range the usual way made a fresh
    /// state for every piece stolen: ten read connections for a 50-branch batch on two cores,
    /// each paying the schema parse and a cold page cache again. Each state goes to `done`
    /// when its thread has no more items (a connection given back to be kept, say).
    pub fn in_parallel_with<S, T: Send>(
        &self,
        n: usize,
        init: impl Fn() -> S + Sync + Send,
        each: impl Fn(&mut S, usize) -> T + Sync + Send,
        done: impl Fn(S) + Sync + Send,
    ) -> Vec<T> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let per_thread: Vec<Vec<(usize, T)>> = self.workers.broadcast(|_| {
            let mut made = Vec::new();
            let mut i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return made;
            }
            let mut state = init();
            while i < n {
                made.push((i, each(&mut state, i)));
                i = next.fetch_add(1, Ordering::Relaxed);
            }
            done(state);
            made
        });
        let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(n).collect();
        for (i, value) in per_thread.into_iter().flatten() {
            slots[i] = Some(value);
        }
        // Every index was taken by exactly one thread (a panic in one would have ended the
        // broadcast), so every slot is filled.
        slots.into_iter().flatten().collect()
    }

    /// Renders a document; the result is validated before it is returned.
    pub fn render(
        &self,
        plugin: &Plugin,
        request: &RenderRequest,
        cancel: &CancelToken,
    ) -> Result<RenderOutcome, PluginError> {
        let (result, log, fuel_used, elapsed) = match &plugin.pre {
            Pre::V1_0(pre) => {
                let request = v1_0::request(request)?;
                let (result, log, fuel, elapsed) = self.call(cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_render(&mut *store, &request)
                })?;
                (v1_0::output(&result)?, log, fuel, elapsed)
            }
            Pre::V1_1(pre) => {
                let request = v1_1::request(request)?;
                let (result, log, fuel, elapsed) = self.call(cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_render(&mut *store, &request)
                })?;
                (v1_1::output(&result)?, log, fuel, elapsed)
            }
            Pre::V1_2(pre) => {
                let request = v1_2::request(request)?;
                let (result, log, fuel, elapsed) = self.call(cancel, |store| {
                    pre.instantiate(&mut *store)?.zhibu_plugin_template().call_render(&mut *store, &request)
                })?;
                (v1_2::output(&result)?, log, fuel, elapsed)
            }
            Pre::V1_3(pre) => self.call(cancel, |store| {
                pre.instantiate(&mut *store)?.zhibu_plugin_template().call_render(&mut *store, request)
            })?,
        };
        match result.map_err(|e| PluginError::Render(render_error_text(&e)))? {
            v1_3::Output::Document(document) => {
                let document = v1_3::to_model(document);
                document::validate(&document, self.limits.output_bytes)?;
                Ok(RenderOutcome { document, docx: None, log, fuel_used, elapsed })
            }
            v1_3::Output::Docx(file) => {
                let document = docx::check(&file.title, &file.bytes, &docx::allowed_numbers(request), &self.limits)?;
                Ok(RenderOutcome { document, docx: Some(file.bytes), log, fuel_used, elapsed })
            }
        }
    }

    /// Runs `work` (which instantiates the template and calls it) in a fresh store on a worker thread.
    fn call<R: Send>(
        &self,
        cancel: &CancelToken,
        work: impl FnOnce(&mut Store<HostState>) -> wasmtime::Result<R> + Send,
    ) -> Result<(R, PluginLog, u64, Duration), PluginError> {
        let limits = self.limits;
        let _ticking = self.ticker.running();
        let run = || {
            let started = Instant::now();
            let state = HostState {
                memory_bytes: limits.memory_bytes,
                table_elements: limits.table_elements,
                denied: None,
                log: PluginLog::default(),
                log_lines: limits.log_lines,
                log_bytes: limits.log_bytes,
                stop: None,
            };
            let mut store = Store::new(&self.engine, state);
            store.limiter(|s| s as &mut dyn ResourceLimiter);
            // Fuel and deadline are set before instantiation: start functions run then.
            let fuel_set = store.set_fuel(limits.fuel);
            store.set_epoch_deadline(1);
            let deadline = started + limits.timeout;
            let token = cancel.clone();
            store.epoch_deadline_callback(move |mut ctx| {
                let stop = if token.is_cancelled() {
                    Some(Stop::Cancelled)
                } else if Instant::now() >= deadline {
                    Some(Stop::Timeout)
                } else {
                    None
                };
                match stop {
                    Some(stop) => {
                        ctx.data_mut().stop = Some(stop);
                        Ok(UpdateDeadline::Interrupt)
                    }
                    None => Ok(UpdateDeadline::Continue(1)),
                }
            });
            let result = fuel_set.and_then(|()| work(&mut store));
            let fuel_used = limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
            let elapsed = started.elapsed();
            let state = store.into_data();
            (result, state.log, state.stop, state.denied, fuel_used, elapsed)
        };
        // On a pool thread (inline when the caller is one already, as in a parallel batch). A
        // panic of the host's own code there is reported, not propagated: guest faults are traps.
        let joined = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.workers.install(run)))
            .map_err(|_| PluginError::Engine("插件线程异常退出".to_owned()));
        let (result, log, stop, denied, fuel_used, elapsed) = joined?;
        match result {
            Ok(value) => Ok((value, log, fuel_used, elapsed)),
            Err(error) => Err(classify(&error, stop, denied, &log, &limits)),
        }
    }
}

/// Maps a failed call to what the user needs to know, from what the host itself recorded (why
/// the epoch callback stopped it, which limit the limiter refused) and wasmtime's trap codes; the
/// error's text is only ever shown, never matched.
fn classify(
    error: &wasmtime::Error,
    stop: Option<Stop>,
    denied: Option<Denied>,
    log: &PluginLog,
    limits: &Limits,
) -> PluginError {
    match stop {
        Some(Stop::Cancelled) => return PluginError::Cancelled,
        Some(Stop::Timeout) => return PluginError::Timeout(limits.timeout.as_secs().max(1)),
        None => {}
    }
    match denied {
        Some(Denied::Memory) => return PluginError::OutOfMemory(limits.memory_bytes >> 20),
        Some(Denied::Table) => return PluginError::Crashed("表元素数量超出限制".to_owned()),
        None => {}
    }
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => return PluginError::OutOfFuel,
        Some(wasmtime::Trap::StackOverflow) => return PluginError::StackOverflow,
        Some(wasmtime::Trap::Interrupt) => return PluginError::Timeout(limits.timeout.as_secs().max(1)),
        _ => {}
    }
    match log.last_error() {
        Some(message) => PluginError::Crashed(message.to_owned()),
        None => {
            let text = format!("{error:#}");
            PluginError::Crashed(text.lines().next().unwrap_or("未知错误").to_owned())
        }
    }
}

/// A render error as one Chinese line.
pub fn render_error_text(error: &RenderError) -> String {
    match error {
        RenderError::InvalidParameter((key, why)) => format!("参数 {key} 不正确：{why}"),
        RenderError::MissingData(what) => format!("缺少数据：{what}"),
        RenderError::Failed(why) => why.clone(),
    }
}

/// Checks the description a template gives of itself.
fn check_info(info: &TemplateInfo) -> Result<(), PluginError> {
    let id_ok = !info.id.is_empty()
        && info.id.len() <= 64
        && info.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(PluginError::InvalidInfo(format!("模板标识只能由小写字母、数字和连字符组成：{}", info.id)));
    }
    if info.name.trim().is_empty() || info.name.chars().count() > 60 {
        return Err(PluginError::InvalidInfo(format!("模板名称应为1至60字：{}", info.name)));
    }
    let mut keys = std::collections::HashSet::new();
    for param in &info.parameters {
        if param.key.is_empty() || !keys.insert(param.key.as_str()) {
            return Err(PluginError::InvalidInfo(format!("参数标识为空或重复：{}", param.key)));
        }
        if param.kind == ParamKind::Choice && param.choices.is_empty() {
            return Err(PluginError::InvalidInfo(format!("选择型参数没有可选项：{}", param.key)));
        }
    }
    Ok(())
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String, PluginError> {
    let bytes = std::fs::read(path).map_err(|source| PluginError::Io { path: path.to_owned(), source })?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}
