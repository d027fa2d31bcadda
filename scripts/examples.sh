#!/usr/bin/env bash
# The package as users get it: packs pkg/ once (`npm pack`) into target/examples/crm-lens.tgz,
# installs that tarball into each app under examples/ (each has its own package.json that
# depends on it), and runs the app's `npm test`. Offline-friendly: the package is a local
# tarball; an app's other dependencies come from the registry (or npm's cache).
# Usage: bash scripts/examples.sh [app ...]   (default: every examples/*/ with a package.json)
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="$ROOT/target/examples"
mkdir -p "$out"
rm -f "$out"/crm-lens-*.tgz
name=$(cd pkg && npm pack --pack-destination "$out" --silent | tail -1)
mv "$out/$name" "$out/crm-lens.tgz"
echo "examples: packed $name ($(stat -c %s "$out/crm-lens.tgz") bytes)"

apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(examples/*/)
for app in "${apps[@]}"; do
  app=${app%/}
  [ -f "$app/package.json" ] || continue
  echo "== example: $app"
  # A fresh copy of the package each run (npm would keep an older one of the same version).
  rm -rf "$app/node_modules/crm-lens"
  (cd "$app" && npm install --no-package-lock --no-audit --no-fund --loglevel=error && npm test)
done
