#!/usr/bin/env bash
# Every text scenario corpus/scenarios/NAME.ops must have its binary twin corpus/fuzz_ops/NAME, equal
# to what `maple-ops encode` makes of it now (regenerate with ci/corpus-seeds).
set -euo pipefail
ops=$1 corpus=$2
fail=0 count=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for src in "$corpus"/scenarios/*.ops; do
  name=$(basename "$src" .ops)
  count=$((count + 1))
  "$ops" encode "$src" -o "$tmp"
  if ! cmp -s "$tmp" "$corpus/fuzz_ops/$name"; then
    echo "stale or missing: corpus/fuzz_ops/$name (run ci/corpus-seeds)"
    fail=1
  fi
done
echo "$count scenarios checked"
[ "$count" -gt 0 ] && exit $fail
echo "no scenarios found"; exit 1
