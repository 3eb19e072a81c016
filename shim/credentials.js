/**
 * @file credentials.js  Short-lived credentials from the site's backend
 *
 * A page should not hold a long-term SIP password. With a `credentials`
 * callback the core asks for a credential only when a challenge must be
 * answered and the one it has is missing, expired or was refused; the
 * backend mints it, e.g. for Kamailio's auth_ephemeral module:
 *   username = "<unix expiry>:<user>", password = base64(HMAC-SHA1(secret, username))
 * The core zeroizes it when it expires (wasm/ua/ua.c).
 */
import { PhoneError } from './errors.js';

/**
 * @typedef {object} Credentials  what a `credentials` callback resolves to
 * @property {string} username digest user name (`"<unix expiry>:<user>"` for auth_ephemeral)
 * @property {string} [password]
 * @property {{ md5?: string, sha256?: string, sha512_256?: string }} [ha1] instead of a
 *   password (needs `realm` in the Phone config)
 * @property {number} [ttl] seconds it stays valid (auth_ephemeral's response field)
 * @property {number | string} [expires] when it expires: unix seconds or a date string
 */

/**
 * @typedef {(request: { reason: 'missing' | 'expired' | 'rejected', signal: AbortSignal })
 *   => Promise<Credentials>} CredentialsCallback
 */

/**
 * GET or POST `url` with the page's cookies; the JSON it answers
 * @param {string | URL} url
 * @param {{ method?: string, credentials?: RequestCredentials, signal?: AbortSignal }} options
 * @param {string} what for the error message
 * @returns {Promise<any>}
 */
async function fetchJson(url, { method = 'POST', credentials = 'same-origin', signal }, what) {
  let why = 'could not be reached';
  let cause;
  try {
    const res = await fetch(url, { method, credentials, signal, cache: 'no-store',
      headers: { accept: 'application/json' } });
    why = `answered HTTP ${res.status}`;
    if (res.ok) {
      why = 'did not answer JSON';
      return await res.json();
    }
  } catch (e) {
    cause = e;
  }
  throw new PhoneError('credentials-unavailable', `the ${what} endpoint ${why}`, { cause });
}

/**
 * A `credentials` callback that asks the site's backend: POST (or GET)
 * with the page's cookies, answering `{ username, password, ttl, uris }`
 * as Kamailio's auth_ephemeral README describes.
 * @param {string | URL} url
 * @param {{ method?: 'POST' | 'GET', credentials?: RequestCredentials }} [options]
 *   `credentials: 'include'` for an endpoint on another origin (CORS)
 * @returns {CredentialsCallback}
 */
export function credentialsFromUrl(url, options = {}) {
  return ({ signal }) => fetchJson(url, { ...options, signal }, 'credentials');
}

/**
 * An `iceServers` function that asks the site's backend for TURN REST
 * credentials: `{ username, password, ttl, uris }` (or a list of
 * RTCIceServer, or `{ iceServers: [...] }`).
 * @param {string | URL} url
 * @param {{ method?: 'POST' | 'GET', credentials?: RequestCredentials }} [options]
 * @returns {() => Promise<RTCIceServer[]>}
 */
export function iceServersFromUrl(url, options = {}) {
  return async () => {
    const r = await fetchJson(url, options, 'ICE servers');
    if (Array.isArray(r)) return r;
    if (Array.isArray(r?.iceServers)) return r.iceServers;
    if (Array.isArray(r?.uris) && typeof r.username === 'string') {
      return [{ urls: r.uris, username: r.username, credential: r.password }];
    }
    throw new PhoneError('credentials-unavailable', 'the ICE servers endpoint answered an unknown shape');
  };
}
