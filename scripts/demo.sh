#!/usr/bin/env bash
# The offline demo: starts the bundled Twitch-like chat server (a realistic mix of chat, emotes,
# notices and moderation) and a server of emote images, both on loopback, and opens the example
# app pointed at them. Nothing is fetched from anywhere but 127.0.0.1.
#
# Without a display (no $DISPLAY), the app runs under Xvfb for DEMO_SECONDS (default 20), two
# channels are typed into it with xdotool, and a screenshot of its window is saved to
# target/demo.png.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
cargo build --quiet -p twitch-chat-server
(cd examples/tauri-app && npx tauri build --debug --no-bundle)
# Where cargo put the binaries (CARGO_TARGET_DIR, if set, moves them).
bin=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Prints what follows `prefix` on the first line of `file` that starts with it, waiting up to
# 30 s for `what` to write that line.
first_line() {
  local file=$1 prefix=$2 what=$3 value
  for _ in $(seq 300); do
    value=$(sed -n "s|^$prefix||p" "$file" | head -n 1)
    if [ -n "$value" ]; then
      echo "$value"
      return 0
    fi
    sleep 0.1
  done
  echo "demo: $what did not start:" >&2
  cat "$file" >&2
  return 1
}

"$bin/twitch-chat-server" --port 0 --rate "${DEMO_RATE:-4}" --mix realistic \
  >"$work/chat-server.log" 2>&1 &
pids+=($!)
endpoint=$(first_line "$work/chat-server.log" 'listening on ' 'the chat server')

node examples/tauri-app/e2e/support/emote-server.js >"$work/emote-server.log" 2>&1 &
pids+=($!)
emote_cdn=$(first_line "$work/emote-server.log" 'emotes at ' 'the emote server')

echo "demo: chat server at $endpoint, emote images at $emote_cdn"
export TWITCH_CHAT_ENDPOINT=$endpoint
export TWITCH_CHAT_EMOTE_CDN=$emote_cdn
if [ -n "${DISPLAY:-}" ]; then
  echo "demo: type any channel name in the app"
  "$bin/tauri-app"
  exit 0
fi

# -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
display=$(first_line "$work/display" '' 'Xvfb')
export DISPLAY=":$display"

"$bin/tauri-app" >"$work/app.log" 2>&1 &
pids+=($!)

if command -v xdotool >/dev/null; then
  window=$(timeout 60 xdotool search --sync --name '^Twitch chat$' | head -n 1) || true
  if [ -z "$window" ]; then
    echo "demo: the app's window did not open within 60 s:" >&2
    cat "$work/app.log" >&2
    exit 1
  fi
  # The page loads after the window appears; then two channels are typed into its form.
  sleep 3
  xdotool windowfocus --sync "$window"
  for channel in beta_stream alpha_stream; do
    xdotool mousemove --window "$window" 100 22 click 1
    xdotool key ctrl+a BackSpace
    xdotool type --delay 40 "$channel"
    xdotool key Return
    sleep 1
  done
  xdotool mousemove --window "$window" 450 400
  sleep "${DEMO_SECONDS:-20}"
  import -window "$window" target/demo.png
else
  echo "demo: without xdotool no channel is typed in; the screenshot shows the empty window" >&2
  sleep "${DEMO_SECONDS:-20}"
  import -window root target/demo.png
fi
echo "demo: no display, so the app ran under Xvfb; screenshot in target/demo.png"
