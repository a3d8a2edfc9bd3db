//! The desktop window (egui/eframe): the only module that draws. Screens emit [`command::Command`]s;
//! `App::logic` carries them out through the store and the services, so no screen writes to
//! the database or runs a template itself.

pub mod app;
mod audit;
pub mod command;
pub mod committee;
mod dashboard;
mod dialogs;
mod dues;
mod elections;
pub mod fonts;
mod imports;
mod jobs;
mod meetings;
mod members;
mod ops;
mod orgs;
mod picker;
mod plugins;
mod ratings;
mod reporting;
mod reports;
mod reviews;
mod settings;
mod tour;
mod volunteer;
mod widgets;
mod worker;
pub mod workspace;

pub use app::{App, Screen};
pub use command::Command;
pub use jobs::{JobRequest, Target};
pub use reporting::SyncRequest;
pub use workspace::{Data, Paths, Workspace};

use anyhow::{Context as _, Result};
use std::path::PathBuf;

/// How the window is started (from `zhibu` without a subcommand).
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// Save a screenshot of each listed screen to this folder, then close (used by scripts/screenshots.sh).
    pub screenshots: Option<PathBuf>,
    /// Force the glow (OpenGL) renderer instead of wgpu.
    pub glow: bool,
    /// When the program started: with `screenshots`, the time to the first frame is printed.
    pub started: Option<std::time::Instant>,
}

/// Opens the main window and runs it until the user closes it.
///
/// wgpu is tried first; if it cannot start (no adapter on a remote-desktop session, say) the
/// program starts itself again with glow, since one process can create only one event loop.
pub fn run(paths: Paths, operator: Option<String>, launch: LaunchOptions) -> Result<()> {
    let options = native_options("支部工作台", &launch);
    let renderer = options.renderer;
    let result = eframe::run_native(
        "支部工作台",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            let mut app = App::open(paths, operator);
            if let Some(dir) = launch.screenshots.clone() {
                app.start_screenshot_tour(dir, launch.started);
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => Ok(()),
        Err(error) if renderer == eframe::Renderer::Wgpu && std::env::var_os("ZHIBU_RENDERER").is_none() => {
            tracing_fallback(&error);
            let exe = std::env::current_exe().context("找不到程序自身的路径")?;
            let status = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("ZHIBU_RENDERER", "glow")
                .status()
                .context("无法以 OpenGL 方式重新启动")?;
            if status.success() { Ok(()) } else { anyhow::bail!("窗口无法启动（OpenGL 方式也失败）") }
        }
        Err(error) => Err(anyhow::anyhow!("窗口无法启动：{error}")),
    }
}

/// Opens the committee's window on its database at `url` (`zhibu --committee URL`).
/// Its documents are rendered by the templates in `plugins_dir` (compiled ones cached in `cache_dir`).
pub fn run_committee(url: String, plugins_dir: PathBuf, cache_dir: PathBuf, launch: LaunchOptions) -> Result<()> {
    let options = native_options("支部工作台 · 上级党组织", &launch);
    eframe::run_native(
        "支部工作台 · 上级党组织",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            let mut app = committee::CommitteeApp::new(url).with_templates(plugins_dir, cache_dir);
            if let Some(dir) = launch.screenshots.clone() {
                app.start_screenshot_tour(dir, launch.started);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|error| anyhow::anyhow!("窗口无法启动：{error}"))
}

/// The window's options: its title, size and icon, and the renderer (glow when asked for, on the
/// command line or by `ZHIBU_RENDERER=glow`, else wgpu).
fn native_options(title: &str, launch: &LaunchOptions) -> eframe::NativeOptions {
    let renderer = if launch.glow || std::env::var_os("ZHIBU_RENDERER").is_some_and(|r| r == "glow") {
        eframe::Renderer::Glow
    } else {
        eframe::Renderer::Wgpu
    };
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_inner_size([1280.0, 760.0])
            .with_min_inner_size([960.0, 600.0])
            .with_icon(window_icon()),
        renderer,
        ..Default::default()
    }
}

/// The window and taskbar icon: the same drawing as zhibu.exe's resource icon (scripts/make-icon.sh).
fn window_icon() -> egui::IconData {
    decode_icon(include_bytes!("../../assets/icon/zhibu-256.png")).unwrap_or_default()
}

/// RGBA pixels of a PNG; `None` for anything but 8-bit RGBA (then eframe shows no icon rather than failing).
fn decode_icon(bytes: &[u8]) -> Option<egui::IconData> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().ok()?;
    let mut rgba = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut rgba).ok()?;
    (info.color_type == png::ColorType::Rgba && info.bit_depth == png::BitDepth::Eight).then(|| {
        rgba.truncate(info.buffer_size());
        egui::IconData { rgba, width: info.width, height: info.height }
    })
}

fn tracing_fallback(error: &eframe::Error) {
    eprintln!("wgpu 无法启动（{error}），改用 OpenGL 重新启动");
}
