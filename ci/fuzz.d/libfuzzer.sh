# ci/fuzz.d/libfuzzer.sh - sourced by ci/fuzz: one libFuzzer run (engines libfuzzer and tsan).
# With --jobs N > 1 it is a fork-mode campaign (-fork=N, crashes kept and fuzzing goes on).

run_tsan() { run_libfuzzer "$1" tsan; }

# The totals of a libFuzzer log: its final stats, or in fork mode (which prints none) the last
# status line ("#123: cov: ... time: 60s ..."), the rate being executions over time. Prints
# "EXECS EXEC/S COV/FT".
libfuzzer_numbers() {
  local log=$1 execs eps ft
  execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1 || true)
  eps=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{print $2}' | tail -1 || true)
  if [ -z "$execs" ]; then     # fork mode prints no final stats: take the last status line
    local line
    line=$(grep -aE '^#[0-9]+: cov:' "$log" | tail -1 || true)
    execs=$(echo "$line" | sed -nE 's/^#([0-9]+):.*/\1/p')
    local secs
    secs=$(echo "$line" | sed -nE 's/.* time: ([0-9]+)s.*/\1/p')
    [ -n "$execs" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ] && eps=$((execs / secs))   # the line's own rate is recent only
  fi
  ft=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | awk '{print $2 "/" $4}' || true)
  echo "${execs:-?} ${eps:-?} ${ft:-?}"
}

run_libfuzzer() {   # run_libfuzzer TARGET [ENGINE]: ENGINE tsan runs the tsan preset's binary
  local t=$1 engine=${2:-libfuzzer}
  local dir="$results/$t-$engine" bin="$root/build/$engine/fuzz/$t" fork=()
  mkdir -p "$dir/corpus" "$dir/crashes"
  if [ "$resume" = 1 ] && [ -n "$(ls -A "$dir/corpus")" ]; then
    echo "ci/fuzz: $t-$engine resumes from its corpus ($(ls "$dir/corpus" | wc -l) inputs)"
  else
    cp -r "${seed_dir:-corpus/$t}/." "$dir/corpus/"
  fi
  [ "$jobs" -gt 1 ] && fork=(-fork="$jobs" -ignore_crashes=1)
  "$bin" "${fork[@]}" -max_total_time="$time_s" -print_final_stats=1 -max_len="$max_len" -timeout=10 \
    -dict="$root/fuzz/$t.dict" -artifact_prefix="$dir/crashes/" "$dir/corpus" >>"$dir/fuzzer.log" 2>&1 &
  local pid=$! start=$SECONDS
  while kill -0 $pid 2>/dev/null; do
    sleep 1
    progress "$engine $t" $((SECONDS - start)) "$(grep -aE '^#[0-9]+' "$dir/fuzzer.log" | tail -1 | cut -c1-100)"
  done
  wait $pid || true
  [ -t 1 ] && echo
  local execs eps ft
  read -r execs eps ft < <(libfuzzer_numbers "$dir/fuzzer.log")
  finish_row "$t" "$engine" "$execs" "$eps" "cov/ft $ft" "$dir/corpus" "$dir/crashes"
}
