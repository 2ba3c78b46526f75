#!/usr/bin/env bash
# reduce_test.sh MAPLE_REDUCE MAPLE_REPLAY CORPUS [CC LIBMAPLE SANITIZE INCLUDE] - maple-reduce end to
# end on a planted divergence (MAPLEFUZZ_PLANTED=erase-keeps-last: the oracle's erase keeps a range's
# last index): the result must be smaller, still fail with the same signature, and the input must be
# left as it was; an input that does not fail is reported (exit 1), and OUT = IN is refused (exit 2).
# With the compiler arguments, --emit-test's C file must build against the library and fail at the
# op where tree and (planted) oracle part, not before.
set -u
reduce=$1 replay=$2 corpus=$3 cc=${4:-} libmaple=${5:-} sanitize=${6:-} include=${7:-}
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

if [ -n "$cc" ]; then
  "$reduce" -q --time 30 -o "$work/min2" --emit-test "$work/regress_erase.c" "$work/in.ops" > "$work/log3" 2>&1 ||
    { cat "$work/log3"; fail "--emit-test failed"; }
  flags=()
  [ -z "$sanitize" ] || flags=("-fsanitize=$sanitize")
  "$cc" -std=gnu11 -Wall -Wextra -Werror "${flags[@]}" -I "$include" "$work/regress_erase.c" "$libmaple" \
    $(pkg-config --libs liburcu-memb) -lcmocka -lpthread -o "$work/regress_erase" || fail "the emitted test does not build"
  MAPLEFUZZ_PLANTED= "$work/regress_erase" > "$work/run" 2>&1 && fail "the emitted test passes on a tree the oracle disagrees with"
  line=$(grep -m1 -o 'regress_erase.c:[0-9]*' "$work/run" | cut -d: -f2)
  check_line=$(grep -n '/\* op [0-9]*: check' "$work/regress_erase.c" | tail -1 | cut -d: -f1)
  [ -n "$line" ] && [ "$line" -gt "$check_line" ] || { cat "$work/run"; fail "the emitted test failed before the check (line $line)"; }
  echo "emitted test fails at line $line, in the final check (line $check_line on)"
fi

MAPLEFUZZ_PLANTED= "$reduce" -q -o "$work/none" "$work/in.ops" > "$work/log2" 2>&1
[ $? -eq 1 ] || fail "a passing input must exit 1"
grep -q "does not fail" "$work/log2" || fail "a passing input must be reported"
"$reduce" -q -o "$work/in.ops" "$work/in.ops" > /dev/null 2>&1
[ $? -eq 2 ] || fail "OUT = IN must be refused"
echo "1 passed, 0 failed"
