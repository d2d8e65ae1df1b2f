#!/usr/bin/env bash
# Inputs that are not in the page cache, which no other test reads: their
# chunks are read in by ColdReadahead (sources/cold_readahead.h) before they
# are parsed. The summary must be the cached file's, the whole file must end
# up cached, and a partly cached file must give the same summary. (Whether
# the folios came in large needs /proc/kpageflags, so root: that is measured
# in docs/PERFORMANCE.md, session 10, not here.)
source "$(dirname "$0")/lib.sh"

command -v fincore > /dev/null || fail "fincore missing (util-linux-extra; scripts/install-deps.sh installs it)"
resident_bytes() { fincore -b -n -o RES "$1" | tr -d ' '; }
evict() {  # drops the file's clean pages from the page cache
  sync "$1"
  dd if="$1" iflag=nocache count=0 status=none
}

# 12 MiB or more: several 4 MiB chunks, each of whole 2 MiB blocks and parts.
"$BIN" generate -n 150000 --seed 11 --format mixed --malformed-ratio 0.01 -o in.log
"$BIN" analyze -q in.log -o cached.json --chunk-size 4194304

evict in.log
expect_eq "resident bytes after eviction" 0 "$(resident_bytes in.log)"
"$BIN" analyze -q in.log -o cold.json --chunk-size 4194304
expect_eq "summary of the cold file" "$(stable_json cached.json)" "$(stable_json cold.json)"
size=$(stat -c %s in.log)
page=$(getconf PAGESIZE)
expect_eq "resident bytes after a cold analyze" $(((size + page - 1) / page * page)) "$(resident_bytes in.log)"

# Partly cached: its first 5 MiB read (and what readahead adds), the rest not.
evict in.log
head -c $((5 << 20)) in.log > /dev/null
resident=$(resident_bytes in.log)
((resident > 0 && resident < size)) || fail "not partly cached: $resident of $size bytes"
"$BIN" analyze -q in.log -o partial.json --chunk-size 4194304 --workers 2
expect_eq "summary of the partly cached file" "$(stable_json cached.json)" "$(stable_json partial.json)"
pass "cold and partly cached inputs give the cached file's summary, and end up cached"
