#!/usr/bin/env bash
# The example apps, installed the way users install crm-lens: `npm pack` of pkg/ (built by
# scripts/build.sh), then each app of examples/ copied into a fresh directory under
# target/examples/, given the tarball with `npm install`, built when it has a build script,
# and run by tests/examples/ (headless Chromium under the strict CSP).
set -euo pipefail
source "$(dirname "$0")/env.sh"
OUT="$PWD/target/examples"
rm -rf "$OUT"
mkdir -p "$OUT"
tarball="$OUT/$(cd pkg && npm pack --silent --pack-destination "$OUT")"
echo "examples: packed $(basename "$tarball") ($(stat -c %s "$tarball") bytes)"
for app in examples/*/; do
  name=$(basename "$app")
  echo "== example $name"
  cp -r "$app" "$OUT/$name"
  (
    cd "$OUT/$name"
    npm install --no-audit --no-fund --loglevel=error "$tarball"
    if node -e "process.exit(require('./package.json').scripts?.build ? 0 : 1)"; then npm run --silent build; fi
  )
done
node --test --test-concurrency=1 tests/examples/
