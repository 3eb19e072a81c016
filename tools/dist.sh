#!/usr/bin/env bash
# @file dist.sh  Package a wasm build as dist/: what the npm package ships
#
#   dist/sipshield-core.wasm   the core
#   dist/sipshield-core.mjs    Emscripten glue as an ES module
#   dist/sipshield-core.cjs    the same glue as CommonJS
#   dist/cjs/index.cjs         shim/index.js bundled for require()
#   dist/types/                .d.ts emitted from the shim's JSDoc (tsc)
set -euo pipefail
src=${1:?usage: dist.sh BUILD_DIR DIST_DIR}
out=${2:?usage: dist.sh BUILD_DIR DIST_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/cjs"

cp "$src/sipshield-core.wasm" "$out/sipshield-core.wasm"
cp "$src/sipshield-core.js" "$out/sipshield-core.cjs"
# ES module: the glue without its CommonJS/AMD export tail
{
	sed "/^if (typeof exports === 'object' && typeof module === 'object')/,\$d" \
		"$src/sipshield-core.js"
	printf 'export default createSipshieldCore;\n'
} >"$out/sipshield-core.mjs"
grep -q "^export default createSipshieldCore;" "$out/sipshield-core.mjs"

# Types of the generated glue, so tsc need not read it
cat >"$out/sipshield-core.d.mts" <<'DTS'
/** Emscripten factory of the sipshield core (generated glue). */
declare const createSipshieldCore: (moduleArg: Record<string, unknown>) => Promise<any>;
export default createSipshieldCore;
DTS

# CommonJS: import.meta.url becomes the file URL shim/core.js would have,
# so the .wasm is found at the same relative place.
"$top/node_modules/.bin/esbuild" "$top/shim/index.js" --bundle \
	--format=cjs --platform=neutral --log-level=warning \
	--define:import.meta.url=__sipshield_core_url \
	--banner:js="const __sipshield_core_url = require('url').pathToFileURL(require('path').join(__dirname, '..', '..', 'shim', 'core.js')).href;" \
	--outfile="$out/cjs/index.cjs"

# JSDoc types checked (--strict) and .d.ts emitted, never hand-written
rm -rf "$out/types"
"$top/node_modules/.bin/tsc" -p "$top/tools/tsconfig.json" \
	--declaration --emitDeclarationOnly --outDir "$out/types" ||
	{ echo "dist: tsc failed" >&2; exit 1; }
