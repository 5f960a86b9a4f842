#!/usr/bin/env bash
# Installs everything building, running and testing need on a fresh Debian or Ubuntu machine:
# the system libraries Tauri links (WebKitGTK), Xvfb and WebKitWebDriver for the webview tests,
# tauri-driver, and the npm packages. What is already there is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config curl wget file
  libwebkit2gtk-4.1-dev libssl-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb webkit2gtk-driver imagemagick fonts-noto-color-emoji fonts-noto-cjk
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo is missing; install Rust (https://rustup.rs) and run this again" >&2
  exit 1
fi
if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

# The root install also builds the bindings (prepare), which the example app consumes.
[ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund
(cd examples/tauri-app && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; })
[ -f dist-js/index.js ] || npm run build
