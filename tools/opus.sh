#!/usr/bin/env bash
# @file opus.sh  Build libopus 1.3.1 for one wasm variant (the recorder)
#
# Usage: tools/opus.sh VARIANT [OUT_DIR]
#
#   VARIANT   wasm-debug or wasm-release (the flags of tools/core.mk)
#   OUT_DIR   build/VARIANT/opus by default: libopus.a and a stamp
#   OPUS_FIXED=1  build the fixed-point codec (default: float)
#
# Configured once, out of the tree tools/deps.sh unpacked (build/src/opus),
# then only the library is made.  The stamp holds the flags: a change of
# flags rebuilds, anything else is a no-op.  Only the recorder module
# (wasm/recorder/) links it; the page core never does.
set -euo pipefail
variant=${1:?usage: opus.sh VARIANT [OUT_DIR]}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$top/build/$variant/opus}
src=$top/build/src/opus
[ -f "$src/configure" ] || { echo "opus: run tools/deps.sh build first" >&2; exit 1; }

# emcc needs acorn from Debian's node modules; Node 20's fetch makes
# emconfigure's "can run C programs" test fail (BUILD-FACTS)
export NODE_PATH=/usr/share/nodejs
export NODE_OPTIONS=--no-experimental-fetch

# The same code generation as our C in tools/core.mk.  Opus's hardening
# checks stay on; a failed one calls celt_fatal(), which is ours
# (wasm/recorder/encoder.c: abort, without Opus's fprintf and the stdio
# it would link)
features="-msign-ext -mbulk-memory -mnontrapping-fptoint"
case $variant in
wasm-debug)   cflags="-g -O1 $features" ;;
wasm-release) cflags="-Oz -flto -DNDEBUG $features" ;;
*) echo "opus: unknown variant $variant" >&2; exit 1 ;;
esac
cflags="$cflags -DOVERRIDE_celt_fatal"

conf=(
	--disable-shared          # one static archive, linked into the module
	--enable-static
	--disable-intrinsics      # no SSE/NEON: wasm has neither here
	--disable-rtcd            # no run-time CPU detection
	--disable-asm             # no hand-written assembly
	--disable-doc             # no doxygen
	--disable-extra-programs  # no opus_demo, tests or tools
	--disable-stack-protector # emcc has no stack protector runtime
)
[ "${OPUS_FIXED:-0}" = 1 ] && conf+=(--enable-fixed-point)  # int16 codec

want="$(sha256sum "$src/configure" | cut -c1-16) $cflags ${conf[*]}"
stamp=$out/.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
   [ -f "$out/libopus.a" ]; then
	# up to date: newer than this script for make, so make asks once
	touch "$out/libopus.a"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
# configure runs its test programs with node, as files without an
# extension: under our package.json ("type": "module") node would take
# Emscripten's CommonJS glue for an ES module
echo '{ "type": "commonjs" }' >"$out/package.json"
start=$(date +%s)
(
	cd "$out"
	CFLAGS="$cflags" emconfigure "$src/configure" "${conf[@]}" \
		>configure.log 2>&1 ||
		{ tail -30 configure.log >&2; exit 1; }
	emmake make -j2 libopus.la >make.log 2>&1 ||
		{ tail -30 make.log >&2; exit 1; }
)
cp "$out/.libs/libopus.a" "$out/libopus.a"
echo "$want" >"$stamp"
echo "opus: $variant$([ "${OPUS_FIXED:-0}" = 1 ] && echo ' fixed-point') built in $(($(date +%s) - start)) s"
