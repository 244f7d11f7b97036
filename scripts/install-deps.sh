#!/usr/bin/env bash
# Installs what ticketlog needs from Debian's packages only. Safe to run
# again when everything is already there (it then installs nothing).
# Usage: bash scripts/install-deps.sh [test]
#   (no argument)  what building the library and the tool needs;
#   test           also what the tests need beyond that (chromium for the
#                  demo report's browser test).
# Prints progress lines only; apt's output goes to
# $TICKETLOG_LOG_DIR/install-deps.log (default /tmp/ticketlog-logs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quiet.sh
log=$TICKETLOG_LOG_DIR/install-deps.log
packages=(
  build-essential cmake pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost-dev libhowardhinnant-date-dev
  libssl-dev nlohmann-json3-dev
  libcli11-dev libfmt-dev libcsv-dev libxxhash-dev
  catch2 libbenchmark-dev libsqlite3-dev
  libcurl4-openssl-dev libcpp-httplib-dev libnats-dev nats-server
  libxapian-dev
)
if [[ ${1:-} == test ]]; then
  packages+=(chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  step "$log" "updating the package lists" apt-get update
  step "$log" "installing ${#missing[@]} packages (${missing[*]})" \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
