#!/usr/bin/env bash
# The offline demo: starts the bundled Twitch-like chat server on loopback with a realistic
# mix of chat, emotes, notices and moderation, and opens the example app pointed at it.
#
# Without a display (no $DISPLAY), the app runs under Xvfb for DEMO_SECONDS (default 20) and a
# screenshot is saved to target/demo.png.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
cargo build --quiet -p twitch-chat-server
(cd examples/tauri-app && npx tauri build --debug --no-bundle)

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

server_log=$(mktemp)
target/debug/twitch-chat-server --port 0 --rate "${DEMO_RATE:-4}" --mix realistic >"$server_log" &
pids+=($!)
endpoint=""
for _ in $(seq 100); do
  endpoint=$(sed -n 's/^listening on //p' "$server_log")
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "demo: the chat server did not start" >&2; exit 1; }
echo "demo: chat server at $endpoint; type any channel name in the app"

export TWITCH_CHAT_ENDPOINT=$endpoint
if [ -n "${DISPLAY:-}" ]; then
  target/debug/tauri-app
  exit 0
fi

display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1
DISPLAY=$display target/debug/tauri-app &
pids+=($!)
sleep "${DEMO_SECONDS:-20}"
DISPLAY=$display import -window root target/demo.png
echo "demo: no display, so the app ran under Xvfb; screenshot in target/demo.png"
