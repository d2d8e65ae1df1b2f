#!/usr/bin/env bash
# make bench: analyze against an awk baseline, in the same run, on the same data.
#
#   LINES=10000000 RUNS=5 bench/run.sh
#
# Generates LINES plain lines in two files under bench/data (kept between runs,
# regenerated when LINES changes), warms the page cache, then alternates mawk
# and `logstreamer analyze --workers 2` RUNS times each and reports medians:
# wall time, lines/s, MB/s, peak RSS, the ratio, and whether the counts agree.
# Then the Google Benchmark micro-benchmarks for the parser and aggregator.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=build/release/src/logstreamer
MICRO=build/release/bench/micro_bench
LINES=${LINES:-10000000}
RUNS=${RUNS:-5}
WORKERS=${WORKERS:-2}
DATA=bench/data
RESULTS=bench/results
mkdir -p "$DATA" "$RESULTS"
[[ -x $BIN ]] || { echo "bench: build first (make build)" >&2; exit 2; }
command -v mawk > /dev/null || { echo "bench: mawk missing (make deps)" >&2; exit 2; }

half=$((LINES / 2))
files=("$DATA/plain-1.log" "$DATA/plain-2.log")
if [[ "$(cat "$DATA/lines" 2>/dev/null)" != "$LINES" ]]; then
  echo "bench: generating $LINES lines in two files..."
  "$BIN" generate -n "$half" --seed 1 -o "${files[0]}"
  "$BIN" generate -n "$((LINES - half))" --seed 2 -o "${files[1]}"
  echo "$LINES" > "$DATA/lines"
fi
# Measure parsing, not the disk, from one known state of the page cache: the
# files dropped from it and read back (as `cat` of a file on disk leaves
# them: in large folios). How the cache holds a file matters to anything
# that maps it: a file cached in 4 KiB folios (written in small appends, or
# read in through a mapping) costs logstreamer ~0.1 s more system time on
# 10M lines, and mawk's read() ~0.07 s. docs/PERFORMANCE.md, session 10.
warm() {
  for f in "$@"; do
    dd if="$f" iflag=nocache count=0 status=none  # POSIX_FADV_DONTNEED, the whole file
    cat "$f" > /dev/null
  done
}
bytes=$(cat "${files[@]}" | wc -c)
warm "${files[@]}"

# Runs a command; appends "SECONDS PEAK_RSS_KB" to $1. Wall time from the
# monotonic clock (ns), peak RSS from /usr/bin/time (its own timer is coarse).
timed() {
  local out=$1
  shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$RESULTS/rss" "$@"
  end=$(date +%s%N)
  echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(cat "$RESULTS/rss")" >> "$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$RESULTS/awk.times"
: > "$RESULTS/ls.times"
for ((i = 1; i <= RUNS; i++)); do
  timed "$RESULTS/awk.times" mawk -f bench/count.awk "${files[@]}" > "$RESULTS/awk.out"
  timed "$RESULTS/ls.times" "$BIN" analyze -q --workers "$WORKERS" "${files[@]}" -o "$RESULTS/ls.json"
  printf 'run %d: mawk %ss  logstreamer %ss\n' "$i" "$(cut -d' ' -f1 <<< "$(tail -1 "$RESULTS/awk.times")")" \
    "$(cut -d' ' -f1 <<< "$(tail -1 "$RESULTS/ls.times")")"
done

# Same counts? (mawk counts raw tokens; the generator writes canonical levels.)
sort "$RESULTS/awk.out" > "$RESULTS/awk.sorted"
{
  jq -r '.levels | to_entries[] | select(.value > 0) | "level \(.key) \(.value)"' "$RESULTS/ls.json"
  jq -r '.services | to_entries[] | "service \(.key) \(.value)"' "$RESULTS/ls.json"
} | sort > "$RESULTS/ls.sorted"
if diff -q "$RESULTS/awk.sorted" "$RESULTS/ls.sorted" > /dev/null; then same=yes; else same=NO; fi

awk_t=$(cut -d' ' -f1 "$RESULTS/awk.times" | median)
ls_t=$(cut -d' ' -f1 "$RESULTS/ls.times" | median)
awk_rss=$(cut -d' ' -f2 "$RESULTS/awk.times" | sort -n | tail -1)
ls_rss=$(cut -d' ' -f2 "$RESULTS/ls.times" | sort -n | tail -1)

report() {
  echo
  echo "== $("$BIN" --version); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model\s' /proc/cpuinfo | sed 's/.*: //')"
  echo "== analyze: $LINES plain lines, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') in 2 files, $(nproc) cores, medians of $RUNS runs"
  awk -v t="$awk_t" -v l="$LINES" -v b="$bytes" -v r="$awk_rss" 'BEGIN {
    printf "  %-26s %7.3f s  %7.2f M lines/s  %7.1f MB/s  peak RSS %6.1f MiB\n", "mawk (levels+services)", t, l / t / 1e6, b / t / 1e6, r / 1024 }'
  awk -v t="$ls_t" -v l="$LINES" -v b="$bytes" -v r="$ls_rss" -v w="$WORKERS" 'BEGIN {
    printf "  %-26s %7.3f s  %7.2f M lines/s  %7.1f MB/s  peak RSS %6.1f MiB\n", "logstreamer --workers " w, t, l / t / 1e6, b / t / 1e6, r / 1024 }'
  awk -v a="$awk_t" -v s="$ls_t" 'BEGIN { printf "  ratio: logstreamer is %.2fx faster than mawk\n", a / s }'
  echo "  counts identical to mawk: $same"
}
report | tee "$RESULTS/latest.txt"

# ---- other formats: auto-detected mixed input and JSON lines (issue 3) ----
FORMAT_LINES=${FORMAT_LINES:-5000000}
bench_format() {  # NAME GENERATE_FORMAT AWK_PROGRAM
  local name=$1 gen=$2 prog=$3
  local f1="$DATA/$name-1.log" f2="$DATA/$name-2.log"
  if [[ "$(cat "$DATA/$name.lines" 2>/dev/null)" != "$FORMAT_LINES" ]]; then
    "$BIN" generate --format "$gen" -n $((FORMAT_LINES / 2)) --seed 1 -o "$f1"
    "$BIN" generate --format "$gen" -n $((FORMAT_LINES - FORMAT_LINES / 2)) --seed 2 -o "$f2"
    echo "$FORMAT_LINES" > "$DATA/$name.lines"
  fi
  warm "$f1" "$f2"
  local fbytes
  fbytes=$(cat "$f1" "$f2" | wc -c)
  : > "$RESULTS/$name-awk.times"
  : > "$RESULTS/$name-ls.times"
  for ((i = 1; i <= RUNS; i++)); do
    timed "$RESULTS/$name-awk.times" mawk "$prog" "$f1" "$f2" > /dev/null
    timed "$RESULTS/$name-ls.times" "$BIN" analyze -q --workers "$WORKERS" "$f1" "$f2" -o "$RESULTS/$name.json"
  done
  local at lt
  at=$(cut -d' ' -f1 "$RESULTS/$name-awk.times" | median)
  lt=$(cut -d' ' -f1 "$RESULTS/$name-ls.times" | median)
  {
    echo
    echo "== analyze --format auto: $FORMAT_LINES $name lines, $(awk -v b="$fbytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'), medians of $RUNS runs"
    awk -v t="$at" -v l="$FORMAT_LINES" -v b="$fbytes" 'BEGIN {
      printf "  %-26s %7.3f s  %7.2f M lines/s  %7.1f MB/s\n", "mawk (count by level)", t, l / t / 1e6, b / t / 1e6 }'
    awk -v t="$lt" -v l="$FORMAT_LINES" -v b="$fbytes" -v w="$WORKERS" -v r="$(cut -d' ' -f2 "$RESULTS/$name-ls.times" | sort -n | tail -1)" 'BEGIN {
      printf "  %-26s %7.3f s  %7.2f M lines/s  %7.1f MB/s  peak RSS %6.1f MiB\n", "logstreamer --workers " w, t, l / t / 1e6, b / t / 1e6, r / 1024 }'
    echo "  malformed: $(jq .malformed "$RESULTS/$name.json"), formats: $(jq -c '.formats | with_entries(select(.value > 0))' "$RESULTS/$name.json")"
  } | tee -a "$RESULTS/latest.txt"
}
# The awk baselines only find a level-looking word per line: a lower bound on
# what any per-line tool must spend.
bench_format mixed mixed '{ for (i = 1; i <= NF && i <= 4; i++) if ($i ~ /^(INFO|WARN|ERROR|DEBUG|TRACE|FATAL)$/) { c[$i]++; break } } END { for (k in c) print k, c[k] }'
bench_format json json 'match($0, /"level":"[A-Z]+"/) { c[substr($0, RSTART + 9, RLENGTH - 10)]++ } END { for (k in c) print k, c[k] }'

# ---- the streaming engine (issue 4): logstreamer bench ----
bench_engine() {  # TITLE ARGS...
  local title=$1
  shift
  "$BIN" bench --metrics-interval 0 --json "$@" > "$RESULTS/engine.json"
  jq -r --arg t "$title" '"  \($t)\n    \(.throughput_per_second | floor) events/s  dropped \(.dropped)  abandoned \(.abandoned)  invariant \(.invariant_holds)\n    latency ms avg \(.latency_ms.avg)  p50 \(.latency_ms.p50)  p95 \(.latency_ms.p95)  p99 \(.latency_ms.p99)  max \(.latency_ms.max)  peak workers \(.peak_workers)"' \
    "$RESULTS/engine.json" | tee -a "$RESULTS/latest.txt"
}
ENGINE_SECONDS=${ENGINE_SECONDS:-5}
{ echo; echo "== logstreamer bench (generation + queue + pool + parse + aggregate), ${ENGINE_SECONDS}s each"; } | tee -a "$RESULTS/latest.txt"
bench_engine "closed loop: --work-ms 0 --stream-interval-ms 0 --chunk-size 128 --workers 2 --batch-size 1024" \
  --duration "$ENGINE_SECONDS" --work-ms 0 --stream-interval-ms 0 --chunk-size 128 --workers 2 --batch-size 1024 --buffer 65536
bench_engine "orchestrator defaults: 100 streams, 50 workers, --work-ms 20-50" \
  --duration $((ENGINE_SECONDS * 2)) --work-ms 20-50
bench_engine "overhead: --rate 100000 --batch-timeout 1 (ms) --batch-size 32 --workers 2 --chunk-size 128" \
  --duration "$ENGINE_SECONDS" --rate 100000 --batch-timeout 1 --batch-size 32 --workers 2 --chunk-size 128 --buffer 65536

if [[ -x $MICRO ]]; then
  echo
  echo "== micro-benchmarks (ns per call; Google Benchmark)"
  "$MICRO" --benchmark_min_time=0.2 2>/dev/null | grep -E "^BM_" | tee -a "$RESULTS/latest.txt"
fi
[[ $same == yes ]] || { echo "bench: counts differ from mawk" >&2; exit 1; }
