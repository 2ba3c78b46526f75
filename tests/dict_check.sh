#!/usr/bin/env bash
# dict_check.sh MAPLE_OPS DICT... - every dictionary line is a comment, blank, or name="escaped
# bytes" (the syntax libFuzzer and AFL++ share), and every op_NAME token decodes, after an empty
# preamble, to the op NAME: the dictionaries stay true to the op table.
set -u
ops=$1; shift
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
bad=0 checked=0
for dict in "$@"; do
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    case "$line" in ''|'#'*) continue ;; esac
    if ! [[ "$line" =~ ^[a-z0-9_]+=\"(\\x[0-9a-f]{2})+\"$ ]]; then
      echo "$dict:$n: not name=\"\\xNN...\": $line"; bad=1; continue
    fi
    name=${line%%=*}
    [ "${name#op_}" != "$name" ] || continue
    bytes=${line#*=\"}; bytes=${bytes%\"}
    printf "\\x00\\x00\\x00\\x00$bytes" > "$tmp"
    got=$("$ops" decode "$tmp" | sed -n '3p' | awk '{print $1}')
    if [ "${got#__}" != "${name#op_}" ]; then
      echo "$dict:$n: $name decodes to '$got'"; bad=1
    fi
    checked=$((checked + 1))
  done < "$dict"
done
echo "$checked opcode tokens checked"
exit $bad
