#!/usr/bin/env bash
# Builds ticketlog and runs its demo on the embedded default store
# (./ticketlog-data/demo, created fresh each run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTICKETLOG_BUILD_TESTS=OFF \
  -DTICKETLOG_BUILD_BENCH=OFF >/dev/null
cmake --build build --target ticketlog_tool -j"$(nproc)"
exec ./build/ticketlog demo
