# Sourced by the set-up scripts: progress lines on the terminal, the full
# output of each step in a log file that an error names.
#
#   step LOG LABEL COMMAND...   prints "LABEL…", runs COMMAND with its output
#                               appended to LOG; on failure prints the last
#                               lines of LOG and where the rest is, and exits.
#   build_step LOG LABEL COMMAND...
#                               the same for a build whose output has
#                               "[ NN%]" lines: prints "LABEL (NN%)…" as it
#                               goes, every 10%.

# Where the logs go (the directory is made when missing).
TICKETLOG_LOG_DIR=${TICKETLOG_LOG_DIR:-/tmp/ticketlog-logs}
mkdir -p "$TICKETLOG_LOG_DIR"

_step_failed() {
  local log=$1 label=$2
  echo "ticketlog: $label failed; the last lines of $log:" >&2
  tail -n 20 "$log" | sed 's/^/  | /' >&2
  echo "ticketlog: the full log is $log" >&2
  exit 1
}

step() {
  local log=$1 label=$2
  shift 2
  echo "$label…"
  echo "== $label ($(date +%H:%M:%S)): $*" >>"$log"
  "$@" >>"$log" 2>&1 || _step_failed "$log" "$label"
}

build_step() {
  local log=$1 label=$2
  shift 2
  echo "$label…"
  echo "== $label ($(date +%H:%M:%S)): $*" >>"$log"
  local status
  set +e
  "$@" 2>&1 | tee -a "$log" | awk -v label="$label" '
    match($0, /^\[ *[0-9]+%\]/) {
      pct = substr($0, RSTART + 1, RLENGTH - 3) + 0
      if (pct >= shown + 10) {
        shown = pct - pct % 10
        printf "  %s (%d%%)…\n", label, shown
        fflush()
      }
    }'
  status=${PIPESTATUS[0]}
  set -e
  ((status == 0)) || _step_failed "$log" "$label"
}
