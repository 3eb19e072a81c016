// Call recording stays out of the page's download (issue 11): shim/index.js bundled as
// tools/bench/run.js bundles it (esbuild --bundle --minify, ESM, browser; gzip -9) holds
// none of the recorder (record.js, its Worker, its worklet, recorder-core.js), only the stub
// of Call.prototype.record, and core + bundle stay within the 50 KB budget. The stub says
// what to import until 'sipshield/record' is imported; then it checks its options before it
// touches any browser API. The recording itself runs in Chromium: tests/e2e/recording.test.js.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT } from './support/servers.js';
import { Call, PhoneError } from '../../shim/index.js';

/** tools/bench/run.js TARGET_KB: the core's wasm plus the shim bundle, gzip -9 */
const BUDGET = 50000;
/** Names only the recorder's code has */
const RECORDER_NAMES = ['record-worker', 'record-worklet', 'recorder-core', 'sipshield-recorder',
  'AudioWorkletNode', 'registerProcessor', 'configureRecording', 'rec_open', 'loadRecorder'];

const gz9 = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

describe('The page bundle without the recorder', () => {
  it('holds none of the recorder, and the core + shim download stays within budget', async (t) => {
    const r = await esbuild.build({ entryPoints: [path.join(ROOT, 'shim/index.js')], bundle: true, minify: true,
      format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT });
    const text = Buffer.from(r.outputFiles[0].contents).toString('utf8');
    const inputs = Object.keys(r.metafile.inputs);
    assert.deepEqual(inputs.filter((f) => /record/.test(f)), [], 'modules of the recorder in the bundle');
    assert.deepEqual(RECORDER_NAMES.filter((n) => text.includes(n)), [], 'recorder names in the bundle');
    // the stub is there: it looks the implementation up when called
    assert.ok(text.includes('Symbol.for("sipshield.record")'));
    const wasm = gz9(fs.readFileSync(path.join(ROOT, 'dist/sipshield-core.wasm')));
    const shim = gz9(Buffer.from(text));
    t.diagnostic(`shim bundle ${text.length} B minified, ${shim} B gzip -9; core ${wasm} B; total ${wasm + shim} B`);
    assert.ok(wasm + shim <= BUDGET, `core ${wasm} + shim ${shim} B gzip -9 > ${BUDGET}`);
  });
});

describe('call.record() before and after sipshield/record', () => {
  /** A call in `state`, enough for the options and state checks */
  const fakeCall = (state) => ({ state, recording: null, peerConnection: null, remoteStream: null });
  const attempt = (call, options) => Call.prototype.record.call(call, options)
    .then(() => 'recorded', (e) => (e instanceof PhoneError ? e.message : String(e)));

  it('without the import: recording-unavailable, saying what to import', async () => {
    assert.equal(await attempt(fakeCall('active'), { key: new Uint8Array(32) }),
      "recording-unavailable: import 'sipshield/record' first");
  });

  it('with it: invalid options are invalid-argument, a call without media invalid-state', async () => {
    await import('../../shim/record.js');
    const key = new Uint8Array(32);
    const codes = [];
    for (const o of [undefined, {}, { key: 42 }, { key, recipient: key }, { key, bitrate: 0 }, { key, bitrate: 1.5 }]) {
      codes.push((await attempt(fakeCall('active'), o)).split(':')[0]);
    }
    assert.deepEqual(codes, Array(6).fill('invalid-argument'));
    assert.match(await attempt(fakeCall('active'), { key }), /^invalid-state: only a call with media/);
    assert.match(await attempt(fakeCall('ringing'), { recipient: 'sipshield-x25519-v1:x' }), /^invalid-state/);
    const busy = { ...fakeCall('active'), recording: {} };
    assert.match(await attempt(busy, { key }), /^invalid-state: this call is being recorded already/);
  });
});
