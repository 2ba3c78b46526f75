#!/usr/bin/env bash
# maple-replay's contract on bad input: "file:line: message" on stderr and exit 2; usage errors exit 2;
# a good input exits 0.
set -uo pipefail
replay=$1 data=$2
fail() { echo "FAIL: $*"; exit 1; }

err=$("$replay" "$data/bad-range.ops" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "malformed text: exit $rc, want 2"
[[ "$err" == "$data/bad-range.ops:3: store_range: first 9 is after last 3" ]] || fail "message: $err"

"$replay" /nonexistent/file >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc, want 2"

"$replay" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "no arguments: exit $rc, want 2"

printf 'maplefuzz-ops v1\nstore 1 v1\ncheck\n' >"${TMPDIR:-/tmp}/good-$$.ops"
"$replay" -q "${TMPDIR:-/tmp}/good-$$.ops" >/dev/null; rc=$?
rm -f "${TMPDIR:-/tmp}/good-$$.ops"
[ $rc -eq 0 ] || fail "good input: exit $rc, want 0"
echo "maple-replay exit codes ok"
