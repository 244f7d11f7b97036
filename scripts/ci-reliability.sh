#!/usr/bin/env bash
# The CI-only reliability steps (docs/reliability.md), after scripts/test.sh:
#   asan  the whole test suite built with AddressSanitizer and
#         UndefinedBehaviorSanitizer (build-asan), run by ctest;
#   tsan  the concurrency tests built with ThreadSanitizer (build-tsan);
#   fuzz  each libFuzzer target (clang, build-fuzz) for 60 s on a copy of its
#         seed corpus in fuzz/corpus/.
# Usage: bash scripts/ci-reliability.sh [asan] [tsan] [fuzz]   (default: all)
#
# Environment: TICKETLOG_JOBS (build jobs, default 2),
# TICKETLOG_FUZZ_SECONDS (per fuzzer, default 60), TICKETLOG_BUILD_PREFIX
# (build directories are <prefix>-asan, -tsan, -fuzz; default "build").
# Installs what it needs from Debian's packages; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${TICKETLOG_JOBS:-2}
fuzz_seconds=${TICKETLOG_FUZZ_SECONDS:-60}
prefix=${TICKETLOG_BUILD_PREFIX:-build}
steps=("$@")
((${#steps[@]})) || steps=(asan tsan fuzz)

# Sanitizer builds keep assertions on and emit line tables only (enough for
# symbolised reports). The ASan + UBSan build uses clang at -O0: GCC's UBSan
# instrumentation at -O1 takes about six times as long to compile, which
# would double the time of this script on two cores.
asan_build=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1")
tsan_build=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1")
fuzz_build=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1")
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

say() { echo "== ci-reliability: $* ($(date +%H:%M:%S))"; }

install_clang() {
  bash scripts/install-deps.sh
  local packages=(clang libclang-rt-14-dev) missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Runs a ThreadSanitizer binary. Old TSan runtimes (GCC 12) refuse some
# high-entropy ASLR layouts of newer kernels; without ASLR they always work.
run_tsan() {
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    setarch "$(uname -m)" -R "$@"
  else
    "$@"
  fi
}

# UBSan's vptr check is off in these builds (CMakeLists.txt says why); the
# other UBSan checks stay on.
step_asan() {
  local dir=$prefix-asan
  say "AddressSanitizer + UndefinedBehaviorSanitizer build ($dir)"
  CC=clang CXX=clang++ cmake -S . -B "$dir" "${asan_build[@]}" \
    -DTICKETLOG_SANITIZE=address,undefined \
    "-DCMAKE_CXX_FLAGS=-fno-sanitize-recover=undefined" \
    -DTICKETLOG_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j"$jobs"
  say "the whole test suite under ASan + UBSan"
  # The consumer test builds a host program against the installed (and so
  # instrumented) library: it needs the same compiler and sanitizers.
  (cd "$dir" &&
    CXX=clang++ CXXFLAGS="-fsanitize=address,undefined" \
    LDFLAGS="-fsanitize=address,undefined" \
    ctest --output-on-failure -j"$jobs")
}

step_tsan() {
  local dir=$prefix-tsan
  say "ThreadSanitizer build of the reliability tests ($dir)"
  cmake -S . -B "$dir" "${tsan_build[@]}" \
    -DTICKETLOG_SANITIZE=thread -DTICKETLOG_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j"$jobs" --target reliability_tests
  say "the concurrency tests under TSan"
  # librocksdb is Debian's uninstrumented build: races TSan thinks it sees
  # inside it are suppressed (tests/reliability/tsan.supp says why).
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=7:suppressions=$root/tests/reliability/tsan.supp" \
    run_tsan "$dir/tests/reliability_tests" "[concurrency]"
}

step_fuzz() {
  local dir=$prefix-fuzz
  say "libFuzzer build with clang ($dir)"
  CC=clang CXX=clang++ cmake -S . -B "$dir" "${fuzz_build[@]}" \
    -DTICKETLOG_BUILD_FUZZ=ON -DTICKETLOG_SANITIZE=address,undefined \
    -DTICKETLOG_BUILD_TESTS=OFF -DTICKETLOG_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j"$jobs" --target fuzz_event_decode fuzz_json_command
  local target work artifacts
  for target in event_decode json_command; do
    say "fuzz_$target for ${fuzz_seconds}s"
    work=$(mktemp -d)
    artifacts=$root/$dir/artifacts/$target
    mkdir -p "$artifacts"
    cp -r "fuzz/corpus/$target/." "$work/"
    if [[ -d fuzz/regressions/$target ]]; then
      cp -r "fuzz/regressions/$target/." "$work/"
    fi
    local dict=()
    [[ -f fuzz/$target.dict ]] && dict=(-dict="fuzz/$target.dict")
    if ! "$dir/fuzz/fuzz_$target" "${dict[@]}" -max_total_time="$fuzz_seconds" \
      -timeout=30 -rss_limit_mb=4096 -max_len=16384 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$work"; then
      echo "fuzz_$target found a crash: $(ls "$artifacts")" >&2
      echo "copy it into fuzz/regressions/$target/ (see fuzz/README.md)" >&2
      rm -rf "$work"
      return 1
    fi
    rm -rf "$work"
  done
}

start=$SECONDS
install_clang
for step in "${steps[@]}"; do
  case $step in
    asan) step_asan ;;
    tsan) step_tsan ;;
    fuzz) step_fuzz ;;
    *) echo "unknown step: $step (asan, tsan or fuzz)" >&2; exit 2 ;;
  esac
done
say "done in $((SECONDS - start))s"
