#!/usr/bin/env bash
# Opens the demo's HTML report in a real headless browser (Debian's
# chromium): the page must render (a screenshot of it is taken and is not
# blank), its DOM must hold the charts, and the browser must log no error
# about the page (no console message, no failed load). Skipped (exit 77)
# where chromium is not installed; scripts/test.sh installs it.
# Usage: demo_html_browser_test.sh TICKETLOG_BINARY
set -euo pipefail
tool=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "chromium is not installed: skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tool" --db "$work/db" demo --tickets 20 --html "$work/report.html" >"$work/demo.out"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --window-size=1000,2400 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>"$work/browser.log" >/dev/null
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" \
  >"$work/dom.html" 2>>"$work/browser.log"
fail() {
  echo "FAILED: $*"
  sed 's/^/  browser: /' "$work/browser.log" | tail -n 20
  exit 1
}
# A PNG, and not a blank page: a blank 1000x2400 screenshot is ~10 KB.
[[ $(head -c 8 "$work/report.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "no PNG screenshot"
size=$(stat -c %s "$work/report.png")
((size > 40000)) || fail "the screenshot is $size bytes: the page looks blank"
grep -q "<svg" "$work/dom.html" || fail "the rendered DOM has no chart"
grep -q "One ticket's timeline" "$work/dom.html" || fail "no timeline"
grep -q "status-open" "$work/dom.html" || fail "no status bands"
# Console messages and failed loads of the page (D-Bus and GPU noise of a
# headless machine is not about the page).
if grep -E "CONSOLE|Uncaught|net::ERR|Failed to load|Not allowed to load" "$work/browser.log"; then
  fail "the browser logged errors about the page"
fi
echo "the report renders in $(basename "$browser"): screenshot $size bytes, charts in the DOM, no page errors"
