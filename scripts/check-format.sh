#!/usr/bin/env bash
# Checks that every C++ file of src, include, tests and bench is formatted
# by clang-format 14 with the repository's .clang-format (CI runs this).
# Fix with: clang-format-14 -i $(git ls-files '*.cc' '*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quiet.sh
if ! command -v clang-format-14 >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  step "$TICKETLOG_LOG_DIR/check-format.log" "installing clang-format-14" \
    bash -c 'apt-get update && apt-get install -y --no-install-recommends clang-format-14'
fi
echo "checking the format of src include tests bench…"
find src include tests bench \( -name '*.cc' -o -name '*.h' \) -print0 |
  xargs -0 clang-format-14 --dry-run --Werror
echo "format: ok"
