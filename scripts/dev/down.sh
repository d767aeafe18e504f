#!/usr/bin/env bash
# `make down`: stops what `make up` started (services and mail catcher), gracefully first.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/dev/services.sh

for pidfile in "$STATE_DIR"/pids/*; do
  [ -f "$pidfile" ] || continue
  name=$(basename "$pidfile")
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # up.sh started each in a process group of its own: stop the whole group.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "[down] stopped $name"
  fi
  rm -f "$pidfile"
done
