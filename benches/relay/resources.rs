//! What this process has used so far: CPU time of all its threads, resident memory now and at
//! its peak, and bytes read from sockets. Each measured run is its own process, so these
//! numbers belong to exactly one relay (or one baseline client) and never to the server.

use std::time::Duration;

/// CPU time (user + system) of every thread of this process, from `getrusage`.
pub fn cpu_time() -> Duration {
    // SAFETY: `rusage` is plain old data; `getrusage` only writes into the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

fn timeval(value: libc::timeval) -> Duration {
    Duration::from_secs(value.tv_sec.max(0) as u64)
        + Duration::from_micros(value.tv_usec.max(0) as u64)
}

/// Resident memory now (`VmRSS`), in bytes.
pub fn resident_bytes() -> u64 {
    status_kib("VmRSS:") * 1024
}

/// The most resident memory this process has had (`VmHWM`), in bytes.
pub fn peak_resident_bytes() -> u64 {
    status_kib("VmHWM:") * 1024
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
