/**
 * @file words.js  What the widget tells the user: end causes and error codes in words
 *
 * The causes and codes are sipshield's stable strings (README: "ended.cause",
 * "Error codes", "SDP policy"); an unknown one is shown as itself.
 */

/** @type {Record<string, string>} */
const ENDED = {
  'local-hangup': 'you hung up',
  'remote-hangup': 'the other side hung up',
  cancelled: 'the call was cancelled',
  rejected: 'the call was rejected',
  busy: 'the other side is busy',
  declined: 'the other side declined the call',
  'not-found': 'nobody by that address',
  unavailable: 'the other side is not available',
  'not-acceptable': 'the other side cannot take this call (no common secure media)',
  timeout: 'no answer in time',
  'auth-failed': 'the server refused our credentials',
  forbidden: 'the server does not allow this',
  'address-incomplete': 'the address is incomplete',
  redirected: 'the call was redirected elsewhere',
  'server-error': 'the server failed',
  'transport-closed': 'the connection to the server was lost',
  'phone-closed': 'the phone was closed',
  'media-failed': 'the browser could not start audio (is a microphone allowed?)',
  'media-unavailable': 'this browser cannot make calls',
  'ice-failed': 'no media path to the other side could be found (a TURN server may be needed)',
  // SDP policy reasons (shim README "SDP policy")
  'too-large': 'the other side sent an oversized session description',
  'malformed-sdp': 'the other side sent a malformed session description',
  'null-cipher': 'the other side offered media without encryption (NULL cipher)',
  'mki-present': 'the other side offered SDES keys with an MKI',
  'sdes-offered': 'the other side offered unencrypted media (SDES)',
  'mixed-profiles': 'the other side mixed encrypted and unencrypted media',
  'plain-rtp': 'the other side offered unencrypted media (plain RTP)',
  'no-fingerprint': 'the other side offered media without a DTLS fingerprint',
  'weak-fingerprint': 'the other side used a weak DTLS fingerprint hash',
  'relay-unavailable': 'no TURN relay was available, and relay privacy allows nothing else',
};

/** @type {Record<string, string>} */
const ERRORS = {
  'invalid-config': 'the phone is not configured correctly',
  'insecure-transport': 'the server address must start with wss://',
  'auth-failed': 'the server refused the credentials',
  'realm-mismatch': 'the server asked for credentials of another realm',
  'algorithm-refused': 'the server offers only weak password hashing',
  timeout: 'the server did not answer in time',
  'transport-closed': 'the connection to the server closed',
  rejected: 'the server refused the request',
  busy: 'busy: try again in a moment',
  'core-failed': 'the phone could not load; reload the page',
  'invalid-target': 'that is not a phone number or SIP address',
  'media-failed': 'the browser could not start audio (is a microphone allowed?)',
  'credentials-unavailable': 'could not get sign-in credentials from this website',
  'recording-unavailable': 'recording is not available on this page',
  'recording-failed': 'the recording stopped with an error',
};

/**
 * Why a call ended, as a sentence fragment.
 * @param {string} cause
 * @returns {string}
 */
export function endedInWords(cause) {
  return ENDED[cause] ?? cause;
}

/**
 * What went wrong, in words, with the code for support.
 * @param {string} code
 * @returns {string}
 */
export function errorInWords(code) {
  const words = ERRORS[code] ?? ENDED[code];
  return words ? `${words} (${code})` : code;
}
