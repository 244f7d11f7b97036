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

# The same program through pkg-config, and the version everywhere.
version=$(sed -n 's/^project(ticketlog VERSION \([0-9.]*\).*/\1/p' \
  "$source/CMakeLists.txt")
export PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name ticketlog.pc)")
test "$(pkg-config --modversion ticketlog)" = "$version"
# The compiler and flags the library was built with (CI's sanitizer builds
# set CXX, CXXFLAGS and LDFLAGS), as a consumer of an instrumented library
# must.
# shellcheck disable=SC2046,SC2086
${CXX:-g++} -std=c++20 ${CXXFLAGS:-} $(pkg-config --cflags ticketlog) \
  "$source/examples/host.cc" -o "$work/host-pc" \
  $(pkg-config --static --libs ticketlog) ${LDFLAGS:-}
"$work/host-pc" "$work/data-pc" | grep -q "open tickets: 1"
grep -q 'set(PACKAGE_VERSION "'"$version"'")' \
  "$(find "$work/prefix" -name ticketlogConfigVersion.cmake)"
# The tool is installed on PATH's usual bin/ and says its version.
test "$("$work/prefix/bin/ticketlog" --version)" = "ticketlog $version"
test -f "$(find "$work/prefix" -path '*doc*' -name LICENSE)"
echo "pkg-config, version $version, bin/ticketlog: ok"
