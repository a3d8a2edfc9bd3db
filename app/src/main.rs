//! The `zhibu` binary: hands the command line to [`zhibu::cli`] and turns an error into a
//! Chinese message and a non-zero exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = zhibu::cli::Cli::parse();
    match zhibu::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误：{error:#}");
            ExitCode::FAILURE
        }
    }
}
