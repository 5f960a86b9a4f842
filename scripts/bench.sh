#!/usr/bin/env bash
# Benchmarks the plugin against the baselines it is meant to beat, measured in the same run:
# its chat core against a plain twitch-irc client (throughput, CPU, memory under a flood,
# latency, memory over time), and its batched Channel against one app.emit per message in a
# real WebKitGTK webview under Xvfb. Prints one table; exits 0 whatever the numbers are.
#
#   bash scripts/bench.sh               quick mode: a few minutes after the build
#   bash scripts/bench.sh --long        the 1,000,000-message flood and the 10-minute run
#   bash scripts/bench.sh --no-webview  leave out the webview app (and its build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mode=()
webview=1
for arg in "$@"; do
  case "$arg" in
    --long) mode=(--long) ;;
    --no-webview) webview=0 ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *)
      echo "bench: unknown option $arg" >&2
      exit 2
      ;;
  esac
done

target_dir=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

echo "bench: building in release (a first build of the Tauri stack takes several minutes)" >&2
cargo build --release --quiet -p twitch-chat-server
cargo bench --bench relay --no-run --quiet

app=()
if [ "$webview" = 1 ]; then
  if cargo build --release --quiet -p relay-webview-bench; then
    app=(--webview-app "$target_dir/release/relay-webview-bench")
  else
    echo "bench: the webview app did not build; its rows are left out" >&2
  fi
fi

export RELAY_BENCH_COMMAND="bash scripts/bench.sh $*"
cargo bench --bench relay --quiet -- \
  --server "$target_dir/release/twitch-chat-server" "${mode[@]}" "${app[@]}"
