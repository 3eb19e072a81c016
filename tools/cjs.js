#!/usr/bin/env node
/**
 * @file cjs.js  The CommonJS bundles of the package: dist/cjs/{index,check,record}.cjs
 *
 * Usage: node tools/cjs.js OUT_DIR
 *
 * One file per entry point. import.meta.url becomes the file URL that
 * shim/core.js has in the package, so each .wasm is found at the same
 * relative place as from the ES modules (record.cjs: the recorder's Worker
 * and worklet in shim/). check.cjs and record.cjs take PhoneError from
 * index.cjs instead of a copy of their own, so that an error from
 * require('sipshield/check') is instanceof require('sipshield').PhoneError,
 * as it is with import.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node tools/cjs.js OUT_DIR');
  process.exit(2);
}

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  logLevel: 'warning',
  define: { 'import.meta.url': '__sipshield_core_url' },
  banner: {
    js: "const __sipshield_core_url = require('url').pathToFileURL("
      + "require('path').join(__dirname, '..', '..', 'shim', 'core.js')).href;",
  },
};

/** shim/errors.js is index.cjs's */
const sharedErrors = {
  name: 'shared-errors',
  setup(build) {
    build.onResolve({ filter: /^\.\/errors\.js$/ }, () => ({ path: './index.cjs', external: true }));
  },
};

await esbuild.build({ ...common, entryPoints: [path.join(top, 'shim/index.js')],
  outfile: path.join(out, 'index.cjs') });
await esbuild.build({ ...common, entryPoints: [path.join(top, 'shim/check.js')],
  outfile: path.join(out, 'check.cjs'), plugins: [sharedErrors] });
await esbuild.build({ ...common, entryPoints: [path.join(top, 'shim/record.js')],
  outfile: path.join(out, 'record.cjs'), plugins: [sharedErrors] });
