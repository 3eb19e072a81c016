/**
 * @file check.js  The core's checks as tools: `import { loadSipCheck,
 * checkSdp } from 'sipshield/check'`
 *
 * Every frame a Phone receives goes through the core's strict message check
 * (wasm/check/check.c) before the SIP stack sees it; the page core refuses
 * what fails without describing it. The check build of the core
 * (dist/sipshield-check.wasm, CHECK_WASM_URL) also writes the check's JSON
 * report, for tools: the CLI (`sipshield check-sip`), benchmarks, a server
 * operator's inspector. It is a module of its own so that a page bundling
 * `sipshield` never downloads it.
 *
 *   const checkSip = await loadSipCheck();
 *   checkSip(bytes)  // {"ok":true,"kind":"request","method":"INVITE",...}
 *                    // or {"ok":false,"reason":"bad-cseq","detail":"..."}
 *
 * checkSdp() asks a core over the check build (loadCheckCore(), as the CLI
 * does) for the SDP policy's verdict, which a Phone applies to every SDP
 * by itself. The page core (loadCore()) has no such command: it keeps the
 * page's download small.
 */
import { instantiateCore } from './wasm.js';
import { Core, wasmBytes } from './core.js';
import { PhoneError } from './errors.js';
import { internal } from './internal.js';

/** @typedef {import('./core.js').CoreOptions} CoreOptions */

/**
 * The SDP policy's verdict (`checkSdp()`)
 * @typedef {object} SdpVerdict
 * @property {boolean} ok
 * @property {import('./errors.js').PolicyReason} [reason] why it was refused
 * @property {number} [line] 1-based line of the offence (0: the whole SDP)
 * @property {string | null} [detail] short human text
 * @property {string} [sdp] a local SDP that passes: what may leave
 * @property {'mdns' | 'relay' | 'off'} [privacy] a local SDP: the mode applied
 */

const encoder = new TextEncoder();

/** Where the check build of the core is, next to the page core */
export const CHECK_WASM_URL = new URL('../dist/sipshield-check.wasm', import.meta.url);

/**
 * Load a check build of the core (its own instance: no phones, no sockets).
 * @param {Pick<CoreOptions, 'wasmBinary' | 'wasmUrl'>} [options] the
 *   check build's bytes or URL (default CHECK_WASM_URL)
 * @returns {Promise<(bytes: Uint8Array) => Record<string, unknown>>} a
 *   function that checks one SIP message (one WebSocket frame) and returns
 *   the JSON report; it throws PhoneError `core-failed` once the instance
 *   has failed
 */
export async function loadSipCheck(options = {}) {
  const bytes = await wasmBytes({ wasmUrl: CHECK_WASM_URL, ...options });
  /** @type {string | null} */
  let report = null;
  /** @type {Error | null} */
  let dead = null;
  let m;
  try {
    m = await instantiateCore(/** @type {BufferSource} */ (bytes), {
      emit: (text) => { report = text; },
      wsOpen: () => 1,
      wsSend: () => 1,
      wsClose: () => {},
      log: () => {},
    });
  } catch (e) {
    throw new PhoneError('core-failed', 'could not load the wasm core', { cause: e });
  }
  const check = m.sp_sip_check;
  if (!check || m.sp_init(0, 0)) {
    throw new PhoneError('core-failed', 'not a check build of the core (CHECK_WASM_URL)');
  }

  return function checkSip(msg) {
    if (dead) throw dead;
    const ptr = m.sp_malloc(Math.max(1, msg.length));
    if (!ptr) throw new PhoneError('no-memory', 'out of wasm memory');
    report = null;
    try {
      m.heap.set(msg, ptr);
      check(ptr, msg.length, 1);
    } catch (e) {
      // an exception out of wasm (abort, trap) kills the instance
      dead = new PhoneError('core-failed', 'the wasm core failed', { cause: e });
      throw dead;
    } finally {
      if (!dead) m.sp_free(ptr);
    }
    if (report === null) throw new PhoneError('internal', 'no report from the core');
    return JSON.parse(report);
  };
}


/**
 * A core over the check build, for checkSdp() (its own instance, not the
 * page's shared one).
 * @param {Pick<CoreOptions, 'wasmBinary' | 'wasmUrl'>} [options] the
 *   check build's bytes or URL (default CHECK_WASM_URL)
 * @returns {Promise<Core>}
 */
export function loadCheckCore(options = {}) {
  return Core.load({ wasmUrl: CHECK_WASM_URL, ...options });
}

/**
 * The DTLS-SRTP and privacy policy's verdict on one SDP (wasm/policy).
 * @param {Core} core from loadCheckCore()
 * @param {string} sdp
 * @param {{ direction?: 'remote' | 'local', privacy?: 'mdns' | 'relay' | 'off' }} [options]
 *   remote: may it reach setRemoteDescription; local: what may leave
 * @returns {SdpVerdict}
 */
export function checkSdp(core, sdp, { direction = 'remote', privacy = 'mdns' } = {}) {
  // a JSON string may carry U+0000, which ends the C string: the core
  // compares its length with this one (the SDP's UTF-8 length)
  const bytes = encoder.encode(sdp).length;
  let reply;
  try {
    reply = internal.cmd(core, { cmd: 'sdp.check', sdp, bytes, direction, privacy });
  } catch (e) {
    // larger than a command may be: far over the policy's 64 KiB
    if (!(e instanceof PhoneError) || e.code !== 'too-large') throw e;
    return { ok: false, reason: 'too-large', line: 0, detail: `SDP of ${bytes} bytes: over 64 KiB` };
  }
  if (reply.err === 'bad-command') {
    throw new PhoneError('bad-command', 'checkSdp() needs the check build of the core: loadCheckCore()');
  }
  if (reply.err) throw new PhoneError(reply.err, reply.message);
  const { id, err, ...verdict } = reply;
  void id; void err;
  return /** @type {SdpVerdict} */ (verdict);
}
