// E2E support for the desktop app's page (web/electron/renderer/) in headless Chromium, the
// Electron binary being unavailable here: the app:// handler (web/electron/main/protocol.js)
// behind a 127.0.0.1 HTTP server, so the page gets exactly the app's files and headers (CSP
// included); a stand-in for the preload's `window.sipshieldDesktop` that records what the page
// tells the main process and lets a test send it commands; and a TURN REST endpoint on another
// origin (CORS with credentials), as an account's iceServersUrl would be.
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, turnCredentials } from '../node/support/servers.js';
import { openPage } from './widget-support.js';

const require = createRequire(import.meta.url);
const { APP_ORIGIN, contentSecurityPolicy, createAppHandler } = require('../../web/electron/main/protocol.js');

export { contentSecurityPolicy };

/** @param {http.Server} server */
async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

/**
 * Serve the app over HTTP: each request becomes `new Request('app://sipshield' + path)` for
 * createAppHandler (renderer from web/electron/renderer, widget from dist/), and its Response
 * goes back with every header. `account()` is read per request for the CSP, as in the app.
 * @param {{ account: () => object | null }} options
 */
export async function startAppServer({ account }) {
  const handle = createAppHandler({
    rendererDir: path.join(ROOT, 'web/electron/renderer'),
    widgetDir: path.join(ROOT, 'dist'),
    csp: () => contentSecurityPolicy(account()),
  });
  const server = http.createServer(async (req, res) => {
    try {
      const r = await handle(new Request(`${APP_ORIGIN}${req.url}`, { method: req.method }));
      const headers = {};
      r.headers.forEach((value, name) => { headers[name] = value; });
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return listen(server);
}

/**
 * TURN REST credentials for coturn's secret, POST with CORS for `origin` (credentials mode
 * 'include'). `minted` collects what it handed out, for the secret scans.
 * @param {{ secret: string, turnUrl: string, origin: () => string }} options
 */
export async function startIceEndpoint({ secret, turnUrl, origin }) {
  const minted = [];
  const server = http.createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': origin(), 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
    if (req.method !== 'POST' || req.headers.origin !== origin()) {
      res.writeHead(403, cors).end();
      return;
    }
    const { username, credential } = turnCredentials(secret, 'desktop');
    minted.push({ username, password: credential });
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ username, password: credential, ttl: 600, uris: [turnUrl] }));
  });
  return { ...await listen(server), minted };
}

/**
 * The preload's API as the page sees it (desktop-api.d.ts), installed before any page script.
 * Runs in the page: everything it needs comes in `init`.
 * @param {{ account: object | null, username: string, password: string, ha1?: object, saved: object | null }} init
 *   `saved`: the account saveAccount() answers with (null: it answers ok: false); `ha1`: the
 *   credential is HA1s (what the main process stores when the user gave the realm)
 */
function desktopStandIn(init) {
  const calls = [];  // what the page told the main process, in order
  const listeners = new Set();
  let account = init.account;
  Object.defineProperty(window, '__desktop', {
    value: Object.freeze({
      calls,
      /** a command from the "main process" */
      send: (command) => { for (const l of listeners) l(command); },
      /** the main process saved other settings (then a test sends 'account-changed') */
      setAccount: (next) => { account = next; },
    }),
  });
  const api = {
    account: async () => (account ? { ...account } : null),
    saveAccount: async (input) => {
      calls.push({ type: 'saveAccount', input: { ...input } });
      if (!init.saved) return { ok: false, reason: 'The server must be a wss:// URL.' };
      account = { ...init.saved };
      return { ok: true, account: { ...account } };
    },
    clearAccount: async () => { account = null; },
    credentials: async (reason) => {
      calls.push({ type: 'credentials', reason });
      return init.ha1 ? { username: init.username, ha1: { ...init.ha1 } } :
        { username: init.username, password: init.password };
    },
    reportState: (state) => calls.push({ type: 'reportState', state: { ...state } }),
    notifyIncoming: (caller) => calls.push({ type: 'notifyIncoming', caller: { ...caller } }),
    quitReady: () => calls.push({ type: 'quitReady' }),
    onCommand: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  Object.defineProperty(window, 'sipshieldDesktop', { value: Object.freeze(api) });
}

/**
 * Open the app's page for one user with the stand-in API (and widget-support's recorder:
 * CSP violations, console errors, sip-* events).
 * @param {import('playwright-core').Browser} browser
 * @param {string} appUrl
 * @param {{ account: object | null, username: string, password: string, ha1?: object, saved?: object | null }} init
 */
export async function openDesktop(browser, appUrl, init) {
  const p = await openPage(browser, 'about:blank');
  await p.ctx.addInitScript(desktopStandIn, { saved: null, ...init });
  await p.page.setViewportSize({ width: 480, height: 760 });
  const response = await p.page.goto(`${appUrl}/`);
  return {
    ...p,
    /** the headers the page was served with */
    headers: response ? await response.allHeaders() : {},
    /** what the page told the main process */
    calls: () => p.page.evaluate(() => window.__desktop.calls),
    /** a command from the main process */
    send: (command) => p.page.evaluate((c) => window.__desktop.send(c), command),
    /** change what account() answers */
    setAccount: (account) => p.page.evaluate((a) => window.__desktop.setAccount(a), account),
    /** wait until the page told the main process something `match` accepts */
    waitCall: (match, ms = 15000) => p.page.waitForFunction(
      (m) => window.__desktop.calls.some((c) => c.type === m.type &&
        Object.entries(m.state ?? {}).every(([k, v]) => c.state?.[k] === v)),
      match, { timeout: ms }),
  };
}
