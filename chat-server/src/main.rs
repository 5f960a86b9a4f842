//! `twitch-chat-server`: runs the loopback chat server from the command line, for the demo,
//! manual testing and benchmark scripts.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use twitch_chat_server::{load_replay_file, ChatServer, Feed, Mix, ServerConfig};

const USAGE: &str = "\
usage: twitch-chat-server [options]

Serves Twitch-like IRC chat on 127.0.0.1 only.

  --port N               port to listen on (default 6667, 0 = any free port)
  --rate R               lines per second per channel (default 5, 0 = as fast as possible)
  --limit N              stop each channel's feed after N chat messages
  --mix chat|realistic   chat only, or chat with subs, raids, timeouts... (default realistic)
  --replay FILE          replay the lines of FILE (.jsonl corpus or raw lines) instead
  --repeat               with --replay: start over at the end
  --unknown-channel NAME answer JOIN #NAME as Twitch does for a suspended channel (repeatable)
  --ping-interval SECS   how often the server PINGs each client (default 60, 0 = never)
  -h, --help             print this help

Prints `listening on irc://127.0.0.1:PORT` on stdout once ready; stops on Ctrl-C or SIGTERM.";

/// What the command line asked for.
struct Options {
    /// Port on 127.0.0.1.
    port: u16,
    /// Lines per second per channel; `None` floods.
    rate: Option<f64>,
    /// Chat messages per channel before the feed stops.
    limit: Option<u64>,
    /// Kind of generated lines.
    mix: Mix,
    /// Corpus to replay instead of generating.
    replay: Option<PathBuf>,
    /// Replay in a loop.
    repeat: bool,
    /// Channels answered as suspended.
    unknown_channels: Vec<String>,
    /// Server PING period.
    ping_interval: Duration,
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: 6667,
        rate: Some(5.0),
        limit: None,
        mix: Mix::Realistic,
        replay: None,
        repeat: false,
        unknown_channels: Vec::new(),
        ping_interval: Duration::from_secs(60),
    };

    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                options.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port takes a number from 0 to 65535".to_owned())?;
            }
            "--rate" => {
                let rate: f64 = value("--rate")?
                    .parse()
                    .map_err(|_| "--rate takes a number of lines per second".to_owned())?;
                if !rate.is_finite() || rate < 0.0 {
                    return Err("--rate takes a number of 0 or more (0 = flood)".to_owned());
                }
                options.rate = (rate > 0.0).then_some(rate);
            }
            "--limit" => {
                options.limit = Some(
                    value("--limit")?
                        .parse()
                        .map_err(|_| "--limit takes a whole number of messages".to_owned())?,
                );
            }
            "--mix" => {
                options.mix = match value("--mix")?.as_str() {
                    "chat" => Mix::ChatOnly,
                    "realistic" => Mix::Realistic,
                    other => return Err(format!("--mix takes chat or realistic, not {other}")),
                };
            }
            "--replay" => options.replay = Some(PathBuf::from(value("--replay")?)),
            "--repeat" => options.repeat = true,
            "--unknown-channel" => options.unknown_channels.push(value("--unknown-channel")?),
            "--ping-interval" => {
                let secs: f64 = value("--ping-interval")?
                    .parse()
                    .map_err(|_| "--ping-interval takes a number of seconds".to_owned())?;
                options.ping_interval = Duration::try_from_secs_f64(secs)
                    .map_err(|_| "--ping-interval takes 0 or more seconds".to_owned())?;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("twitch-chat-server: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let feed = match &options.replay {
        Some(path) => match load_replay_file(path) {
            Ok(lines) => Feed::Replay {
                lines,
                rate: options.rate,
                repeat: options.repeat,
            },
            Err(e) => {
                eprintln!("twitch-chat-server: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => Feed::Generated {
            rate: options.rate,
            limit: options.limit,
            mix: options.mix,
        },
    };
    let config = ServerConfig {
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, options.port)),
        feed,
        unknown_channels: options.unknown_channels,
        ping_interval: options.ping_interval,
        ..ServerConfig::default()
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("twitch-chat-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config))
}

async fn serve(config: ServerConfig) -> ExitCode {
    let server = match ChatServer::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("twitch-chat-server: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };

    // Scripts read this one line to learn the port; nothing else goes to stdout.
    let mut stdout = std::io::stdout();
    let announced =
        writeln!(stdout, "listening on {}", server.endpoint()).and_then(|()| stdout.flush());
    if let Err(e) = announced {
        eprintln!("twitch-chat-server: cannot write to stdout: {e}");
    }

    stop_requested().await;
    eprintln!("twitch-chat-server: stopping");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C, or SIGTERM where there is one.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
