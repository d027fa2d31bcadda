#!/usr/bin/env bash
# Installs what a fresh machine lacks, and skips what is present (a second run takes seconds).
set -euo pipefail
source "$(dirname "$0")/env.sh"
step() { printf '\n== setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  step "wasm-bindgen-cli $want (found: ${have:-none})"
  # No --locked: it fails against this registry index.
  cargo install wasm-bindgen-cli --version "=$want"
fi

if ! command -v wasm-pack >/dev/null; then
  step "wasm-pack"
  cargo install wasm-pack
fi

if ! command -v cargo-fuzz >/dev/null; then
  step "cargo-fuzz (CI fuzzes the ingest entry point)"
  cargo install cargo-fuzz
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  step "Debian chromium + chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver
fi

# Fonts for Chinese (the e2e screenshots, chart PNGs and PDFs show real glyphs, not boxes) and
# poppler's pdftotext (the print test reads the PDF's text). Installed once.
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 || ! command -v pdftotext >/dev/null; then
  step "Debian fonts-noto-cjk + poppler-utils"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk poppler-utils
fi

# The scale path (docs/scale.md, tests/engines): Java 17 for Spark, and a venv under the repo
# with the pinned PyPI duckdb and pyspark. Reinstalled only when the pins change.
if ! dpkg -s openjdk-17-jre-headless >/dev/null 2>&1; then
  step "Debian openjdk-17-jre-headless (Spark)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless
fi
ENGINES=tests/engines/.venv
if ! cmp -s tests/engines/requirements.txt "$ENGINES/requirements.installed"; then
  step "engines venv: $(grep -v '^#' tests/engines/requirements.txt | tr '\n' ' ')"
  python3 -m venv "$ENGINES"
  "$ENGINES/bin/pip" install -q --disable-pip-version-check -r tests/engines/requirements.txt
  cp tests/engines/requirements.txt "$ENGINES/requirements.installed"
fi

# npm's hidden lockfile never equals package-lock.json (it omits the root and skipped optional
# packages), so the lockfile that was installed is remembered beside it.
if ! cmp -s package-lock.json node_modules/.crm-lens-installed-lock; then
  step "npm ci"
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.crm-lens-installed-lock
fi

command -v wasm-opt >/dev/null && case "$(command -v wasm-opt)" in
  "$ROOT"/node_modules/*) ;;
  *) echo "setup: wasm-opt resolves to $(command -v wasm-opt), not node_modules/.bin (binaryen from npm)" >&2; exit 1 ;;
esac
echo "setup: ok"
