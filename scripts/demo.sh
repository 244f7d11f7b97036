#!/usr/bin/env bash
# Builds ticketlog and runs its demo on the embedded default store
# (./ticketlog-data/demo, created fresh each run), with its HTML report in
# ./ticketlog-data/demo-report.html.
# Prints progress lines only; the full output of each step goes to
# $TICKETLOG_LOG_DIR/demo.log (default /tmp/ticketlog-logs), which an error
# names.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quiet.sh
log=$TICKETLOG_LOG_DIR/demo.log
: >"$log"
bash scripts/install-deps.sh
step "$log" "configuring (build/)" cmake -S . -B build \
  -DCMAKE_BUILD_TYPE=Release -DTICKETLOG_BUILD_TESTS=OFF \
  -DTICKETLOG_BUILD_BENCH=OFF
build_step "$log" "building the ticketlog tool" \
  cmake --build build --target ticketlog_tool -j"$(nproc)"
echo
exec ./build/ticketlog demo --html ticketlog-data/demo-report.html
