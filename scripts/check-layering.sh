#!/usr/bin/env bash
# Layering check: every Swift file under Sources/<Target>/ may import only the modules
# its target is allowed to, and only the ZeroMQ runtime folders may import CZMQ.
# The rules are written out here on purpose: widening a target's imports is a change to
# this file, reviewed as such, not a side effect of editing Package.swift.
# docs/ARCHITECTURE.md explains the layers. Needs only bash, find and awk.
#
#   scripts/check-layering.sh [ROOT]     (ROOT defaults to the repository)
set -euo pipefail

root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"

# Modules of the toolchain and the OS that any target may import.
system_modules="Foundation Glibc Dispatch Synchronization"

# Per target: the modules it may import besides the system ones. Taken from the target's
# dependencies in Package.swift (a product name stands for the module of the same name).
declare -A allowed=(
    # The protocol vocabulary: pure, no libzmq, no other fedz module.
    [FedzProtocol]=""
    [Actors]="CZMQ FedzProtocol"
    [Learning]="CZlib Crypto"
    # Pure federated learning: links no libzmq.
    [Federation]="FedzProtocol Learning Crypto"
    [ModelOps]="Learning GRDB Crypto"
    [CommandSupport]="Actors FedzProtocol Learning ArgumentParser Logging ServiceLifecycle TOMLKit"
    # CoreMetrics is a module of swift-metrics' Metrics product.
    [Telemetry]="Actors FedzProtocol ArgumentParser Hummingbird Logging Metrics CoreMetrics Prometheus ServiceLifecycle"
    [Node]="Actors FedzProtocol Learning Federation CommandSupport Telemetry ArgumentParser Logging"
    [Orchestrator]="Actors FedzProtocol Learning Federation ModelOps CommandSupport Telemetry ArgumentParser Logging"
)

# System-library targets: a module map and a C header, no Swift files.
system_library_targets="CZMQ CZlib"

# Only these folders own libzmq: the socket wrappers, the I/O loop and the socket actors.
czmq_folders=(Sources/Actors/ZMQ/ Sources/Actors/IO/ Sources/Actors/Sockets/)
# Files outside those folders that import CZMQ today: known gap, issue 15. Do not add to
# this list; move the libzmq call behind Actors/ZMQ instead.
czmq_exceptions=(
    Sources/Actors/Security/CurveKeyPair.swift   # known gap, issue 15: zmq_curve_keypair
    Sources/Actors/Security/Z85Key.swift         # known gap, issue 15: zmq_z85_encode/decode
    Sources/Actors/Bench/BroadcastThroughput.swift  # known gap, issue 15: benchmark driver on raw libzmq
)

contains() { # contains WORD LIST...
    local word=$1
    shift
    local item
    for item in "$@"; do [[ $item == "$word" ]] && return 0; done
    return 1
}

# Prints "file<TAB>line<TAB>module" for every import declaration in the given files:
#   import M, import M.Sub, import struct M.T, @testable/@preconcurrency/@_exported import M,
#   public/package/internal/fileprivate/private import M, indented (e.g. under #if).
imports() {
    awk '
        FNR == 1 { in_comment = 0 }
        {
            line = $0
            sub(/^[ \t]+/, "", line)
            if (in_comment) {
                if (index(line, "*/") == 0) next
                in_comment = 0
                next
            }
            if (substr(line, 1, 2) == "/*") {
                if (index(substr(line, 3), "*/") == 0) in_comment = 1
                next
            }
            while (match(line, /^@[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?[ \t]+/)) line = substr(line, RLENGTH + 1)
            if (match(line, /^(public|package|internal|fileprivate|private)[ \t]+/)) line = substr(line, RLENGTH + 1)
            if (!match(line, /^import[ \t]+/)) next
            line = substr(line, RLENGTH + 1)
            if (match(line, /^(typealias|struct|class|enum|protocol|let|var|func)[ \t]+/)) line = substr(line, RLENGTH + 1)
            if (!match(line, /^[A-Za-z_][A-Za-z0-9_]*/)) next
            printf "%s\t%d\t%s\n", FILENAME, FNR, substr(line, RSTART, RLENGTH)
        }' "$@"
}

if [[ ! -d Sources ]]; then
    echo "check-layering: no Sources/ folder in $root" >&2
    exit 2
fi

failures=0
fail() {
    echo "check-layering: $*" >&2
    failures=$((failures + 1))
}

# Every target folder needs a rule, so that a new target cannot slip past the check.
targets=0
for dir in Sources/*/; do
    target=$(basename "$dir")
    contains "$target" $system_library_targets && continue
    targets=$((targets + 1))
    [[ -v "allowed[$target]" ]] || fail "Sources/$target: no layering rule for target $target; add one to scripts/check-layering.sh"
done

mapfile -t files < <(find Sources -name '*.swift' -type f | LC_ALL=C sort)
if ((${#files[@]} == 0)); then
    echo "check-layering: no Swift files under Sources/" >&2
    exit 2
fi

checked=0
czmq_seen=()
while IFS=$'\t' read -r file line module; do
    checked=$((checked + 1))
    target=${file#Sources/}
    target=${target%%/*}
    if contains "$target" $system_library_targets; then
        fail "$file:$line: Swift file in the system-library target $target"
        continue
    fi
    if [[ -v "allowed[$target]" ]] && ! contains "$module" $system_modules ${allowed[$target]}; then
        fail "$file:$line: target $target may not import $module (allowed: ${allowed[$target]} and $system_modules)"
    fi
    if [[ $module == CZMQ ]]; then
        czmq_seen+=("$file")
        in_folder=no
        for folder in "${czmq_folders[@]}"; do [[ $file == "$folder"* ]] && in_folder=yes; done
        if [[ $in_folder == no ]] && ! contains "$file" "${czmq_exceptions[@]}"; then
            fail "$file:$line: import CZMQ outside ${czmq_folders[*]} (libzmq belongs behind Actors/ZMQ)"
        fi
    fi
done < <(imports "${files[@]}")

# An exception that no longer imports CZMQ should leave the list, so it cannot come back unnoticed.
for exception in "${czmq_exceptions[@]}"; do
    if ((${#czmq_seen[@]} == 0)) || ! contains "$exception" "${czmq_seen[@]}"; then
        echo "check-layering: note: $exception no longer imports CZMQ; remove it from czmq_exceptions" >&2
    fi
done

if ((failures > 0)); then
    echo "check-layering: FAILED, $failures violation(s); the rules are in scripts/check-layering.sh, the layers in docs/ARCHITECTURE.md" >&2
    exit 1
fi
echo "check-layering: ok ($targets targets, ${#files[@]} files, $checked imports; CZMQ only in Actors/ZMQ, IO, Sockets and ${#czmq_exceptions[@]} known exceptions)"
