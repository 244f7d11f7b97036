#!/usr/bin/env bash
# Installs what ticketlog needs to build, test and benchmark, from Debian's
# packages only. Safe to run again when everything is already there.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost-dev libboost-date-time-dev
  libssl-dev nlohmann-json3-dev
  catch2 libbenchmark-dev libsqlite3-dev
  libcurl4-openssl-dev libcpp-httplib-dev libnats-dev nats-server
  libxapian-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
