#!/usr/bin/env bash
# The dashboard in a real browser: starts a short `fedz run` (3 rounds, 2 nodes) that stays up
# after its last round, opens the coordinator's dashboard in headless Chromium, takes a
# screenshot and reads the DOM after the page's script ran. Checks that the accuracy chart has
# one point per round that ran, each with the test accuracy `fedz run` printed for that round,
# and that the loss chart has the same rounds. Prints one JSON line with what it read.
#
# Usage: deploy/dashboard-check.sh [BIN_DIR (default .build/debug)] [SCREENSHOT (default /tmp/fedz-dashboard.png)]
# Needs chromium and python3 (deploy/install-deps.sh installs chromium).
set -euo pipefail
bin=${1:-.build/debug}
screenshot=${2:-/tmp/fedz-dashboard.png}
rounds=3

browser=$(command -v chromium || true)
[ -n "$browser" ] || { echo "error: chromium is not installed (deploy/install-deps.sh installs it)" >&2; exit 2; }
[ -x "$bin/fedz" ] || { echo "error: no fedz executable in $bin (swift build first)" >&2; exit 2; }

state=$(mktemp -d /tmp/fedz-dashboard-check.XXXXXX)
run_pid=""
cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT

"$bin/fedz" run --nodes 2 --clients 20 --fraction 0.5 --local-epochs 1 --rounds "$rounds" --seed 2 \
  --linger 120 --plaintext --state-dir "$state/run" >"$state/run.out" 2>"$state/run.err" &
run_pid=$!

deadline=$((SECONDS + 240))
until grep -q "all rounds done" "$state/run.out"; do
  if ! kill -0 "$run_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "error: fedz run did not finish its rounds; its output:" >&2
    tail -20 "$state/run.out" "$state/run.err" >&2
    exit 1
  fi
  sleep 0.2
done
url=$(grep -o 'dashboard: http://[^ ]*' "$state/run.out" | head -1 | cut -d' ' -f2)
[ -n "$url" ] || { echo "error: fedz run printed no dashboard URL" >&2; exit 1; }

chrome() {
  timeout 60 "$browser" --headless --disable-gpu --no-sandbox --no-first-run --user-data-dir="$state/profile" \
    --virtual-time-budget=5000 "$@" 2>>"$state/chromium.err"
}
chrome --dump-dom "$url" >"$state/dom.html"
chrome --screenshot="$screenshot" --window-size=1280,900 "$url" >/dev/null
[ -s "$screenshot" ] || { echo "error: chromium wrote no screenshot" >&2; cat "$state/chromium.err" >&2; exit 1; }

python3 - "$state/dom.html" "$state/run.out" "$rounds" "$screenshot" <<'PYTHON'
import html.parser, json, re, sys

dom_file, run_file, rounds, screenshot = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

class Points(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.points = {}
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = attrs.get("class", "").split()
        if tag == "circle" and "point" in classes:
            series = [c for c in classes if c != "point"][0]
            self.points.setdefault(series, []).append((int(attrs["data-round"]), float(attrs["data-value"])))

parser = Points()
parser.feed(open(dom_file).read())
printed = {int(m.group(1)): float(m.group(2)) for m in
           re.finditer(r"round\s+(\d+)/\d+\s.*test accuracy ([\d.]+) %", open(run_file).read())}
accuracy = sorted(parser.points.get("accuracy", []))
problems = []
if sorted(printed) != list(range(1, rounds + 1)):
    problems.append(f"fedz run printed rounds {sorted(printed)}, expected 1…{rounds}")
if [r for r, _ in accuracy] != sorted(printed):
    problems.append(f"accuracy chart has points for rounds {[r for r, _ in accuracy]}, the run had {sorted(printed)}")
for r, value in accuracy:
    if r in printed and f"{100 * value:.2f}" != f"{printed[r]:.2f}":
        problems.append(f"round {r}: chart shows {100 * value:.2f} %, fedz run printed {printed[r]:.2f} %")
for series in ("test-loss", "train-loss"):
    if sorted(r for r, _ in parser.points.get(series, [])) != sorted(printed):
        problems.append(f"{series} chart has rounds {sorted(r for r, _ in parser.points.get(series, []))}")
print(json.dumps({"rounds": [r for r, _ in accuracy], "test_accuracy": [v for _, v in accuracy],
                  "printed_accuracy_percent": [printed[r] for r in sorted(printed)],
                  "test_loss": [v for _, v in sorted(parser.points.get("test-loss", []))],
                  "screenshot": screenshot, "ok": not problems}))
for problem in problems:
    print("error: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PYTHON
