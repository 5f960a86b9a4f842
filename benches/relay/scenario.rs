//! The scenarios, written once for every client: each opens the client, receives, and
//! measures this process (CPU, memory) around it.

use std::time::Duration;

use tokio::time::{sleep, Instant};

use crate::resources;
use crate::run::{Outcome, Run, Scenario};
use crate::source::{Arrival, ChatSource, Received};

/// Runs `run` with client `S` and reports what it measured.
pub async fn measure<S: ChatSource>(run: Run) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(run.time_limit_seconds);
    let result = match run.scenario {
        Scenario::Throughput { count } => throughput::<S>(&run, count, deadline).await,
        Scenario::Flood { count } => flood::<S>(&run, count, deadline).await,
        Scenario::Latency { count } => latency::<S>(&run, count, deadline).await,
        Scenario::Residency {
            seconds,
            every_seconds,
        } => residency::<S>(&run, seconds, every_seconds, deadline).await,
    };
    let mut outcome = result.unwrap_or_else(|problem| Outcome {
        problem: Some(problem),
        ..Outcome::default()
    });
    if outcome.peak_rss_bytes == 0 {
        outcome.peak_rss_bytes = resources::peak_resident_bytes();
    }
    outcome
}

/// Receives `count` messages as fast as they come; time and CPU run from connecting to the
/// last message.
async fn throughput<S: ChatSource>(
    run: &Run,
    count: u64,
    deadline: Instant,
) -> Result<Outcome, String> {
    let cpu_before = resources::cpu_time();
    let started = Instant::now();
    let mut source = S::open(&run.endpoint, &run.channel)?;
    let mut arrival = Arrival::default();

    let ended = receive_until(&mut source, &mut arrival, deadline, |a| {
        a.messages + a.dropped >= count
    })
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = (resources::cpu_time() - cpu_before).as_secs_f64();
    source.close().await;

    Ok(Outcome {
        seconds,
        cpu_seconds,
        complete: arrival.messages + arrival.dropped >= count,
        problem: ended,
        ..counts(&arrival)
    })
}

/// Lets a flood of `count` messages arrive while nobody reads; afterwards takes what is
/// waiting, to check that every message was either kept or reported lost.
async fn flood<S: ChatSource>(run: &Run, count: u64, deadline: Instant) -> Result<Outcome, String> {
    // The flood is over when the process has gone quiet: every client spends well over a
    // microsecond of CPU per message, so less than that in all means it has not started, and
    // a second with almost no CPU means nothing more arrives.
    let least_cpu = Duration::from_micros(count);
    let quiet_for = Duration::from_secs(1);
    let idle_cpu = Duration::from_millis(20);
    let started = Instant::now();
    let cpu_before = resources::cpu_time();
    let mut source = S::open(&run.endpoint, &run.channel)?;

    let mut busy_until = Instant::now();
    let mut last_cpu = cpu_before;
    let mut last_check = Instant::now();
    let mut problem = None;
    loop {
        sleep(Duration::from_millis(50)).await;
        let cpu = resources::cpu_time();
        if cpu - last_cpu > idle_cpu.mul_f64(last_check.elapsed().as_secs_f64()) {
            busy_until = Instant::now();
        }
        last_cpu = cpu;
        last_check = Instant::now();
        if cpu - cpu_before >= least_cpu && busy_until.elapsed() >= quiet_for {
            break;
        }
        if Instant::now() >= deadline {
            problem = Some("the flood did not finish within the time limit".to_string());
            break;
        }
    }
    let seconds = (busy_until - started).as_secs_f64();
    let cpu_seconds = (last_cpu - cpu_before).as_secs_f64();
    // Measured before the check below, which allocates batches of its own.
    let peak = resources::peak_resident_bytes();

    let mut arrival = Arrival::default();
    while source.take_waiting(&mut arrival) {}
    source.close().await;
    Ok(Outcome {
        seconds,
        cpu_seconds,
        peak_rss_bytes: peak,
        complete: arrival.messages + arrival.dropped >= count,
        problem,
        ..counts(&arrival)
    })
}

/// Receives paced chat and keeps the latency of every message.
async fn latency<S: ChatSource>(
    run: &Run,
    count: u64,
    deadline: Instant,
) -> Result<Outcome, String> {
    let cpu_before = resources::cpu_time();
    let started = Instant::now();
    let mut source = S::open(&run.endpoint, &run.channel)?;
    let mut arrival = Arrival {
        latencies_ms: Some(Vec::with_capacity(count as usize)),
        ..Arrival::default()
    };

    let ended = receive_until(&mut source, &mut arrival, deadline, |a| {
        a.messages + a.dropped >= count
    })
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = (resources::cpu_time() - cpu_before).as_secs_f64();
    source.close().await;

    let mut latencies = arrival.latencies_ms.take().unwrap_or_default();
    latencies.sort_by(f64::total_cmp);
    Ok(Outcome {
        seconds,
        cpu_seconds,
        latencies_ms: latencies,
        complete: arrival.messages + arrival.dropped >= count,
        problem: ended,
        ..counts(&arrival)
    })
}

/// Receives paced chat for `seconds` and samples resident memory every `every_seconds`,
/// starting when the first message has arrived.
async fn residency<S: ChatSource>(
    run: &Run,
    seconds: u64,
    every_seconds: u64,
    deadline: Instant,
) -> Result<Outcome, String> {
    let mut source = S::open(&run.endpoint, &run.channel)?;
    let mut arrival = Arrival::default();
    if let Some(problem) =
        receive_until(&mut source, &mut arrival, deadline, |a| a.messages > 0).await
    {
        return Err(problem);
    }

    let cpu_before = resources::cpu_time();
    let first = Instant::now();
    let mut samples = vec![(0.0, resources::resident_bytes())];
    let mut problem = None;
    for step in 1..=seconds / every_seconds.max(1) {
        let due = first + Duration::from_secs(step * every_seconds);
        loop {
            match source.receive(&mut arrival, due.min(deadline)).await {
                Received::Delivery => {}
                Received::TimedOut => break,
                Received::Ended => {
                    problem = Some("the client stopped receiving".to_string());
                    break;
                }
            }
        }
        if problem.is_some() || Instant::now() >= deadline {
            break;
        }
        samples.push((first.elapsed().as_secs_f64(), resources::resident_bytes()));
    }
    let cpu_seconds = (resources::cpu_time() - cpu_before).as_secs_f64();
    let seconds = first.elapsed().as_secs_f64();
    source.close().await;

    Ok(Outcome {
        seconds,
        cpu_seconds,
        rss_samples: samples,
        complete: problem.is_none(),
        problem,
        ..counts(&arrival)
    })
}

/// Receives until `done` holds. `None` when it does, else why it stopped.
async fn receive_until<S: ChatSource>(
    source: &mut S,
    arrival: &mut Arrival,
    deadline: Instant,
    done: impl Fn(&Arrival) -> bool,
) -> Option<String> {
    while !done(arrival) {
        match source.receive(arrival, deadline).await {
            Received::Delivery => {}
            Received::TimedOut => return Some("the time limit passed first".to_string()),
            Received::Ended => return Some("the client stopped receiving".to_string()),
        }
    }
    None
}

fn counts(arrival: &Arrival) -> Outcome {
    Outcome {
        messages: arrival.messages,
        dropped: arrival.dropped,
        bytes: arrival.bytes,
        deliveries: arrival.deliveries,
        ..Outcome::default()
    }
}
