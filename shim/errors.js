/**
 * @file errors.js  PhoneError and the stable error codes
 */

/**
 * Stable error codes. They never change meaning; new ones may be added.
 * @typedef {'invalid-config' | 'insecure-transport' | 'auth-failed' |
 *   'realm-mismatch' | 'algorithm-refused' | 'timeout' | 'transport-closed' |
 *   'rejected' | 'not-found' | 'busy' | 'closed' | 'aborted' | 'bad-command' |
 *   'not-initialized' | 'invalid-argument' | 'no-memory' | 'internal' |
 *   'core-failed' | 'credentials-unavailable' | 'credentials-needed'} ErrorCode
 */

/** What to do next, per code (used when the core gives no message). */
const HINTS = /** @type {Record<string, string>} */ ({
  'invalid-config': 'check the Phone config',
  'insecure-transport': 'use a wss:// server URL',
  'auth-failed': 'check username and password (or ha1) for this server',
  'realm-mismatch': 'the server challenged for another realm than config.realm',
  'algorithm-refused': 'the server offers only digest algorithms weaker than config.minAlgorithm',
  timeout: 'the server did not answer in time; check the server URL and network',
  'transport-closed': 'the WebSocket to the server closed; try again',
  rejected: 'the server refused the request',
  closed: 'the phone is closed; create a new Phone',
  aborted: 'the operation was aborted by its AbortSignal',
  'core-failed': 'the wasm core could not load or stopped; reload the page',
  'credentials-unavailable': 'the credentials callback gave no usable credential; check the credentials endpoint',
});

export class PhoneError extends Error {
  /**
   * @param {ErrorCode | string} code
   * @param {string} [message]
   * @param {{ status?: number, reason?: string, retryIn?: number, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(`${code}: ${message || HINTS[code] || 'failed'}`, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'PhoneError';
    /** @type {ErrorCode | string} */
    this.code = code;
    /** @type {number | undefined} SIP status code, when a response caused it */
    this.status = details.status || undefined;
    /** @type {string | undefined} SIP reason phrase */
    this.reason = details.reason || undefined;
    /** @type {number | undefined} ms until the phone retries by itself (a lost registration) */
    this.retryIn = details.retryIn || undefined;
  }
}
