#!/usr/bin/env bash
# @file dist.sh  Package a wasm build as dist/: what the npm package ships
#
#   dist/sipshield-core.wasm   the core (standalone: shim/wasm.js loads it)
#   dist/sipshield-core-debug.wasm  the same core with every log level
#                              compiled in: the shim loads it instead for
#                              logLevel 3 and 4 (README "Logging")
#   dist/sipshield-check.wasm  the core plus the message check's JSON report
#                              (the CLI; shim/check.js, 'sipshield/check')
#   dist/sipshield-recorder.wasm  call recording: Opus, Ogg, sealing; loaded
#                              only when a recording starts or is opened
#                              (shim/recorder-core.js, the CLI)
#   dist/cjs/{index,check}.cjs shim/index.js, shim/check.js bundled for
#                              require() (tools/cjs.js)
#   dist/types/                .d.ts emitted from the shim's JSDoc (tsc)
#   dist/cjs/*.d.cts           the same declarations for require() users
#   dist/THIRD-PARTY-NOTICES.txt  licenses of what the wasm modules link
set -euo pipefail
src=${1:?usage: dist.sh BUILD_DIR DIST_DIR}
out=${2:?usage: dist.sh BUILD_DIR DIST_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/cjs"

cp "$src/sipshield-core.wasm" "$out/sipshield-core.wasm"
cp "$src/sipshield-core-debug.wasm" "$out/sipshield-core-debug.wasm"
cp "$src/sipshield-check.wasm" "$out/sipshield-check.wasm"
cp "$src/sipshield-recorder.wasm" "$out/sipshield-recorder.wasm"
# Left by the Emscripten-glue builds before the core became standalone
rm -f "$out/sipshield-core.mjs" "$out/sipshield-core.cjs" \
	"$out/sipshield-core.d.mts"

# CommonJS for require(), one file per entry point
node "$top/tools/cjs.js" "$out/cjs"

# JSDoc types checked (--strict) and .d.ts emitted, never hand-written
rm -rf "$out/types"
"$top/node_modules/.bin/tsc" -p "$top/tools/tsconfig.json" \
	--declaration --emitDeclarationOnly --outDir "$out/types" ||
	{ echo "dist: tsc failed" >&2; exit 1; }

# The declarations again as .d.cts beside the CommonJS bundles: in a
# "type": "module" package a .d.ts describes an ES module, so require()
# users (TypeScript node16 CommonJS, node10) need their own. Same text,
# relative imports pointing at the .cjs twins ('./phone.js' -> './phone.cjs').
rm -f "$out"/cjs/*.d.cts
for f in "$out"/types/*.d.ts; do
	sed -E "s#(['\"])(\.\.?/[^'\"]+)\.js(['\"])#\1\2.cjs\3#g" "$f" \
		>"$out/cjs/$(basename "$f" .d.ts).d.cts"
done

"$top/tools/notices.sh" "$top/build/src" "$out/THIRD-PARTY-NOTICES.txt"
node "$top/tools/widget.js" "$out"  # dist/sipshield-widget.js, dist/integrity.json, types/widget/
