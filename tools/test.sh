#!/usr/bin/env bash
# @file test.sh  `make test`: every suite, one closing count
#
#   1. C unit tests, native, under ASan + UBSan (LeakSanitizer on), then
#      again in the out-of-memory mode (test-c --oom: allocation N fails,
#      N = 1, 2, ...; tests/c/oom.c)
#   2. the same C unit tests as wasm (debug build, ASSERTIONS=2) in node
#   3. node tests: shim + real wasm (fake socket), and integration against
#      real Kamailio over WSS (tests start and stop their own servers)
#   4. browser end-to-end: the demo page in headless Chromium against
#      real Kamailio
#   5. libFuzzer targets, a bounded run each (make fuzz runs longer)
#   and first, the C style check of STYLE.md (tools/ccheck.js)
# Ends with "N passed, N failed" summed over the suites.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export NODE_PATH=/usr/share/nodejs
mk="make --no-print-directory -f tools/core.mk"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0

# count FILE: add a suite's "N passed, N failed" or node's "# pass N"
count() {
	local p f
	p=$(sed -n 's/^\(# \)\{0,1\}\([0-9]\+\) passed, \([0-9]\+\) failed$/\2/p; s/^# pass \([0-9]\+\)$/\1/p' "$1" | tail -1)
	f=$(sed -n 's/^\(# \)\{0,1\}\([0-9]\+\) passed, \([0-9]\+\) failed$/\3/p; s/^# fail \([0-9]\+\)$/\1/p' "$1" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ -z "$p" ]; then
		echo "test: $2 printed no count: counted as one failure" >&2
		failed=$((failed + 1))
	fi
}

suite() {
	local name=$1
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log/$name.out"
	local rc=${PIPESTATUS[0]}
	count "$log/$name.out" "$name"
	[ "$rc" -eq 0 ] || echo "== $name exited $rc"
}

build() {
	local name=$1
	shift
	echo "== build $name"
	if ! "$@" >"$log/build-$name.out" 2>&1; then
		tail -40 "$log/build-$name.out"
		echo "test: build $name failed"
		failed=$((failed + 1))
		return 1
	fi
}

# STYLE.md section 4 over our C (tools/ccheck.js): a second each, no build
suite style node tools/ccheck.js

if build native $mk VARIANT=native; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	suite c-native build/native/test-c -d tests/vectors
	suite c-oom build/native/test-c -d tests/vectors --oom
fi

if build wasm-debug $mk VARIANT=wasm-debug; then
	# Emscripten's node glue fetch()es its .wasm if fetch exists (node 20)
	suite c-wasm node --no-experimental-fetch build/wasm-debug/test-c.cjs \
		-d tests/vectors
fi

if build dist make --no-print-directory dist; then
	suite node node --test --test-concurrency=1 tests/node/
	suite e2e node --test --test-concurrency=1 tests/e2e/
fi

if [ -x tools/fuzz.sh ]; then
	suite fuzz env FUZZ_SECONDS="${FUZZ_SECONDS:-15}" tools/fuzz.sh
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
