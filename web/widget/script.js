/**
 * @file script.js  Entry of dist/sipshield-widget.js, the script-tag build
 *
 * One classic script (tools/widget.js bundles it as an IIFE) that defines
 * `<sip-phone>` and `window.sipshield`. The wasm core is fetched from beside
 * the script, with the sha384 embedded at build time as its integrity, and
 * handed to the shim as bytes.
 *
 * Where the wasm comes from, first that applies:
 * `sipshield.configure({ wasmUrl })` (before the first phone starts),
 * `data-wasm-url` on the script tag, `sipshield-core.wasm` beside the script.
 * There is no log option: the page core logs errors only, and
 * its phones log at level 0 (README "Logging": levels 2 to 4 need
 * sipshield-core-debug.wasm, which this script never loads).
 *
 * Call recording is not in this script: when the first recording starts
 * (`element.record()`, or `call.record()` after `await
 * sipshield.loadRecorder()`), dist/sipshield-record.js is imported from
 * beside the script (or `configure({ recorderUrl })`: the folder of the
 * four recorder files), and it starts dist/sipshield-record-worker.js and
 * dist/sipshield-record-worklet.js from there; the Worker fetches
 * sipshield-recorder.wasm with its sha384 (embedded at build time) as the
 * integrity. Scripts loaded by import(), new Worker() and addModule() can
 * carry no integrity: they are same-origin files (script-src 'self'),
 * their hashes are in dist/integrity.json for a deploy check.
 */
import { Phone, PhoneError, credentialsFromUrl, iceServersFromUrl } from '../../shim/index.js';
import { SipPhone } from './sip-phone.js';

/** @typedef {NonNullable<ConstructorParameters<typeof Phone>[1]>} CoreOptions */

/**
 * Build facts, replaced by tools/widget.js (esbuild `define`).
 * @type {{ version: string, wasmIntegrity: string, recorderIntegrity: string }}
 */
const BUILD = /** @type {any} */ (globalThis).SIPSHIELD_BUILD;

// document.currentScript is only set while this script first runs
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
let wasmUrl = new URL(script?.dataset.wasmUrl ?? 'sipshield-core.wasm', script?.src || document.baseURI);
let recorderUrl = new URL('.', script?.src || document.baseURI);
/** @type {Promise<CoreOptions> | undefined} */
let pending;
/** @type {Promise<void> | undefined} */
let recorder;

/**
 * Options for every phone of the page.
 * @param {{ wasmUrl?: string | URL, recorderUrl?: string | URL }} options
 */
function configure(options) {
  if (options.wasmUrl) {
    wasmUrl = new URL(String(options.wasmUrl), document.baseURI);
    pending = undefined;
  }
  if (options.recorderUrl) recorderUrl = new URL(String(options.recorderUrl), document.baseURI);
}

/**
 * Load call recording once: `call.record()` works when this resolved.
 * @returns {Promise<void>}
 */
function loadRecorder() {
  const at = (/** @type {string} */ file) => new URL(file, recorderUrl);
  recorder ??= import(at('sipshield-record.js').href).then((/** @type {any} */ m) => {
    m.configureRecording({ workerUrl: at('sipshield-record-worker.js'), workletUrl: at('sipshield-record-worklet.js'),
      wasmUrl: at('sipshield-recorder.wasm'), wasmIntegrity: BUILD.recorderIntegrity });
  }, (e) => {
    recorder = undefined;
    throw new PhoneError('recording-unavailable', `could not load ${at('sipshield-record.js').href}`, { cause: e });
  });
  return recorder;
}

/** @returns {Promise<CoreOptions>} the wasm bytes, fetched once, integrity checked */
function coreOptions() {
  pending ??= fetchWasm(wasmUrl).catch((e) => {
    pending = undefined;  // a later phone tries again
    throw e;
  });
  return pending;
}

/** @param {URL} url */
async function fetchWasm(url) {
  let res;
  try {
    res = await fetch(url, { integrity: BUILD.wasmIntegrity, credentials: 'omit' });
  } catch (e) {
    throw new PhoneError('core-failed',
      `could not fetch ${url.href} (blocked, unreachable, or not the wasm of sipshield ${BUILD.version})`, { cause: e });
  }
  if (!res.ok) throw new PhoneError('core-failed', `fetching ${url.href}: HTTP ${res.status}`);
  return { wasmBinary: await res.arrayBuffer() };
}

SipPhone.coreOptions = coreOptions;
SipPhone.loadRecorder = loadRecorder;

const api = Object.freeze({ Phone, PhoneError, SipPhone, credentialsFromUrl, iceServersFromUrl,
  version: BUILD.version, configure, loadRecorder });
Object.defineProperty(globalThis, 'sipshield', { value: api, configurable: true });
