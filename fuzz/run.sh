#!/usr/bin/env bash
# The long fuzzing campaign: every harness (or those named) for RUNS executions each under
# libFuzzer with AddressSanitizer and LeakSanitizer, from a copy of its committed seeds.
# An input slower than 1 s counts as a hang. Prints one line of figures per harness and
# exits non-zero when any harness crashed, hung or leaked; the input is left in
# .build-fuzz/artifacts/<harness>/ to be added to fuzz/regressions/<harness>/.
#   fuzz/run.sh [HARNESS...]        RUNS=100000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-100000}
work=.build-fuzz/campaign
mkdir -p "$work"
binary=$(fuzz/build.sh 2>"$work/build.log") || { tail -20 "$work/build.log" >&2; exit 1; }
mapfile -t harnesses < <(LIGHTBOX_FUZZ_LIST=1 "$binary" 2>/dev/null)
[ $# -gt 0 ] && mapfile -t harnesses < <(printf '%s\n' "${harnesses[@]}" | grep -E "^($(IFS='|'; echo "$*")) ")

failed=0
printf '%-15s %10s %9s %6s %6s %7s %7s  %s\n' harness executions exec/s cov ft corpus rss_mb result
for line in "${harnesses[@]}"; do
    read -r name max_len <<<"$line"
    corpus="$work/corpus/$name"
    artifacts="$work/artifacts/$name/"
    mkdir -p "$corpus" "$artifacts"
    cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
    log="$work/$name.log"
    status=0
    # SWIFT_BACKTRACE off: its crash handler reads memory ASan then reports instead of the crash.
    LIGHTBOX_FUZZ_TARGET=$name SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "$binary" "$corpus" -runs="$runs" -max_len="$max_len" -timeout=1 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
    units=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$last")
    result=ok
    if [ "$status" -ne 0 ]; then
        failed=1
        result=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|Fatal error: .*' "$log" || echo "exit $status")
        result="$result (see $log)"
    fi
    printf '%-15s %10s %9s %6s %6s %7s %7s  %s\n' "$name" "${executions:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
        "${units:-?}" "${rss:-?}" "$result"
done
exit $failed
