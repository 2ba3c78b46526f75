#!/usr/bin/env bash
# maple-replay --profile: the counts it reports are the stream's (inputs, ops, each kind of op), the
# shares are percentages, and the heaviest-ops line names only the kinds the stream has.
set -uo pipefail
replay=$1
fail() { echo "FAIL: $*"; exit 1; }
ops="${TMPDIR:-/tmp}/profile-$$.ops"
trap 'rm -f "$ops"' EXIT
printf 'maplefuzz-ops v1\nstore_range 1 5 v1\nstore_range 10 20 v2\nload 3\nload 15\nload 30\ncheck\n' >"$ops"

for threads in "" "--threads 1"; do
  # shellcheck disable=SC2086
  out=$("$replay" -q --profile $threads "$ops") || fail "exit $? ($threads)"
  grep -Eq '^profile: 1 inputs, 6 ops in [0-9.]+ s: [0-9]+ inputs/s, [0-9]+ ops/s$' <<<"$out" ||
    fail "totals ($threads): $out"
  grep -Eq '^  maple tree +[0-9.]+ %, oracle +[0-9.]+ %, validation and final comparison +[0-9.]+ %, harness +-?[0-9.]+ %$' <<<"$out" ||
    fail "split ($threads): $out"
  heavy=$(grep '^  heaviest ops:' <<<"$out") || fail "no heaviest ops ($threads): $out"
  kinds=$(grep -Eo '[a-z_]+ [0-9.]+ % \([0-9]+\)' <<<"$heavy" | awk '{print $1, $4}' | sort | tr '\n' ' ')
  [ "$kinds" = "check (1) load (3) store_range (2) " ] || fail "kinds ($threads): $heavy"
done
echo "maple-replay --profile ok"
