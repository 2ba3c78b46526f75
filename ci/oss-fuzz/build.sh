#!/bin/bash -eu
# ci/oss-fuzz/build.sh - the OSS-Fuzz / ClusterFuzzLite build: compiles the fuzz targets with the
# infrastructure's $CC, $CFLAGS and $LIB_FUZZING_ENGINE (libFuzzer, AFL++, honggfuzz or centipede,
# with whatever sanitizer the build asks for), links libJudy and liburcu statically (runners do not
# have them), and puts into $OUT, for each target: the binary, TARGET_seed_corpus.zip (corpus/TARGET/),
# TARGET.dict and TARGET.options. $SRC/maplefuzz is the checkout (or the folder above this script).
#
# Locally (tests/oss_fuzz_build.sh does this for libFuzzer and AFL++):
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#     OUT=/tmp/out WORK=/tmp/work ci/oss-fuzz/build.sh
if [ -n "${SRC:-}" ] && [ -d "$SRC/maplefuzz/maple" ]; then
  src=$SRC/maplefuzz                              # OSS-Fuzz copies this script to $SRC/build.sh
else
  src=$(cd "$(dirname "$0")/../.." && pwd)
fi
work=${WORK:-$(mktemp -d)}
: "${OUT:?set OUT to the output folder}" "${CC:?}" "${LIB_FUZZING_ENGINE:?}"
mkdir -p "$OUT"

cmake -S "$src" -B "$work/maplefuzz-build" -G "Unix Makefiles" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="${CFLAGS:-}" \
  -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
  -DMAPLEFUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DMAPLEFUZZ_STATIC_DEPS=ON -DMAPLEFUZZ_TESTS=OFF >/dev/null
cmake --build "$work/maplefuzz-build" --target fuzz_ops fuzz_threads -j"$(nproc)" >/dev/null

for target in fuzz_ops fuzz_threads; do
  cp "$work/maplefuzz-build/fuzz/$target" "$OUT/"
  (cd "$src/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  cp "$src/fuzz/$target.dict" "$OUT/"
  cat > "$OUT/$target.options" <<OPTIONS
[libfuzzer]
max_len = 512
timeout = 10
dict = $target.dict
OPTIONS
done
echo "build.sh: $(ls "$OUT" | tr '\n' ' ')"
