# ci/fuzz.d/afl.sh - sourced by ci/fuzz: one AFL++ run. With --jobs N > 1: a main instance (-M) and
# N-1 secondaries (-S), the first of them with the CMPLOG build (-c), all syncing through one output
# folder; the row adds up their executions and speeds.

afl_env() {
  AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FAST_CAL=1 \
    AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1 ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=1 "$@"
}

# Sum a fuzzer_stats field over every instance of an output folder.
afl_sum() {   # afl_sum OUTDIR FIELD
  cat "$1"/*/fuzzer_stats 2>/dev/null | awk -F' *: *' -v k="$2" '$1 == k {s += $2} END {printf "%s", s + 0}'
}

run_afl() {   # run_afl TARGET
  local t=$1 dir="$results/$t-afl" bin="$root/build/afl/fuzz/$t" input pids=() i
  mkdir -p "$dir/in" "$dir/crashes"
  input=("-i" "$dir/in")
  if [ "$resume" = 1 ] && [ -d "$dir/out/main" ]; then
    input=("-i" "-")           # afl-fuzz resumes from its output folder
    echo "ci/fuzz: $t-afl resumes from $dir/out"
  else
    cp -r "${seed_dir:-corpus/$t}/." "$dir/in/"
  fi
  for ((i = 0; i < jobs; i++)); do
    local role=(-M main) cmplog=()
    [ "$i" -gt 0 ] && role=(-S "s$i")
    [ "$i" -eq 1 ] && cmplog=(-c "$root/build/afl-cmplog/fuzz/$t")
    [ "$jobs" -eq 1 ] && role=(-M main)
    afl_env afl-fuzz "${input[@]}" -o "$dir/out" "${role[@]}" "${cmplog[@]}" -V "$time_s" \
      -x "$root/fuzz/$t.dict" -- "$bin" >>"$dir/fuzzer-$i.log" 2>&1 &
    pids+=($!)
  done
  local start=$SECONDS stats="$dir/out/main/fuzzer_stats" alive=1
  while [ "$alive" = 1 ]; do
    sleep 1
    alive=0
    for i in "${pids[@]}"; do kill -0 "$i" 2>/dev/null && alive=1; done
    [ -f "$stats" ] && progress "afl $t" $((SECONDS - start)) \
      "instances=${#pids[@]} execs_done=$(afl_sum "$dir/out" execs_done) saved_crashes=$(afl_sum "$dir/out" saved_crashes) edges_found=$(awk -F' *: *' '$1 == "edges_found" {print $2}' "$stats")"
  done
  local rc=0
  for i in "${pids[@]}"; do wait "$i" || rc=$?; done
  [ -t 1 ] && echo
  if [ ! -f "$stats" ] && grep -q 'does not crash' "$dir/fuzzer-0.log"; then
    keep_crashing_seeds "$bin" "$dir/in" "$dir/crashes"
    finish_row "$t" afl 0 0 "seeds crash" "$dir/in" "$dir/crashes"
    return
  fi
  if [ ! -f "$stats" ]; then
    echo "ci/fuzz: afl-fuzz failed (exit $rc); last lines of $dir/fuzzer-0.log:" >&2
    tail -15 "$dir/fuzzer-0.log" >&2; exit 2
  fi
  cp "$dir"/out/*/crashes/id:* "$dir/crashes/" 2>/dev/null || true
  finish_row "$t" afl "$(afl_sum "$dir/out" execs_done)" "$(afl_sum "$dir/out" execs_per_sec)" \
    "edges $(awk -F' *: *' '$1 == "edges_found" {print $2}' "$stats")" "$dir/out/main/queue" "$dir/crashes"
}

keep_crashing_seeds() {   # keep_crashing_seeds BINARY SEEDDIR CRASHDIR: afl-fuzz refuses to start
  local f
  for f in "$2"/*; do
    ASAN_OPTIONS=abort_on_error=1:symbolize=0 "$1" "$f" >/dev/null 2>&1 || cp "$f" "$3/seed-$(basename "$f")"
  done
}
