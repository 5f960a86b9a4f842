//! The relay benchmark: the plugin's chat core against a plain twitch-irc client, both fed by
//! the bundled server on loopback, and (if its app was built) delivery into a real webview.
//!
//! ```text
//! bash scripts/bench.sh          # quick mode, a few minutes
//! bash scripts/bench.sh --long   # the million-message flood and the ten-minute run
//! ```
//!
//! The binary is a driver that starts the server and, for every measurement, a child process
//! of itself (`--child <run>`), so each number belongs to one client alone. It prints one
//! table and exits 0 whatever the numbers are: it reports, it does not judge.

mod baseline;
mod child;
mod loopback;
mod plan;
mod plugin;
mod raw;
mod report;
mod resources;
mod run;
mod scenario;
mod server;
mod source;
mod webview;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: relay [--long] --server PATH [--webview-app PATH]

  --long              the 1,000,000-message flood and the 10-minute memory run
  --server PATH       the twitch-chat-server binary (release build)
  --webview-app PATH  the webview bench app (benches/webview), for the delivery comparison";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut settings = plan::Settings {
        long: false,
        server: PathBuf::new(),
        webview_app: None,
    };

    while let Some(arg) = args.next() {
        match arg.as_str() {
            child::CHILD_FLAG => {
                let spec = args.next().unwrap_or_default();
                return match child::serve(&spec) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(problem) => {
                        eprintln!("relay bench: {problem}");
                        ExitCode::FAILURE
                    }
                };
            }
            "--long" => settings.long = true,
            "--server" => settings.server = args.next().map(PathBuf::from).unwrap_or_default(),
            "--webview-app" => settings.webview_app = args.next().map(PathBuf::from),
            // `cargo bench` passes this to every bench binary.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("relay bench: unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    // `cargo test --all-targets` runs this binary with no arguments: nothing to measure then.
    if !settings.server.is_file() {
        eprintln!("relay bench: no server binary given, nothing measured; run scripts/bench.sh");
        return ExitCode::SUCCESS;
    }

    let (rows, notes) = plan::run_all(&settings);
    plan::print(&settings, &rows, &notes);
    ExitCode::SUCCESS
}
