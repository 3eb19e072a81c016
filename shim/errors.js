/**
 * @file errors.js  PhoneError and the stable codes: error codes, end causes
 *
 * The core's codes are spelled once in C (wasm/include/codes.h, with the
 * tables from SIP statuses and errno values in wasm/codes/codes.c); the
 * unions below are checked against them by tests/node/codes.test.js, in
 * both directions. The typedefs are types only: of this file, only HINTS
 * and PhoneError ship in the page.
 */

/**
 * Why the SDP policy refused an SDP (wasm/policy/sdp.c): the `reason` of
 * `checkSdp()`, and the code or end cause when it refused one of a call's.
 * @typedef {'malformed-sdp' | 'too-large' | 'null-cipher' | 'mki-present' |
 *   'sdes-offered' | 'mixed-profiles' | 'plain-rtp' | 'no-fingerprint' |
 *   'weak-fingerprint' | 'relay-unavailable' | 'invalid-argument' |
 *   'out-of-memory'} PolicyReason
 */

/**
 * Why a call ended (`call.on('ended')`'s `cause`): a final SIP status
 * through the core's one table (`forbidden` is 403, `auth-failed` 401/407
 * we could not answer, `redirected` 3xx, `server-error` 5xx, ...), how
 * the core saw it end otherwise, how the shim ended it (`media-failed`,
 * `media-unavailable`, `ice-failed`, `core-failed`), or the policy's
 * reason when it refused an SDP of the call.
 * @typedef {'busy' | 'declined' | 'not-found' | 'unavailable' | 'cancelled' |
 *   'not-acceptable' | 'timeout' | 'auth-failed' | 'forbidden' |
 *   'address-incomplete' | 'redirected' | 'server-error' | 'rejected' |
 *   'local-hangup' | 'remote-hangup' | 'transport-closed' | 'phone-closed' |
 *   'media-failed' | 'media-unavailable' | 'ice-failed' | 'no-candidates' |
 *   'core-failed' | PolicyReason} Cause
 */

/**
 * Stable error codes (`PhoneError.code`). They never change meaning; new
 * ones may be added. A failed request or call step carries its Cause (a
 * registration refused with 403 is `forbidden`, as a call is), a bad
 * argument `invalid-argument` (in PolicyReason, too). `busy`:
 * something else is in progress or every slot is taken, try again later;
 * `invalid-state`: not possible in the current state, retrying won't help.
 * @typedef {Cause | 'invalid-config' | 'insecure-transport' |
 *   'realm-mismatch' | 'algorithm-refused' | 'closed' | 'aborted' |
 *   'bad-command' | 'not-initialized' | 'no-memory' | 'internal' |
 *   'invalid-target' | 'invalid-state' | 'credentials-unavailable' |
 *   'credentials-needed' | 'recording-unavailable' |
 *   'recording-failed' | 'flow-dead' | 'failback'} ErrorCode
 */

/**
 * Why a phone or a call is reconnecting (`reconnecting`'s `cause`): the
 * WebSocket closed or stopped answering keep-alives (`flow-dead`), or the
 * phone moves back to its first server (`failback`); a call's media was
 * lost (`ice-disconnected`) or the network changed (`network-change`),
 * and ICE restarts.
 * @typedef {'transport-closed' | 'flow-dead' | 'failback' |
 *   'ice-disconnected' | 'network-change'} ReconnectCause
 */

/**
 * What to do next, per code, when an error has no message of its own (the
 * core gives one with every invalid-config and insecure-transport).
 */
const HINTS = /** @type {Partial<Record<ErrorCode, string>>} */ ({
  'auth-failed': 'check username and password (or ha1)',
  forbidden: 'the server forbids it: check the account',
  'realm-mismatch': 'the server challenged for another realm: check config.realm',
  'algorithm-refused': 'the server offers only algorithms below config.minAlgorithm',
  timeout: 'no answer in time: check the server URL and network',
  'transport-closed': 'the WebSocket closed: try again',
  'flow-dead': 'no answer to keep-alives: check the network',
  rejected: 'the server refused the request',
  closed: 'the phone is closed: create a new Phone',
  aborted: 'aborted by its AbortSignal',
  'core-failed': 'the wasm core failed: reload the page',
  'no-candidates': 'no ICE candidate: configure TURN (iceServers) or privacy \'off\'',
  'relay-unavailable': 'relay privacy needs a working TURN server (iceServers)',
  'credentials-unavailable': 'no usable credential: check the credentials endpoint',
});

export class PhoneError extends Error {
  /**
   * @param {ErrorCode} code
   * @param {string | null} [message] (none: the code's hint)
   * @param {{ status?: number, reason?: string, retryIn?: number, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(`${code}: ${message || HINTS[code] || 'failed'}`, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'PhoneError';
    /** @type {ErrorCode} */
    this.code = code;
    /** @type {number | undefined} SIP status code, when a response caused it */
    this.status = details.status || undefined;
    /** @type {string | undefined} SIP reason phrase */
    this.reason = details.reason || undefined;
    /** @type {number | undefined} ms until the phone retries by itself (a lost registration) */
    this.retryIn = details.retryIn || undefined;
  }
}
