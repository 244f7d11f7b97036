#!/usr/bin/env bash
# Builds ticketlog with its tests and runs the whole test suite.
# Prints progress lines and the test summary; the full output of each step
# goes to $TICKETLOG_LOG_DIR/test.log (default /tmp/ticketlog-logs), which
# an error names.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quiet.sh
log=$TICKETLOG_LOG_DIR/test.log
: >"$log"
bash scripts/install-deps.sh test
step "$log" "configuring (build-tests/)" cmake -S . -B build-tests \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTICKETLOG_BUILD_BENCH=ON
build_step "$log" "building the library, the tool, the tests and benchmarks" \
  cmake --build build-tests -j"$(nproc)"
echo "running the tests…"
cd build-tests
# ctest's own summary (and each failure's output) is the result a person
# and CI read; the per-test lines go to the log.
status=0
ctest --output-on-failure -j"$(nproc)" >>"$log" 2>&1 || status=$?
sed -n '/tests passed\|tests failed/,$p' "$log" | tail -n 40
if ((status != 0)); then
  echo "ticketlog: tests failed; the full log is $log" >&2
fi
exit "$status"
