#!/usr/bin/env bash
# tests/threads_overlap.sh MAPLE_REPLAY CORPUS - the reader-thread runs really race: replaying
# write-heavy scenarios with reader threads must count reads that overlapped a write of their
# range, and must judge most reads (not drop them). Fails if a counter is zero.
set -euo pipefail
replay=$1 corpus=$2
out=$("$replay" --threads 2 --repeat 5 "$corpus/scenarios/seed-spanning.ops" "$corpus/scenarios/seed-multiples-of-5.ops")
echo "$out"
echo "$out" | grep -q '^ok ' || { echo "threads_overlap: a run failed"; exit 1; }
echo "$out" | awk '/overlapped/ {
    gsub(/[(),]/, " ");
    for (i = 1; i <= NF; i++) { if ($i == "judged") j = $(i + 1); if ($i == "overlapped") o = $(i + 1) }
    if (j + 0 == 0 || o + 0 == 0) { print "threads_overlap: judged " j ", overlapped " o; bad = 1 }
  } END { exit bad }'
