#!/usr/bin/env bash
# `npm start`: set up if needed, build, serve the page on 127.0.0.1 with the sample analysed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh
bash scripts/build.sh
PORT="${PORT:-5173}"
echo
echo "crm-lens is at http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
exec vite preview www --host 127.0.0.1 --port "$PORT" --strictPort
