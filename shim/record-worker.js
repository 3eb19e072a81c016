/**
 * @file record-worker.js  The Worker of a call recording: Opus, Ogg, sealing
 *
 * A dedicated module Worker (shim/record.js starts it; a same-origin file,
 * as a strict CSP wants). It loads the recorder module
 * (shim/recorder-core.js, dist/sipshield-recorder.wasm), takes the
 * worklet's PCM blocks from a MessagePort and posts the sealed chunks back
 * to the page. Only sealed bytes leave this thread: the PCM comes in, the
 * encoded audio never exists outside the module unencrypted.
 *
 * From the page, once:
 *   { mode: 'key' | 'recipient', key: string | Uint8Array, bitrate?,
 *     wasmUrl?, wasmIntegrity?, port }
 * To the page:
 *   { ready: true }                     recording; blocks may come
 *   { chunk: Uint8Array }               sealed bytes, in order
 *   { done: true }                      the final chunk was posted
 *   { error: code, message }            no recording (or no more of it)
 * On the port (from the worklet): Float32Array blocks, then { end: true }.
 * The page may also post { end: true } itself (a worklet that stopped
 * rendering).
 */
import { loadRecorder, parseKey } from './recorder-core.js';

/** @typedef {import('./recorder-core.js').Recording} CoreRecording */

/**
 * @typedef {object} StartMessage
 * @property {'key' | 'recipient'} mode
 * @property {string | Uint8Array} key
 * @property {number} [bitrate]
 * @property {string} [wasmUrl]
 * @property {string} [wasmIntegrity] sha384-... of the .wasm (the script-tag widget)
 * @property {MessagePort} port
 */

const scope = /** @type {{ postMessage(m: unknown, t?: Transferable[]): void, onmessage: unknown }} */ (
  /** @type {unknown} */ (self));

/** @type {CoreRecording | null} */
let rec = null;
let started = false;

/** @param {unknown} e */
function fail(e) {
  const err = /** @type {{ code?: string, message?: string }} */ (e);
  const code = err?.code === 'invalid-argument' ? 'invalid-argument' : 'recording-failed';
  rec?.abort();
  rec = null;
  scope.postMessage({ error: code, message: String(err?.message ?? e) });
}

function end() {
  if (!rec) return;
  const r = rec;
  rec = null;
  try {
    r.close();
    scope.postMessage({ done: true });
  } catch (e) {
    fail(e);
  }
}

/** @param {StartMessage} m */
async function start(m) {
  let wasm;
  if (m.wasmIntegrity && m.wasmUrl) {
    const res = await fetch(m.wasmUrl, { integrity: m.wasmIntegrity, credentials: 'omit' });
    if (!res.ok) throw new Error(`fetching ${m.wasmUrl}: HTTP ${res.status}`);
    wasm = { wasmBinary: await res.arrayBuffer() };
  }
  else wasm = m.wasmUrl ? { wasmUrl: m.wasmUrl } : {};
  const rc = await loadRecorder(wasm);
  const key = typeof m.key === 'string' ? parseKey(m.key, { publicKey: m.mode === 'recipient' }) : m.key;
  try {
    rec = rc.record({ [m.mode]: key, bitrate: m.bitrate },
      (chunk) => scope.postMessage({ chunk }, [chunk.buffer]));
  } finally {
    // the module keeps its own copy, zeroized when the recording ends
    if (key instanceof Uint8Array) key.fill(0);
  }
  m.port.onmessage = (e) => {
    if (!rec) return;
    if (e.data instanceof Float32Array) {
      try {
        rec.write(e.data);
      } catch (err) {
        fail(err);
      }
    }
    else if (e.data?.end) end();
  };
  scope.postMessage({ ready: true });
}

scope.onmessage = (/** @type {MessageEvent} */ e) => {
  if (e.data?.end) {
    end();
    return;
  }
  if (started) return;
  started = true;
  start(e.data).catch(fail);
};
