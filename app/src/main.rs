//! The `zhibu` binary: hands the command line to [`zhibu::cli`] and turns an error into a
//! Chinese message and a non-zero exit code.
//!
//! On Windows the release build is a GUI program (no console window flashes up behind the
//! desktop window); the command-line subcommands print by attaching to the console they were
//! started from, and an error that stops the window from opening is shown in a message box,
//! since nobody would see it on a console.

// Only in release: a debug build keeps its console for panics and logs during development.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(windows)]
    console::attach_to_parent();
    let cli = zhibu::cli::Cli::parse();
    let opens_window = cli.command.is_none();
    match zhibu::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误：{error:#}");
            if opens_window {
                #[cfg(windows)]
                console::show_error(&format!("{error:#}"));
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(windows)]
mod console {
    //! The Windows console and message-box edge of the binary.

    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_OUTPUT_HANDLE};

    /// Attaches to the console of the program that started us (cmd.exe, PowerShell), so that
    /// `zhibu.exe compliance` prints there. Skipped when standard output is already a file or a
    /// pipe (`zhibu.exe compliance --json > 结果.json`): attaching would not change where it goes,
    /// and started from Explorer there is no parent console, which AttachConsole reports by failing.
    #[allow(unsafe_code)]
    pub fn attach_to_parent() {
        // SAFETY: both calls take plain values and only read or set this process's standard
        // handles; a failure is reported through the return value, which we may ignore (the
        // program then simply has no console, as before the call).
        unsafe {
            if GetStdHandle(STD_OUTPUT_HANDLE).is_null() {
                AttachConsole(ATTACH_PARENT_PROCESS);
            }
        }
    }

    /// Shows why the window could not open, for a user who double-clicked zhibu.exe.
    pub fn show_error(message: &str) {
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("支部工作台无法启动")
            .set_description(message)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
}
