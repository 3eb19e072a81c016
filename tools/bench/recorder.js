/**
 * @file recorder.js  make bench: the call recorder beside opus-recorder
 *
 * The same PCM into both encoders, in one run, rounds interleaved: 10 s of
 * 48 kHz stereo (a 440 Hz tone on the left, 880 Hz on the right, some
 * noise so the encoder has work), Opus at 32 kb/s, application VOIP, both
 * at libopus's default complexity, 20 ms frames, Ogg pages out.
 *  - speed: times real time (10 s of audio / wall time), median of rounds;
 *    sipshield's figure includes its Ogg pages and the AES-256-GCM sealing;
 *  - download: gzip -9 of what a page fetches to record: sipshield's
 *    recorder module (dist/sipshield-recorder.wasm) and the three scripts
 *    the widget loads with it (dist/sipshield-record.js, -worker.js,
 *    -worklet.js), and opus-recorder's encoder worker
 *    (encoderWorker.min.js, its wasm inside);
 *  - memory: the encoder's WebAssembly memory after the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SECONDS = 10;
const RATE = 48000;
const BITRATE = 32000;
const BLOCK = 4096;          // frames per call into either encoder
const APP_VOIP = 2048;       // OPUS_APPLICATION_VOIP

const gz9 = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/** The shared input: left and right planes, and the interleaved form */
function input() {
  const n = RATE * SECONDS;
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  for (let i = 0; i < n; i++) {
    left[i] = 0.3 * Math.sin(2 * Math.PI * 440 * i / RATE) + noise();
    right[i] = 0.3 * Math.sin(2 * Math.PI * 880 * i / RATE) + noise();
  }
  const both = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    both[2 * i] = left[i];
    both[2 * i + 1] = right[i];
  }
  return { n, left, right, both };
}

/** sipshield: encode, page and seal the input once; ms, bytes out, wasm memory */
async function sipshieldRun(rc, pcm) {
  let bytes = 0;
  const t0 = performance.now();
  const rec = rc.record({ key: new Uint8Array(32).fill(7), bitrate: BITRATE },
    (chunk) => { bytes += chunk.length; });
  for (let i = 0; i < pcm.n; i += BLOCK) rec.write(pcm.both.subarray(2 * i, 2 * Math.min(pcm.n, i + BLOCK)));
  rec.close();
  return { ms: performance.now() - t0, bytes };
}

/** opus-recorder: its OggOpusEncoder as its worker runs it */
function opusRecorderRun(lib, pcm) {
  let bytes = 0;
  const t0 = performance.now();
  const enc = new lib.OggOpusEncoder({
    encoderSampleRate: RATE, originalSampleRate: RATE, numberOfChannels: 2,
    encoderApplication: APP_VOIP, encoderBitRate: BITRATE, encoderFrameSize: 20,
    resampleQuality: 3, bufferLength: BLOCK, maxFramesPerPage: 40, rawOpus: false,
    streamPages: true,
  }, lib.Module);
  for (let i = 0; i < pcm.n; i += BLOCK) {
    for (const p of enc.encode([pcm.left.subarray(i, i + BLOCK), pcm.right.subarray(i, i + BLOCK)])) {
      bytes += p.page.length;
    }
  }
  for (const p of enc.encodeFinalFrame()) bytes += p.page.length;
  enc.destroy();
  return { ms: performance.now() - t0, bytes };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @param {{ root: string, rounds: number }} o
 */
export async function benchRecorder({ root, rounds }) {
  const res = { seconds: SECONDS, bitrate: BITRATE, rounds, status: 'ok', libs: {} };
  const wasm = path.join(root, 'dist/sipshield-recorder.wasm');
  const loader = path.join(root, 'shim/recorder-core.js');
  const opusRecorder = path.join(root, 'node_modules/opus-recorder/dist/encoderWorker.min.js');
  if (!fs.existsSync(wasm) || !fs.existsSync(loader)) {
    res.status = 'n/a (dist/sipshield-recorder.wasm missing: make dist)';
    return res;
  }
  const pcm = input();
  const { loadRecorder } = await import(loader);
  const rc = await loadRecorder({ wasmBinary: fs.readFileSync(wasm) });
  const lib = require(opusRecorder);
  if (!lib.Module.calledRun) await new Promise((resolve) => { lib.Module.onRuntimeInitialized = resolve; });

  // what a page downloads to record: the module and the scripts that run it
  const scripts = ['sipshield-record.js', 'sipshield-record-worker.js', 'sipshield-record-worklet.js']
    .map((f) => path.join(root, 'dist', f));
  if (!scripts.every((f) => fs.existsSync(f))) {
    res.status = 'n/a (dist/sipshield-record*.js missing: make dist)';
    return res;
  }
  const ours = { wasm: gz9(fs.readFileSync(wasm)),
    js: scripts.reduce((sum, f) => sum + gz9(fs.readFileSync(f)), 0) };
  res.libs.sipshield = { download: { ...ours, total: ours.wasm + ours.js }, perRound: [] };
  res.libs['opus-recorder'] = { download: { total: gz9(fs.readFileSync(opusRecorder)) }, perRound: [] };

  // one warm-up each, then interleaved rounds (the order alternates)
  await sipshieldRun(rc, pcm);
  opusRecorderRun(lib, pcm);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['opus-recorder', 'sipshield'] : ['sipshield', 'opus-recorder'];
    for (const name of order) {
      const run = name === 'sipshield' ? await sipshieldRun(rc, pcm) : opusRecorderRun(lib, pcm);
      res.libs[name].perRound.push(SECONDS * 1000 / run.ms);
      res.libs[name].bytes = run.bytes;
    }
  }
  for (const L of Object.values(res.libs)) L.median = median(L.perRound);
  res.libs.sipshield.memory = rc.memoryBytes?.() ?? null;
  res.libs['opus-recorder'].memory = lib.Module.HEAPU8.length;
  res.speedRatio = median(res.libs.sipshield.perRound.map((x, i) => x / res.libs['opus-recorder'].perRound[i]));
  res.sizeRatio = res.libs.sipshield.download.total / res.libs['opus-recorder'].download.total;
  return res;
}
