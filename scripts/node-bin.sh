#!/usr/bin/env bash
# Prints the folder of the project's pinned Node.js (.node-version), for the front of PATH; `make`
# and .ci/run call it before anything else. A machine whose `node` already is that version uses it;
# otherwise the pinned version is installed once from the npm registry's `node-<os>-<arch>` package
# into a cache outside the repository (OTK_NODE_CACHE, default ~/.cache/otk/node) and reused.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want=$(tr -d ' \n\r' <"$root/.node-version")
say() { printf '[node] %s\n' "$*" >&2; }

if [ "$(node --version 2>/dev/null || true)" = "v$want" ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) say "no Node.js package for $(uname -s): install Node.js $want yourself"; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) say "no Node.js package for $(uname -m): install Node.js $want yourself"; exit 1 ;;
esac
pkg="node-$os-$arch"
dir="${OTK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otk/node}/$want"
bin="$dir/node_modules/$pkg/bin"

if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$want" ]; then
  command -v npm >/dev/null || { say "Node.js $want is needed, and npm to fetch it: install either first"; exit 1; }
  say "installing Node.js $want ($pkg from the npm registry) into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --save-exact --no-audit --no-fund --no-package-lock --loglevel=error "$pkg@$want" >&2
  [ "$("$bin/node" --version)" = "v$want" ] || { say "the installed Node.js is not $want"; exit 1; }
fi
echo "$bin"
