//! Measured runs as child processes of the driver: one process per client and run, so that
//! `getrusage` and the resident high-water mark describe that client alone.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::baseline::TwitchIrcClient;
use crate::plugin::PluginRelay;
use crate::raw::RawReader;
use crate::run::{Outcome, Run, Side};
use crate::scenario;
use crate::server;

/// The flag that makes the bench binary a measured child instead of the driver.
pub const CHILD_FLAG: &str = "--child";

/// Time a child gets beyond its own limit before the driver stops it.
const GRACE: Duration = Duration::from_secs(30);

/// A child process running one measurement.
pub struct ChildRun {
    child: Child,
    /// Collects the child's stdout, so a large outcome never blocks it on a full pipe.
    stdout: Option<JoinHandle<String>>,
    limit: Duration,
}

impl ChildRun {
    /// Starts this same binary with `--child <run as JSON>`.
    pub fn start(run: &Run) -> Result<ChildRun, String> {
        let exe = std::env::current_exe().map_err(|error| format!("no own path: {error}"))?;
        let spec = serde_json::to_string(run).map_err(|error| error.to_string())?;
        let mut child = Command::new(exe)
            .args([CHILD_FLAG, &spec])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start a measured run: {error}"))?;

        let stdout = child.stdout.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        });
        Ok(ChildRun {
            child,
            stdout,
            limit: Duration::from_secs(run.time_limit_seconds) + GRACE,
        })
    }

    /// Waits for the outcome; stops the child if it overruns its limit.
    pub fn finish(mut self) -> Result<Outcome, String> {
        let started = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() < self.limit => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    server::stop(&mut self.child, Duration::from_secs(2));
                    break None;
                }
            }
        };
        let output = self
            .stdout
            .take()
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default();

        match status {
            None => Err("the run overran its time limit and was stopped".to_string()),
            Some(status) if !status.success() => Err(format!("the run crashed ({status})")),
            Some(_) => serde_json::from_str(output.lines().last().unwrap_or_default())
                .map_err(|error| format!("the run reported nothing readable: {error}")),
        }
    }
}

/// Runs one measurement in one process and waits for it.
pub fn measure(run: &Run) -> Result<Outcome, String> {
    ChildRun::start(run)?.finish()
}

/// The child's side: runs `spec` on a default multi-thread runtime (the kind Tauri and
/// twitch-irc users run) and prints the outcome as one JSON line.
pub fn serve(spec: &str) -> Result<(), String> {
    let run: Run = serde_json::from_str(spec).map_err(|error| format!("bad run: {error}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no runtime: {error}"))?;

    // The consumer runs as a task on the workers, as the plugin's pump does in an app.
    let outcome = runtime.block_on(async move {
        let measured = match run.side {
            Side::Plugin => tokio::spawn(scenario::measure::<PluginRelay>(run)).await,
            Side::Baseline => tokio::spawn(scenario::measure::<TwitchIrcClient>(run)).await,
            Side::Raw => tokio::spawn(scenario::measure::<RawReader>(run)).await,
        };
        measured.unwrap_or_else(|error| Outcome {
            problem: Some(format!("the measuring task failed: {error}")),
            ..Outcome::default()
        })
    });
    runtime.shutdown_timeout(Duration::from_secs(2));

    let line = serde_json::to_string(&outcome).map_err(|error| error.to_string())?;
    println!("{line}");
    Ok(())
}
