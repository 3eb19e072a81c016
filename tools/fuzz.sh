#!/usr/bin/env bash
# @file fuzz.sh  Build and run the libFuzzer targets (tests/fuzz/fuzz_*.c)
#
# Each target first replays its kept regression inputs (tests/fuzz/
# regressions/TARGET/: every crash found is fixed and kept there), then
# fuzzes for FUZZ_SECONDS (default 60) from the seed vectors.  A crash
# is written to build/fuzz/crashes/ and fails the run.
# Ends with "N passed, N failed" (one per target and phase).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${FUZZ_SECONDS:-60}
make --no-print-directory -f tools/core.mk VARIANT=fuzz fuzz-bin >build/fuzz-build.log 2>&1 || {
	tail -30 build/fuzz-build.log
	echo "0 passed, 1 failed"
	exit 1
}
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
passed=0
failed=0
mkdir -p build/fuzz/crashes build/fuzz/logs

for bin in $(find build/fuzz -maxdepth 1 -name "fuzz_*" -type f -perm -u+x | sort); do
	name=$(basename "$bin")
	reg=tests/fuzz/regressions/$name
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus" "$reg"

	if ls "$reg"/* >/dev/null 2>&1; then
		if "$bin" -runs=0 "$reg"/* >build/fuzz/logs/$name-regressions.log 2>&1; then
			echo "ok $name regressions ($(ls "$reg" | wc -l) inputs)"
			passed=$((passed + 1))
		else
			tail -30 build/fuzz/logs/$name-regressions.log
			echo "not ok $name regressions"
			failed=$((failed + 1))
		fi
	fi

	seeds=(tests/vectors/sip tests/vectors/bench)
	[ "$name" = fuzz_challenge ] && seeds=(tests/vectors/digest)
	[ "$name" = fuzz_sdp ] && seeds=(tests/vectors/sdp)
	[ "$name" = fuzz_json ] && seeds=(tests/vectors/json)
	[ "$name" = fuzz_record_open ] && seeds=(tests/vectors/record)
	existing=()
	for s in "${seeds[@]}"; do [ -d "$s" ] && existing+=("$s"); done
	if timeout $((secs + 60)) "$bin" -max_total_time="$secs" -max_len=8192 \
		-rss_limit_mb=2048 -artifact_prefix=build/fuzz/crashes/"$name"- \
		-print_final_stats=1 "$corpus" "${existing[@]}" \
		>build/fuzz/logs/$name.log 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/logs/$name.log)
		echo "ok $name ${secs}s, ${runs:-?} inputs"
		passed=$((passed + 1))
	else
		tail -40 build/fuzz/logs/$name.log
		echo "not ok $name: crash kept in build/fuzz/crashes/"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
