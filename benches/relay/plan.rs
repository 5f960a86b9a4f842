//! The driver: which runs happen in which mode, in which order, against which server, and how
//! their outcomes become rows of the table. Every run has a message count and a time limit.

use std::path::PathBuf;

use crate::child::{self, ChildRun};
use crate::report::{self, megabytes, number, ratio, verdict, Row};
use crate::run::{Outcome, Run, Scenario, Side};
use crate::server::{Feed, ServerProcess};
use crate::webview;

/// The channel every run joins; each run has a server of its own.
const CHANNEL: &str = "benchchannel";

/// How much to run. The quick mode is the default and what CI runs.
pub struct Settings {
    pub long: bool,
    /// The `twitch-chat-server` binary.
    pub server: PathBuf,
    /// The webview bench app, if it was built.
    pub webview_app: Option<PathBuf>,
}

struct Sizes {
    /// Messages per throughput run, and how many runs per client (the median counts).
    throughput_count: u64,
    throughput_repeats: usize,
    flood_count: u64,
    flood_repeats: usize,
    latency_rate: u32,
    latency_seconds: u64,
    residency_seconds: u64,
    residency_every: u64,
    webview_count: u64,
}

impl Sizes {
    fn for_mode(long: bool) -> Sizes {
        Sizes {
            throughput_count: 300_000,
            throughput_repeats: if long { 5 } else { 3 },
            flood_count: if long { 1_000_000 } else { 200_000 },
            flood_repeats: 3,
            latency_rate: 1_000,
            latency_seconds: 10,
            residency_seconds: if long { 600 } else { 60 },
            residency_every: if long { 30 } else { 10 },
            webview_count: 100_000,
        }
    }
}

/// Runs everything and returns the table's rows and the notes under it.
pub fn run_all(settings: &Settings) -> (Vec<Row>, Vec<String>) {
    let sizes = Sizes::for_mode(settings.long);
    let mut rows = Vec::new();
    let mut notes = Vec::new();

    throughput(settings, &sizes, &mut rows, &mut notes);
    flood(settings, &sizes, &mut rows, &mut notes);
    latency(settings, &sizes, &mut rows, &mut notes);
    residency(settings, &sizes, &mut rows, &mut notes);
    webview::compare(
        settings.webview_app.as_deref(),
        &settings.server,
        sizes.webview_count,
        &mut rows,
        &mut notes,
    );
    (rows, notes)
}

/// One client, one run, one server of its own.
fn measure(settings: &Settings, side: Side, scenario: Scenario, feed: Feed, limit: u64) -> Outcome {
    let result = ServerProcess::start(&settings.server, feed).and_then(|server| {
        child::measure(&Run {
            side,
            scenario,
            endpoint: server.endpoint().to_string(),
            channel: CHANNEL.to_string(),
            time_limit_seconds: limit,
        })
    });
    let outcome = result.unwrap_or_else(|problem| Outcome {
        problem: Some(problem),
        ..Outcome::default()
    });
    progress(side, &scenario, &outcome);
    outcome
}

fn progress(side: Side, scenario: &Scenario, outcome: &Outcome) {
    let what = match scenario {
        Scenario::Throughput { .. } => format!(
            "{} msg/s, {} CPU s per 100k",
            number(outcome.rate(), 0),
            number(outcome.cpu_per_100k(), 3)
        ),
        Scenario::Flood { .. } => format!(
            "peak RSS {} MB, {} received, {} reported lost",
            megabytes(outcome.peak_rss_bytes),
            number(outcome.messages as f64, 0),
            number(outcome.dropped as f64, 0)
        ),
        Scenario::Latency { .. } => format!(
            "p50 {} ms, p99 {} ms",
            number(outcome.latency_quantile(0.5), 1),
            number(outcome.latency_quantile(0.99), 1)
        ),
        Scenario::Residency { .. } => format!(
            "RSS spread {} MB over {} samples",
            megabytes(outcome.rss_spread()),
            outcome.rss_samples.len()
        ),
    };
    let problem = outcome
        .problem
        .as_deref()
        .map_or(String::new(), |problem| format!(" ({problem})"));
    eprintln!("bench: {:?} {}: {what}{problem}", scenario, side.name());
}

fn throughput(settings: &Settings, sizes: &Sizes, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let count = sizes.throughput_count;
    let scenario = Scenario::Throughput { count };
    let flood = Feed {
        rate: None,
        limit: count,
    };

    let ceiling = measure(settings, Side::Raw, scenario, flood, 120);
    let mut plugin = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..sizes.throughput_repeats {
        plugin.push(measure(settings, Side::Plugin, scenario, flood, 120));
        baseline.push(measure(settings, Side::Baseline, scenario, flood, 120));
    }

    let rate_p = median(plugin.iter().map(Outcome::rate));
    let rate_b = median(baseline.iter().map(Outcome::rate));
    let (rate_ratio, rate_value) = ratio(rate_p, rate_b);
    rows.push(Row {
        metric: format!(
            "1. throughput, msg/s (median of {} x {})",
            sizes.throughput_repeats,
            number(count as f64, 0)
        ),
        plugin: number(rate_p, 0),
        baseline: number(rate_b, 0),
        ratio: rate_ratio,
        target: ">= 1.5x".into(),
        met: verdict(rate_value.map(|r| r >= 1.5)),
    });

    let cpu_p = median(plugin.iter().map(Outcome::cpu_per_100k));
    let cpu_b = median(baseline.iter().map(Outcome::cpu_per_100k));
    let (cpu_ratio, cpu_value) = ratio(cpu_p, cpu_b);
    rows.push(Row {
        metric: "1. CPU seconds per 100,000 msgs (client process)".into(),
        plugin: number(cpu_p, 3),
        baseline: number(cpu_b, 3),
        ratio: cpu_ratio,
        target: "<= 0.5x".into(),
        met: verdict(cpu_value.map(|r| r <= 0.5)),
    });

    let incomplete = plugin
        .iter()
        .chain(&baseline)
        .filter(|o| !o.complete || o.dropped > 0)
        .count();
    let batch_events = plugin
        .iter()
        .map(|o| o.messages as f64 / o.deliveries.max(1) as f64)
        .sum::<f64>()
        / plugin.len().max(1) as f64;
    notes.push(format!(
        "1. server ceiling (raw socket counting chat lines, no parsing): {} msg/s; \
         plugin batches held {} events on average; {} of {} runs incomplete or lossy",
        number(ceiling.rate(), 0),
        number(batch_events, 1),
        incomplete,
        plugin.len() + baseline.len()
    ));
}

fn flood(settings: &Settings, sizes: &Sizes, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let count = sizes.flood_count;
    let scenario = Scenario::Flood { count };
    let feed = Feed {
        rate: None,
        limit: count,
    };

    // The peak depends on how the allocator's arenas happen to be used, so it varies from run
    // to run; the highest of a few runs is reported.
    let mut plugin = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..sizes.flood_repeats {
        plugin.push(measure(settings, Side::Plugin, scenario, feed, 300));
        baseline.push(measure(settings, Side::Baseline, scenario, feed, 300));
    }
    let peaks = |outcomes: &[Outcome]| {
        let mut peaks: Vec<f64> = outcomes
            .iter()
            .filter(|o| o.problem.is_none())
            .map(|o| o.peak_rss_bytes as f64 / 1e6)
            .collect();
        peaks.sort_by(f64::total_cmp);
        peaks
    };
    let peaks_p = peaks(&plugin);
    let peaks_b = peaks(&baseline);
    let peak_p = peaks_p.last().copied().unwrap_or(f64::NAN);
    let peak_b = peaks_b.last().copied().unwrap_or(f64::NAN);

    rows.push(Row {
        metric: format!(
            "2. peak RSS MB, flood of {} msgs, consumer never reads (max of {})",
            number(count as f64, 0),
            sizes.flood_repeats
        ),
        plugin: number(peak_p, 1),
        baseline: number(peak_b, 1),
        ratio: ratio(peak_p, peak_b).0,
        target: "plugin < 100 MB".into(),
        met: verdict(peak_p.is_finite().then_some(peak_p < 100.0)),
    });
    let list = |peaks: &[f64]| {
        peaks
            .iter()
            .map(|p| number(*p, 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kept = plugin.first().map_or(0, |o| o.messages);
    let lost = plugin.first().map_or(0, |o| o.dropped);
    let held = baseline.first().map_or(0, |o| o.messages);
    notes.push(format!(
        "2. peaks MB, plugin: {}; twitch-irc: {}. Afterwards the plugin's subscriber held {} \
         messages and reported {} lost (lagged); twitch-irc's queue held {}",
        list(&peaks_p),
        list(&peaks_b),
        number(kept as f64, 0),
        number(lost as f64, 0),
        number(held as f64, 0)
    ));
}

fn latency(settings: &Settings, sizes: &Sizes, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let count = u64::from(sizes.latency_rate) * sizes.latency_seconds;
    let scenario = Scenario::Latency { count };
    let feed = Feed {
        rate: Some(sizes.latency_rate),
        limit: count,
    };
    let limit = sizes.latency_seconds + 30;

    let plugin = measure(settings, Side::Plugin, scenario, feed, limit);
    let baseline = measure(settings, Side::Baseline, scenario, feed, limit);

    let title = format!(
        "at {} msg/s for {} s",
        number(f64::from(sizes.latency_rate), 0),
        sizes.latency_seconds
    );
    for (label, fraction, target) in [("p50", 0.5, None), ("p99", 0.99, Some(100.0))] {
        let value_p = plugin.latency_quantile(fraction);
        let value_b = baseline.latency_quantile(fraction);
        rows.push(Row {
            metric: format!("3. latency {label} ms, tmi-sent-ts to batch JSON, {title}"),
            plugin: number(value_p, 1),
            baseline: number(value_b, 1),
            ratio: ratio(value_p, value_b).0,
            target: target.map_or("-".into(), |t| format!("plugin < {t} ms")),
            met: verdict(target.and_then(|t| value_p.is_finite().then_some(value_p < t))),
        });
    }
    notes.push(format!(
        "3. tmi-sent-ts has millisecond resolution and is stamped per written chunk; the \
         plugin's batches wait up to 4 ms (batch_linger) for more events by design; \
         max {} ms plugin, {} ms twitch-irc",
        number(plugin.latency_quantile(1.0), 1),
        number(baseline.latency_quantile(1.0), 1)
    ));
}

fn residency(settings: &Settings, sizes: &Sizes, rows: &mut Vec<Row>, notes: &mut Vec<String>) {
    let seconds = sizes.residency_seconds;
    let scenario = Scenario::Residency {
        seconds,
        every_seconds: sizes.residency_every,
    };
    // Both clients at once, each on its own channel of one server: half the wall time.
    let per_channel = u64::from(sizes.latency_rate) * (seconds + 30);
    let feed = Feed {
        rate: Some(sizes.latency_rate),
        limit: per_channel,
    };
    let limit = seconds + 60;

    let outcomes = ServerProcess::start(&settings.server, feed).and_then(|server| {
        let start = |side: Side, channel: &str| {
            ChildRun::start(&Run {
                side,
                scenario,
                endpoint: server.endpoint().to_string(),
                channel: channel.to_string(),
                time_limit_seconds: limit,
            })
        };
        let plugin = start(Side::Plugin, "residency_plugin")?;
        let baseline = start(Side::Baseline, "residency_baseline");
        let plugin = plugin.finish();
        let baseline = baseline.and_then(ChildRun::finish);
        Ok((plugin, baseline))
    });
    let failed = |problem: String| Outcome {
        problem: Some(problem),
        ..Outcome::default()
    };
    let (plugin, baseline) = match outcomes {
        Ok((plugin, baseline)) => (
            plugin.unwrap_or_else(failed),
            baseline.unwrap_or_else(failed),
        ),
        Err(problem) => (failed(problem.clone()), failed(problem)),
    };
    progress(Side::Plugin, &scenario, &plugin);
    progress(Side::Baseline, &scenario, &baseline);

    let spread_p = plugin.rss_spread() as f64 / 1e6;
    let spread_b = baseline.rss_spread() as f64 / 1e6;
    let measured = plugin.rss_samples.len() >= 2;
    rows.push(Row {
        metric: format!(
            "4. RSS max-min MB, {seconds} s at {} msg/s, every {} s",
            number(f64::from(sizes.latency_rate), 0),
            sizes.residency_every
        ),
        plugin: number(spread_p, 1),
        baseline: number(spread_b, 1),
        ratio: ratio(spread_p, spread_b).0,
        target: "plugin <= 10 MB".into(),
        met: verdict(measured.then_some(spread_p <= 10.0)),
    });
    let load_p = 100.0 * plugin.cpu_seconds / plugin.seconds;
    let load_b = 100.0 * baseline.cpu_seconds / baseline.seconds;
    rows.push(Row {
        metric: format!(
            "4. CPU % of one core at {} msg/s",
            number(f64::from(sizes.latency_rate), 0)
        ),
        plugin: number(load_p, 1),
        baseline: number(load_b, 1),
        ratio: ratio(load_p, load_b).0,
        target: "-".into(),
        met: "-".into(),
    });
    let series = |outcome: &Outcome| {
        outcome
            .rss_samples
            .iter()
            .map(|(_, bytes)| megabytes(*bytes))
            .collect::<Vec<_>>()
            .join(" ")
    };
    notes.push(format!(
        "4. RSS samples MB, plugin: {}; twitch-irc: {}",
        series(&plugin),
        series(&baseline)
    ));
}

/// The median of finite values; NaN when there are none.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.filter(|v| v.is_finite() && *v > 0.0).collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The command line the table came from.
pub fn command_line() -> String {
    let given = std::env::var("RELAY_BENCH_COMMAND").map(|command| command.trim().to_string());
    given.unwrap_or_else(|_| {
        std::env::args()
            .filter(|arg| arg != "--bench")
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Prints the header, the table and the notes.
pub fn print(settings: &Settings, rows: &[Row], notes: &[String]) {
    println!();
    println!("{}", report::machine());
    println!("command: {}", command_line());
    println!(
        "mode: {} (release build; the server and each measured client in a process of its own)",
        if settings.long { "long" } else { "quick" }
    );
    println!();
    report::print_table(rows);
    println!();
    for note in notes {
        println!("{note}");
    }
}
