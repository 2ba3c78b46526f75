#!/usr/bin/env bash
# oss_fuzz_build.sh SRC - ci/oss-fuzz/build.sh under OSS-Fuzz's build variables, set by hand (Docker
# does not run here) the way OSS-Fuzz sets them for libFuzzer and for AFL++ (ASan): every target,
# seed corpus zip, dictionary and options file must appear in $OUT, the binaries must not need
# libJudy or liburcu at run time, and each target must run its seed corpus (libFuzzer: all of it;
# AFL++'s driver: a few inputs).
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "oss_fuzz_build: $*" >&2; exit 1; }
asan="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope"

build() {   # build ENGINE CC CXX CFLAGS LIB_FUZZING_ENGINE
  local engine=$1
  mkdir -p "$tmp/$engine/out" "$tmp/$engine/work"
  env CC="$2" CXX="$3" CFLAGS="$4" CXXFLAGS="$4" LIB_FUZZING_ENGINE="$5" SANITIZER=address \
    FUZZING_ENGINE="$engine" OUT="$tmp/$engine/out" WORK="$tmp/$engine/work" AFL_QUIET=1 \
    "$src/ci/oss-fuzz/build.sh" > "$tmp/$engine/log" 2>&1 || { cat "$tmp/$engine/log"; fail "$engine: build.sh failed"; }
  for target in fuzz_ops fuzz_threads; do
    for f in "$target" "${target}_seed_corpus.zip" "$target.dict" "$target.options"; do
      [ -s "$tmp/$engine/out/$f" ] || fail "$engine: \$OUT/$f is missing"
    done
    ldd "$tmp/$engine/out/$target" | grep -qE 'libJudy|liburcu' && fail "$engine: $target needs a shared libJudy/liburcu"
    grep -q "dict = $target.dict" "$tmp/$engine/out/$target.options" || fail "$engine: $target.options names no dictionary"
    mkdir -p "$tmp/$engine/seeds-$target"
    (cd "$tmp/$engine/seeds-$target" && unzip -q "$tmp/$engine/out/${target}_seed_corpus.zip")
    local want have
    want=$(find "$src/corpus/$target" -maxdepth 1 -type f | wc -l)
    have=$(find "$tmp/$engine/seeds-$target" -type f | wc -l)
    [ "$want" = "$have" ] || fail "$engine: ${target}_seed_corpus.zip holds $have files, corpus/$target $want"
  done
  echo "$engine: $(ls "$tmp/$engine/out" | tr '\n' ' ')"
}

build libfuzzer clang clang++ "$asan -fsanitize=fuzzer-no-link" -fsanitize=fuzzer
for target in fuzz_ops fuzz_threads; do
  "$tmp/libfuzzer/out/$target" -runs=0 -max_len=512 "$tmp/libfuzzer/seeds-$target" > "$tmp/run.log" 2>&1 ||
    { tail -20 "$tmp/run.log"; fail "libfuzzer: $target fails on its seed corpus"; }
  grep -q 'INITED' "$tmp/run.log" || fail "libfuzzer: $target did not load its seeds"
done
build afl afl-clang-fast afl-clang-fast++ "$asan" /usr/lib/afl/libAFLDriver.a
for target in fuzz_ops fuzz_threads; do
  for f in $(find "$tmp/afl/seeds-$target" -type f | sort | head -5); do
    ASAN_OPTIONS=detect_leaks=1 "$tmp/afl/out/$target" "$f" > "$tmp/run.log" 2>&1 ||
      { tail -20 "$tmp/run.log"; fail "afl: $target fails on $f"; }
  done
done
echo "1 passed, 0 failed"
