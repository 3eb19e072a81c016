/**
 * @file protocol.js  The app:// handler: the desktop window's only origin
 *
 * The window loads app://sipshield/ and nothing else. This module answers those
 * requests for Electron's `protocol.handle(APP_SCHEME, handler)` with the
 * WHATWG Request/Response pair (Node 20 has both globally, so it needs no
 * `require('electron')` and is unit-tested in plain Node).
 *
 * What is served is an allowlist fixed when the handler is made: the regular
 * files of rendererDir with a known type (index.html also at `/`) and the
 * sipshield package's `sipshield-widget.js` and `sipshield-core.wasm` from
 * widgetDir. The request path is only ever a key into that list, never joined
 * to a directory, so `..`, `%2e%2e`, backslashes, NUL and double encoding find
 * nothing. Every response, errors included, carries the CSP below and the
 * other security headers.
 *
 * CSP: the widget's strict policy (README "Website widget"), with connect-src
 * narrowed to the configured SIP server and the credentials / ICE endpoints,
 * each reduced to its origin. A value that is not a plain origin of the right
 * scheme is left out, so a hostile setting cannot add a directive or a wildcard.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const APP_SCHEME = 'app';
const APP_HOST = 'sipshield';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** @type {Record<string, string>} renderer files by extension: anything else is not served */
const RENDERER_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** @type {Record<string, string>} the widget's two files, from the package's dist/ */
const WIDGET_FILES = {
  'sipshield-widget.js': 'text/javascript; charset=utf-8',
  'sipshield-core.wasm': 'application/wasm',
};

/** Microphone and camera for this origin only (calls); the rest of what a page could ask for: nobody */
const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), display-capture=(), geolocation=(), ' +
  'payment=(), usb=(), serial=(), hid=()';

/**
 * A DNS name or IPv4 address with an optional port, as URL parsing leaves a host
 * (lowercase, punycode): the only hosts a CSP source may carry here. IPv6
 * literals are not valid CSP host-sources, so they are left out too.
 */
const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;

/**
 * @typedef {object} CspAccount  the account fields the CSP depends on (a DesktopAccount fits)
 * @property {string | null} [server] wss:// URL of the SIP server
 * @property {string | null} [credentialsUrl] https:// endpoint for short-lived SIP credentials
 * @property {string | null} [iceServersUrl] https:// endpoint for TURN REST credentials
 */

/**
 * The origin of `value` if it is a URL of one of `schemes` with a plain host
 * and no user info; http: only for loopback (tests run their backends there).
 * @param {unknown} value
 * @param {string[]} schemes e.g. ['wss:'] or ['https:', 'http:']
 * @returns {string | null} `scheme://host[:port]`, or null when unusable
 */
function originOf(value, schemes) {
  if (typeof value !== 'string' || value === '') return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (!schemes.includes(url.protocol) || url.username || url.password) return null;
  if (!HOST_RE.test(url.host)) return null;
  if (url.protocol === 'http:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return null;
  return `${url.protocol}//${url.host}`;
}

/**
 * The page's Content-Security-Policy for `account`: the widget's strict policy
 * with connect-src limited to this app, the SIP server and the two endpoints.
 * @param {CspAccount | null} [account] null before the user configured one
 * @returns {string}
 */
function contentSecurityPolicy(account) {
  const connect = ["'self'"];
  const sources = [
    originOf(account?.server, ['wss:']),
    originOf(account?.credentialsUrl, ['https:', 'http:']),
    originOf(account?.iceServersUrl, ['https:', 'http:']),
  ];
  for (const s of sources) {
    if (s && !connect.includes(s)) connect.push(s);
  }
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "media-src 'self' blob:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * @typedef {object} AppFile
 * @property {string} file absolute path
 * @property {string} type Content-Type
 */

/**
 * The allowlist: URL path → file. Renderer files are the regular files (not
 * links, not dot files) of rendererDir with a known extension.
 * @param {string} rendererDir
 * @param {string} widgetDir
 * @returns {Map<string, AppFile>}
 */
function allowlist(rendererDir, widgetDir) {
  /** @type {Map<string, AppFile>} */
  const files = new Map();
  for (const entry of fs.readdirSync(rendererDir, { withFileTypes: true })) {
    const type = RENDERER_TYPES[path.extname(entry.name).toLowerCase()];
    if (!entry.isFile() || entry.name.startsWith('.') || !type) continue;
    if (!/^[A-Za-z0-9._-]+$/.test(entry.name)) continue;
    files.set(`/${entry.name}`, { file: path.join(rendererDir, entry.name), type });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  for (const [name, type] of Object.entries(WIDGET_FILES)) {
    files.set(`/${name}`, { file: path.join(widgetDir, name), type });
  }
  return files;
}

/**
 * Make the handler for `protocol.handle(APP_SCHEME, ...)`.
 * @param {object} options
 * @param {string} options.rendererDir the page: index.html, renderer.js, ...
 * @param {string} options.widgetDir the installed sipshield package's dist/
 * @param {string | (() => string)} options.csp the policy, or a function read per
 *   request so that a settings change applies at the next load
 * @returns {(request: Request) => Promise<Response>}
 */
function createAppHandler({ rendererDir, widgetDir, csp }) {
  const files = allowlist(rendererDir, widgetDir);

  /** @returns {string} */
  const policy = () => {
    try {
      const value = typeof csp === 'function' ? csp() : csp;
      if (typeof value === 'string' && value && !/[\r\n\0]/.test(value)) return value;
    } catch {
      // a failing settings read must not leave a response without a policy
    }
    return contentSecurityPolicy(null);
  };

  /**
   * @param {number} status
   * @param {BodyInit | null} body
   * @param {Record<string, string>} extra
   */
  const respond = (status, body, extra) => new Response(body, {
    status,
    headers: {
      'Content-Security-Policy': policy(),
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Permissions-Policy': PERMISSIONS_POLICY,
      ...extra,
    },
  });

  /**
   * @param {number} status
   * @param {string} text
   * @param {Record<string, string>} [extra]
   */
  const fail = (status, text, extra = {}) =>
    respond(status, `${text}\n`, { 'Content-Type': 'text/plain; charset=utf-8', ...extra });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return fail(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    let url;
    try {
      url = new URL(request.url);
    } catch {
      return fail(404, 'Not Found');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) {
      return fail(404, 'Not Found');
    }
    const entry = files.get(url.pathname);
    if (!entry) return fail(404, 'Not Found');
    let body;
    try {
      body = await fs.promises.readFile(entry.file);
    } catch {
      return fail(404, 'Not Found');
    }
    return respond(200, request.method === 'HEAD' ? null : body,
      { 'Content-Type': entry.type, 'Content-Length': String(body.length) });
  };
}

module.exports = { APP_SCHEME, APP_HOST, APP_ORIGIN, contentSecurityPolicy, createAppHandler };
