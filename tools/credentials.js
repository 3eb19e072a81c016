/**
 * @file credentials.js  A small credentials backend: what a site's server does so that its
 * pages never hold a SIP password (the demo and the browser tests mount it in tools/serve.js)
 *
 * It shares a secret with Kamailio's auth_ephemeral module and mints, for the user of a
 * logged-in session, the response that module's README describes:
 *   { "username": "<unix expiry>:<user>", "password": base64(HMAC-SHA1(secret, username)),
 *     "ttl": <seconds>, "uris": [...] }
 * Sessions here are a demo's: GET /demo-login?user=NAME sets an HttpOnly, SameSite=Strict
 * cookie for a random session id. A real site uses its own login instead.
 *
 *   POST or GET /sip-credentials   200 credentials | 401 no session | 405 other methods
 *   GET /demo-login?user=NAME      204 + Set-Cookie | 400 unknown user
 *   POST /demo-logout              204, the session is gone
 */
import crypto from 'node:crypto';

/**
 * The auth_ephemeral credential for `user`, valid `ttl` seconds from `now`
 * @param {string} secret shared with Kamailio (modparam "auth_ephemeral" "secret")
 * @param {string} user
 * @param {number} ttl seconds
 * @param {number} [now] unix seconds
 * @returns {{ username: string, password: string, ttl: number }}
 */
export function mintCredentials(secret, user, ttl, now = Math.floor(Date.now() / 1000)) {
  const username = `${now + ttl}:${user}`;
  const password = crypto.createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, ttl };
}

const COOKIE = 'sipshield_session';

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {string | undefined} the session id the request's cookie names
 */
function sessionOf(req) {
  for (const part of String(req.headers.cookie || '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return undefined;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {object} [body]
 */
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body ? JSON.stringify(body) : '');
}

/**
 * The backend's request handler. Options can change while it runs (tests turn the backend
 * "down", shorten the ttl, or break the secret).
 * @param {{ secret: string, ttl?: number, users: string[], uris?: string[], down?: boolean }} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse,
 *   url: URL) => boolean} true if it answered the request
 */
export function credentialsBackend(options) {
  /** @type {Map<string, string>} session id -> user */
  const sessions = new Map();
  return (req, res, url) => {
    if (url.pathname === '/demo-login' && req.method === 'GET') {
      const user = url.searchParams.get('user') || '';
      if (!options.users.includes(user)) {
        send(res, 400, { error: 'unknown user' });
        return true;
      }
      const id = crypto.randomBytes(18).toString('base64url');
      sessions.set(id, user);
      res.writeHead(204, { 'set-cookie': `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`,
        'cache-control': 'no-store' });
      res.end();
      return true;
    }
    if (url.pathname === '/demo-logout' && req.method === 'POST') {
      sessions.delete(sessionOf(req) || '');
      send(res, 204);
      return true;
    }
    if (url.pathname !== '/sip-credentials') return false;
    if (req.method !== 'POST' && req.method !== 'GET') {
      send(res, 405, { error: 'use POST or GET' });
      return true;
    }
    if (options.down) {
      send(res, 503, { error: 'unavailable' });
      return true;
    }
    const user = sessions.get(sessionOf(req) || '');
    if (!user) {
      send(res, 401, { error: 'log in first' });
      return true;
    }
    send(res, 200, { ...mintCredentials(options.secret, user, options.ttl ?? 3600),
      uris: options.uris ?? [] });
    return true;
  };
}
