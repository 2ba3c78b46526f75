#!/usr/bin/env bash
# reduce_test.sh MAPLE_REDUCE MAPLE_REPLAY CORPUS - maple-reduce end to end on a planted divergence
# (MAPLEFUZZ_PLANTED=erase-keeps-last: the oracle's erase keeps a range's last index): the result
# must be smaller, still fail with the same signature, and the input must be left as it was; an input
# that does not fail is reported (exit 1), and OUT = IN is refused (exit 2).
set -u
reduce=$1 replay=$2 corpus=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "reduce_test: $*" >&2; exit 1; }
export MAPLEFUZZ_PLANTED=erase-keeps-last

cp "$corpus/scenarios/seed-rcu-readers.ops" "$work/in.ops"
cp "$work/in.ops" "$work/orig.ops"
sig_of() { "$replay" -q "$1" | grep -m1 'maplefuzz: FAIL' | sed 's/.* kind=\([^ ]*\) check=\([^ ]*\).*/\1 \2/'; }
want=$(sig_of "$work/in.ops")
[ -n "$want" ] || fail "the planted divergence does not show on the seed"

"$reduce" -q --time 30 -o "$work/min" "$work/in.ops" > "$work/log" 2>&1 || { cat "$work/log"; fail "maple-reduce failed"; }
cmp -s "$work/in.ops" "$work/orig.ops" || fail "the input was changed"
got=$(sig_of "$work/min")
[ "$got" = "$want" ] || fail "signature changed: '$want' -> '$got'"
n_in=$(grep -cvE '^(#|maplefuzz-ops|config|$)' "$work/in.ops")
n_out=$(grep -cvE '^(#|maplefuzz-ops|config|$)' "$work/min.ops")
[ "$n_out" -lt "$n_in" ] || fail "not smaller: $n_in -> $n_out ops"
[ "$n_out" -le 5 ] || fail "$n_out ops left, expected at most 5"
echo "reduced $n_in -> $n_out ops, signature $got"

MAPLEFUZZ_PLANTED= "$reduce" -q -o "$work/none" "$work/in.ops" > "$work/log2" 2>&1
[ $? -eq 1 ] || fail "a passing input must exit 1"
grep -q "does not fail" "$work/log2" || fail "a passing input must be reported"
"$reduce" -q -o "$work/in.ops" "$work/in.ops" > /dev/null 2>&1
[ $? -eq 2 ] || fail "OUT = IN must be refused"
echo "1 passed, 0 failed"
