#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan (in
# ./build-fuzz), and runs each for SECONDS (default 20) from its seeds and
# regression inputs.  A crash, a hang (-timeout), an allocation over
# -malloc_limit_mb or a resident size over -rss_limit_mb stops the run: the
# input is left in build-fuzz/findings/TARGET/ and the script fails.
# docs/fuzzing.md says what the targets cover and what was found.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(metadata stream payload suppressions symbols)
dir=build-fuzz
# Bounds of one input: time, resident memory, and any single allocation.
bounds=(-timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=256)

launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
mkdir -p "$dir"
log=$dir/build.log
CC=${FUZZ_CC:-clang} CXX=${FUZZ_CXX:-clang++} cmake -S . -B "$dir" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLUXTRACE_FUZZ=ON -DFLUXTRACE_MIMALLOC=OFF \
    "${launcher[@]}" >"$log" 2>&1 || { cat "$log"; exit 1; }
cmake --build "$dir" -j"$(nproc)" --target fuzz_seeds "${targets[@]/#/fuzz_}" \
    >>"$log" 2>&1 || { tail -50 "$log"; exit 1; }

status=0
for t in "${targets[@]}"; do
    corpus=$dir/corpus/$t # what the runs found, kept for the next run
    findings=$dir/findings/$t
    mkdir -p "$corpus" "$findings" "$dir/logs"
    inputs=("$corpus" "$dir/tests/fuzz/seeds/$t")
    [ -d "tests/fuzz/regressions/$t" ] && inputs+=("tests/fuzz/regressions/$t")
    runlog=$dir/logs/$t.log
    started=$SECONDS
    if "$dir/bin/fuzz_$t" "${bounds[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$findings/" "${inputs[@]}" >"$runlog" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    # The seconds the run took, not those asked for: a run stops early on a
    # finding.
    elapsed=$((SECONDS - started))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$runlog")
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$runlog" | tail -1)
    echo "fuzz $t: $result, ${execs:-?} execs in $elapsed s (of $seconds), $cov"
    if [ $result = FAILED ]; then
        grep -E 'ERROR|SUMMARY|Test unit written' "$runlog" || tail -20 "$runlog"
    fi
done
exit $status
