#!/usr/bin/env bash
# reduce_threads_test.sh MAPLE_REDUCE MAPLE_REPLAY CORPUS - maple-reduce --target fuzz_threads end to
# end on a planted reader bug (MAPLEFUZZ_PLANTED=reader-loads-next: a reader thread's mtree_load
# reads the next index): the result must be smaller and still fail with reader threads, with the
# same signature, and the input must be left as it was.
set -u
reduce=$1 replay=$2 corpus=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "reduce_threads_test: $*" >&2; exit 1; }
export MAPLEFUZZ_PLANTED=reader-loads-next

cp "$corpus/scenarios/seed-multiples-of-5.ops" "$work/in.ops"
cp "$work/in.ops" "$work/orig.ops"
"$replay" -q --threads 2 --repeat 5 "$work/in.ops" | grep -q 'maplefuzz: FAIL .*kind=reader_' ||
  fail "the planted reader bug does not show on the seed"
"$reduce" --target fuzz_threads --repeat 10 --time 60 -o "$work/min" "$work/in.ops" > "$work/log" 2>&1 ||
  { cat "$work/log"; fail "maple-reduce failed"; }
cat "$work/log"
cmp -s "$work/in.ops" "$work/orig.ops" || fail "the input was changed"
grep -q 'signature kind=reader check=' "$work/log" || fail "the signature is not a reader's"
"$replay" -q --threads 2 --repeat 100 "$work/min" | grep -q 'maplefuzz: FAIL .*kind=reader_' ||
  fail "the result does not fail with reader threads"
n_in=$(grep -cvE '^(#|maplefuzz-ops|config|$)' "$work/in.ops")
n_out=$(grep -cvE '^(#|maplefuzz-ops|config|$)' "$work/min.ops")
[ "$n_out" -lt "$n_in" ] || fail "not smaller: $n_in -> $n_out ops"
echo "reduced $n_in -> $n_out ops"
"$reduce" --target fuzz_threads --emit-test "$work/t.c" "$work/in.ops" > /dev/null 2>&1
[ $? -eq 2 ] || fail "--emit-test with --target fuzz_threads must be refused"
echo "1 passed, 0 failed"
