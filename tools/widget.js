#!/usr/bin/env node
// @file widget.js  The script-tag build of <sip-phone> and the published hashes
//
//   node tools/widget.js [DIST_DIR]     (default dist/; needs DIST_DIR/sipshield-core.wasm)
//
//   DIST_DIR/sipshield-widget.js       web/widget/script.js as one minified classic
//                                      script (IIFE), the wasm's sha384 embedded
//   DIST_DIR/integrity.json            sha384 of the script and of the wasm, for
//                                      <script integrity> (README "Website widget"),
//                                      and of the recorder's files
//   DIST_DIR/sipshield-record.js       shim/record.js as one ES module: the script
//                                      imports it when a recording starts; its
//                                      PhoneError is the script's (window.sipshield)
//   DIST_DIR/sipshield-record-worker.js  shim/record-worker.js + recorder-core.js
//                                      (a module Worker); the recorder wasm's sha384
//                                      goes to it from the script
//   DIST_DIR/sipshield-record-worklet.js shim/record-worklet.js, minified
//   DIST_DIR/types/widget/             .d.ts of web/widget/ emitted by tsc, importing
//                                      the shim's declarations in DIST_DIR/types/
//   DIST_DIR/cjs/widget.cjs            'sipshield/widget' for require(): the element as
//                                      CommonJS over the shim's own bundle (cjs/index.cjs)
//   DIST_DIR/cjs/widget/*.d.cts        its declarations (the .d.ts, imports to the .cjs twins)
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] || path.join(ROOT, 'dist'));
const sri = (/** @type {Buffer} */ buf) => `sha384-${crypto.createHash('sha384').update(buf).digest('base64')}`;

const wasm = fs.readFileSync(path.join(dist, 'sipshield-core.wasm'));
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const recorderWasm = fs.readFileSync(path.join(dist, 'sipshield-recorder.wasm'));
const build = { version, wasmIntegrity: sri(wasm), recorderIntegrity: sri(recorderWasm) };

// The recorder's files, beside the script, loaded only when a recording starts
const RECORD_FILES = ['sipshield-record.js', 'sipshield-record-worker.js', 'sipshield-record-worklet.js'];
const esm = { bundle: true, minify: true, format: /** @type {const} */ ('esm'), platform: /** @type {const} */ ('browser'),
  target: 'es2022', legalComments: /** @type {const} */ ('none'), logLevel: /** @type {const} */ ('warning') };
await esbuild.build({ ...esm, entryPoints: [path.join(ROOT, 'shim/record.js')], outfile: path.join(dist, RECORD_FILES[0]),
  plugins: [{
    name: 'script-phone-error',
    setup(b) {
      b.onResolve({ filter: /^\.\/errors\.js$/ }, () => ({ path: 'errors', namespace: 'script' }));
      b.onLoad({ filter: /.*/, namespace: 'script' }, () => ({
        contents: 'export const PhoneError = globalThis.sipshield.PhoneError;', loader: 'js' }));
    },
  }] });
await esbuild.build({ ...esm, entryPoints: [path.join(ROOT, 'shim/record-worker.js')], outfile: path.join(dist, RECORD_FILES[1]) });
await esbuild.build({ ...esm, bundle: false, entryPoints: [path.join(ROOT, 'shim/record-worklet.js')],
  outfile: path.join(dist, RECORD_FILES[2]) });

const out = path.join(dist, 'sipshield-widget.js');
await esbuild.build({
  entryPoints: [path.join(ROOT, 'web/widget/script.js')],
  outfile: out,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    'globalThis.SIPSHIELD_BUILD': JSON.stringify(build),
    // the bundle always hands the shim the wasm bytes: the shim's default
    // URL (relative to its own module) is never used in a classic script
    'import.meta.url': 'undefined',
  },
});

const integrity = {
  version,
  'sipshield-widget.js': sri(fs.readFileSync(out)),
  'sipshield-core.wasm': build.wasmIntegrity,
  'sipshield-recorder.wasm': build.recorderIntegrity,
  ...Object.fromEntries(RECORD_FILES.map((f) => [f, sri(fs.readFileSync(path.join(dist, f)))])),
};
fs.writeFileSync(path.join(dist, 'integrity.json'), `${JSON.stringify(integrity, null, 2)}\n`);

// CommonJS: the same element for require(); the shim stays the package's one CommonJS
// bundle (one Phone class whichever way it was loaded)
await esbuild.build({
  entryPoints: [path.join(ROOT, 'web/widget/sip-phone.js')],
  outfile: path.join(dist, 'cjs/widget.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
  plugins: [{
    name: 'shim-external',
    setup(b) {
      b.onResolve({ filter: /\/shim\/index\.js$/ }, () => ({ path: './index.cjs', external: true }));
    },
  }],
});

// Types: tsc emits the widget with the shim into a scratch dir; the widget's
// files move to types/widget/ and import the shim's own declarations there.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-widget-types-'));
try {
  execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(ROOT, 'tools/tsconfig.widget.json'),
    '--declaration', '--emitDeclarationOnly', '--outDir', tmp], { stdio: 'inherit' });
  const types = path.join(dist, 'types/widget');
  const ctypes = path.join(dist, 'cjs/widget');
  for (const d of [types, ctypes]) {
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
  }
  const from = path.join(tmp, 'web/widget');
  for (const f of fs.readdirSync(from)) {
    const text = fs.readFileSync(path.join(from, f), 'utf8').replace(/(['"])\.\.\/\.\.\/shim\//g, '$1../');
    fs.writeFileSync(path.join(types, f), text);
    // as tools/dist.sh does for the shim: relative imports point at the .cjs twins
    const ctext = text.replace(/(['"])(\.\.?\/[^'"]+)\.js(['"])/g, '$1$2.cjs$3');
    fs.writeFileSync(path.join(ctypes, f.replace(/\.d\.ts$/, '.d.cts')), ctext);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`widget: ${path.relative(ROOT, out)} ${fs.statSync(out).size} B, integrity.json\n`);
