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
 */
import { Phone, PhoneError, credentialsFromUrl, iceServersFromUrl } from '../../shim/index.js';
import { SipPhone } from './sip-phone.js';

/** @typedef {NonNullable<ConstructorParameters<typeof Phone>[1]>} CoreOptions */

/**
 * Build facts, replaced by tools/widget.js (esbuild `define`).
 * @type {{ version: string, wasmIntegrity: string }}
 */
const BUILD = /** @type {any} */ (globalThis).SIPSHIELD_BUILD;

// document.currentScript is only set while this script first runs
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
let wasmUrl = new URL(script?.dataset.wasmUrl ?? 'sipshield-core.wasm', script?.src || document.baseURI);
/** @type {Promise<CoreOptions> | undefined} */
let pending;

/**
 * Options for every phone of the page.
 * @param {{ wasmUrl?: string | URL }} options
 */
function configure(options) {
  if (options.wasmUrl) {
    wasmUrl = new URL(String(options.wasmUrl), document.baseURI);
    pending = undefined;
  }
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

const api = Object.freeze({ Phone, PhoneError, SipPhone, credentialsFromUrl, iceServersFromUrl,
  version: BUILD.version, configure });
Object.defineProperty(globalThis, 'sipshield', { value: api, configurable: true });
