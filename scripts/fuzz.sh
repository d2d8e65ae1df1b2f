#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets (clang, ASan+UBSan) and runs each for
# FUZZ_SECONDS (default 30), starting from the committed seeds in
# tests/fuzz/corpus/TARGET. New inputs go to build/fuzz/corpus (not
# committed); a crash leaves build/fuzz/artifacts/TARGET-crash-* and fails the
# run. Add a crashing input to tests/fuzz/corpus/TARGET once it is fixed: the
# corpus replay test then keeps it fixed in every `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-30}
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/artifacts
status=0
for dir in tests/fuzz/corpus/*/; do
  target=$(basename "$dir")
  mkdir -p "build/fuzz/corpus/$target"
  echo "== fuzz_$target for ${SECONDS_EACH}s"
  if ! "build/fuzz/tests/fuzz/fuzz_$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
      -artifact_prefix="build/fuzz/artifacts/$target-" -print_final_stats=1 \
      "build/fuzz/corpus/$target" "$dir" 2>&1 | grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written"; then
    :
  fi
  if ls "build/fuzz/artifacts/$target-"* > /dev/null 2>&1; then
    echo "fuzz_$target: FOUND A FAILING INPUT (build/fuzz/artifacts/$target-*)" >&2
    status=1
  fi
done
exit $status
