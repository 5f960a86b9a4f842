//! The printed result: the machine, the command, one table of plugin against baseline, and
//! notes that say how far each number can be trusted.

/// One line of the table. Cells are already formatted; `-` where nothing applies.
pub struct Row {
    pub metric: String,
    pub plugin: String,
    pub baseline: String,
    pub ratio: String,
    pub target: String,
    pub met: String,
}

/// Whether a target was met: `None` when it was not measured.
pub fn verdict(met: Option<bool>) -> String {
    match met {
        Some(true) => "yes".into(),
        Some(false) => "NO".into(),
        None => "-".into(),
    }
}

/// `plugin / baseline` as `1.23x`, or `-` when either is missing.
pub fn ratio(plugin: f64, baseline: f64) -> (String, Option<f64>) {
    if plugin.is_finite() && baseline.is_finite() && baseline > 0.0 {
        let value = plugin / baseline;
        (format!("{value:.2}x"), Some(value))
    } else {
        ("-".into(), None)
    }
}

/// A number with thousands separators and `decimals` digits after the point.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// Bytes as MB (10^6), one decimal.
pub fn megabytes(bytes: u64) -> String {
    number(bytes as f64 / 1e6, 1)
}

/// The machine the numbers come from.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown".to_string(), |(_, name)| name.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    format!(
        "machine: {cores} CPUs (nproc), {model}, {:.1} GiB memory",
        memory_kib as f64 / 1024.0 / 1024.0
    )
}

/// Prints the table with aligned columns.
pub fn print_table(rows: &[Row]) {
    let header = Row {
        metric: "metric".into(),
        plugin: "plugin".into(),
        baseline: "baseline".into(),
        ratio: "ratio".into(),
        target: "target".into(),
        met: "met?".into(),
    };
    let cells = |row: &Row| {
        [
            row.metric.clone(),
            row.plugin.clone(),
            row.baseline.clone(),
            row.ratio.clone(),
            row.target.clone(),
            row.met.clone(),
        ]
    };
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(cells(row)) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let line = |row: &Row| {
        let padded: Vec<String> = cells(row)
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if column == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
    println!("{}", line(&header));
    println!("|-{}-|", rule.join("-|-"));
    for row in rows {
        println!("{}", line(row));
    }
}
