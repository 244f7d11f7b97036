#!/usr/bin/env bash
# Installs the built ticketlog into a temporary prefix, builds
# examples/host.cc against the installed package and runs it.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/tests/consumer" -B "$work/build" \
  -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DTICKETLOG_EXAMPLE="$source/examples/host.cc" >/dev/null
cmake --build "$work/build" >/dev/null
output=$("$work/build/host" "$work/data")
echo "$output"
grep -q "open tickets: 1" <<<"$output"
