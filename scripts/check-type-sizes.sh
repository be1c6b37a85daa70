#!/usr/bin/env bash
# Type-size check: no type in Sources spans more than 500 lines, counting its declaration and
# every extension of it in any file (from a top-level `actor|struct|class|enum|protocol|extension
# Name` line to the next top-level declaration or the end of the file). A type that grows past
# it is a type doing more than one job: split out pure logic as docs/ARCHITECTURE.md describes.
# Needs only bash, find and awk.
#
#   scripts/check-type-sizes.sh [LIMIT] [TOP]   (LIMIT defaults to 500; prints the TOP largest, default 5)
set -euo pipefail
limit="${1:-500}"
top="${2:-5}"
cd "$(dirname "$0")/.."

sizes=$(find Sources -name '*.swift' -print0 | xargs -0 awk '
    FNR == 1 { current = "" }
    /^((public|internal|private|fileprivate|final|package|nonisolated|@[A-Za-z]+) )*(actor|struct|class|enum|protocol|extension) [A-Za-z_]/ {
        line = $0
        sub(/^((public|internal|private|fileprivate|final|package|nonisolated|@[A-Za-z]+) )*(actor|struct|class|enum|protocol|extension) /, "", line)
        match(line, /^[A-Za-z_][A-Za-z0-9_]*/)
        current = substr(line, RSTART, RLENGTH)
    }
    current != "" { lines[current]++ }
    END { for (name in lines) print lines[name], name }
' | sort -rn)

echo "$sizes" | head -n "$top" | sed 's/^/  /'
over=$(echo "$sizes" | awk -v limit="$limit" '$1 > limit')
if [ -n "$over" ]; then
    echo "check-type-sizes: types over $limit lines:" >&2
    echo "$over" | sed 's/^/  /' >&2
    exit 1
fi
echo "check-type-sizes: ok (no type over $limit lines)"
