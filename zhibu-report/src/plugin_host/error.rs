//! The plugin host's error type: every way a plugin can fail, worded for the user.

use std::path::PathBuf;

/// Why a plugin could not be loaded, run or trusted. The host keeps working after any of these.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The bytes are not WebAssembly at all.
    #[error("不是 WebAssembly 插件文件（文件头不是 \\0asm）：{0}")]
    NotWasm(String),
    /// A core WebAssembly module, not a component.
    #[error("这是 WebAssembly 核心模块而不是组件，请用 zhibu plugin build 打包：{0}")]
    CoreModule(String),
    /// The component could not be compiled.
    #[error("插件无法加载（{detail}）：{name}")]
    Compile {
        /// What the compiler said.
        detail: String,
        /// The plugin file or id.
        name: String,
    },
    /// The plugin implements an interface version this host does not support.
    #[error("插件接口版本 {found} 不受支持（本程序支持 {supported}）")]
    ApiVersion {
        /// The version the plugin exports.
        found: String,
        /// The versions this host supports.
        supported: String,
    },
    /// The plugin lacks the template export or needs imports the host does not offer.
    #[error("插件接口不符（{0}）")]
    Interface(String),
    /// It ran longer than the wall-clock limit.
    #[error("插件运行超过{0}秒，已终止")]
    Timeout(u64),
    /// The user cancelled it.
    #[error("已取消插件运行")]
    Cancelled,
    /// It used up its computation budget (an endless loop, most likely).
    #[error("插件计算量超出限制，已终止（可能陷入死循环）")]
    OutOfFuel,
    /// It tried to use more memory than allowed.
    #[error("插件内存用量超出限制（{0} MB），已终止")]
    OutOfMemory(usize),
    /// Its recursion ran out of stack.
    #[error("插件递归过深（栈溢出），已终止")]
    StackOverflow,
    /// It panicked or trapped; the message is the plugin's panic message when it sent one.
    #[error("插件运行出错：{0}")]
    Crashed(String),
    /// The template refused the request.
    #[error("模板无法生成文档：{0}")]
    Render(String),
    /// The returned document breaks the document model's rules; nothing is exported.
    #[error("插件返回的文档不合规（{0}），已拒绝导出")]
    InvalidDocument(#[from] crate::document::InvalidDocument),
    /// The filled Word file the template returned was refused (see `plugin_host::docx`); nothing
    /// is written.
    #[error("插件返回的 Word 文件不合规，已拒绝导出：{0}")]
    InvalidDocx(String),
    /// The plugin's description is unusable.
    #[error("插件描述信息不合规（{0}）")]
    InvalidInfo(String),
    /// The package's manifest is missing or wrong.
    #[error("插件清单 plugin.toml 有误（{detail}）：{path}")]
    Manifest {
        /// What is wrong.
        detail: String,
        /// The package.
        path: PathBuf,
    },
    /// The wasm's hash differs from the manifest's.
    #[error("插件文件校验值与清单不符（清单 {expected}，实际 {actual}），可能已被篡改：{path}")]
    HashMismatch {
        /// From plugin.toml.
        expected: String,
        /// Computed.
        actual: String,
        /// The wasm file.
        path: PathBuf,
    },
    /// Another plugin has the same id.
    #[error("插件标识已被占用：{0}")]
    IdClash(String),
    /// The template asks for records its package was not granted.
    #[error("模板需要未获授权的数据（{0}）")]
    NotPermitted(String),
    /// No plugin with this id.
    #[error("没有找到模板：{0}")]
    UnknownTemplate(String),
    /// Reading or writing a plugin file failed.
    #[error("插件文件读写失败（{source}）：{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The engine could not be set up (a bug or an unsupported machine).
    #[error("插件运行环境初始化失败：{0}")]
    Engine(String),
}
