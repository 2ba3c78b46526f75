#!/usr/bin/env bash
# replay_picture.sh MAPLE_REPLAY CORPUS - maple-replay --dot/--svg: a passing stream's final tree as
# Graphviz (one record per node), a failing one's tree after the failing op with its path in red,
# rendered to SVG by dot.
set -u
replay=$1 corpus=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "replay_picture: $*" >&2; exit 1; }

"$replay" --dot "$work/pass.dot" "$corpus/scenarios/seed-spanning.ops" >/dev/null || fail "seed-spanning must pass"
grep -q '^digraph maple_tree {' "$work/pass.dot" || fail "no digraph"
nodes=$(grep -c 'shape=record\|label="{' "$work/pass.dot")
edges=$(grep -c -- ' -> ' "$work/pass.dot")
[ "$nodes" -ge 4 ] && [ "$edges" -ge 2 ] || fail "too few nodes ($nodes) or edges ($edges)"
dot -Tsvg "$work/pass.dot" -o "$work/pass.svg" || fail "dot rejects the source"

MAPLEFUZZ_PLANTED=erase-keeps-last "$replay" --svg "$work/fail.svg" "$corpus/scenarios/seed-overlaps.ops" > "$work/log"
[ $? -eq 1 ] || fail "the planted failure must reproduce (exit 1)"
grep -q '<svg' "$work/fail.svg" || fail "no SVG written"
grep -q 'stroke="red"' "$work/fail.svg" || fail "the failing op's path is not red"
[ -s "$work/fail.svg.dot" ] || fail "the Graphviz source is not kept"
echo "1 passed, 0 failed"
