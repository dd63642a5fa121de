#!/usr/bin/env bash
# Fuzzes Relance's parsers with libFuzzer (issue 9): amount, date, csv, record, keys, fec.
#   scripts/fuzz.sh HARNESS [RUNS]      e.g. scripts/fuzz.sh csv 1000000
# Builds relance-fuzz with -sanitize=fuzzer in its own folder (.build-fuzz), seeds a corpus from
# Tests/Fixtures/fuzz/HARNESS and runs. A crash leaves crash-* files: copy the input into
# Tests/Fixtures/fuzz/HARNESS/ as a regression (FuzzRegressionTests replays every file there).
# Not run by CI (minutes per harness); the runs are logged in docs/TESTING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
harness="${1:?usage: scripts/fuzz.sh amount|date|csv|record|keys|fec [RUNS]}"
runs="${2:-1000000}"
# ld.gold (the default linker here) crashes on this link; clang links it with lld.
swift build --scratch-path .build-fuzz -c release --product relance-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library \
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
bin="$(swift build --scratch-path .build-fuzz -c release --show-bin-path)/relance-fuzz"
[ -x "$bin" ] || { echo "fuzz.sh: no fuzzer binary at $bin" >&2; exit 1; }
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp Tests/Fixtures/fuzz/"$harness"/* "$corpus"/ 2>/dev/null || true
RELANCE_FUZZ="$harness" "$bin" -runs="$runs" -max_len=4096 -print_final_stats=1 "$corpus"
