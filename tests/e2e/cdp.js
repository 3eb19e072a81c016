// Chromium driven over the DevTools protocol itself, without Playwright: Playwright keeps every
// page `visible` (it turns focus emulation on in its own session for each page) and launches
// Chromium with --disable-background-timer-throttling, --disable-renderer-backgrounding and
// --disable-backgrounding-occluded-windows, so a hidden or frozen tab can only be had this way
// (tools/bench/background-tab.js measured both). Used by tests/e2e/background-tab.test.js and
// that script.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../node/support/servers.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support.js';

const require = createRequire(path.join(ROOT, 'package.json'));
const WS = require('ws');

/** Reject after ms */
function within(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

/**
 * Start Chromium (CHROMIUM_ARGS and `extraArgs`, no Playwright defaults) with a DevTools
 * WebSocket, in its own process group and profile directory.
 * @param {string[]} [extraArgs]
 * @returns {Promise<{
 *   send: (method: string, params?: object, sessionId?: string, ms?: number) => Promise<any>,
 *   attach: (targetId: string) => Promise<string>,
 *   evaluate: (sessionId: string, expression: string, ms?: number) => Promise<any>,
 *   stop: () => Promise<void>,
 * }>} `send` a CDP command (to a page with its sessionId), `attach` to a target (flat sessions),
 *   `evaluate` an expression in a page (promises awaited, value returned), `stop` Chromium
 */
export async function startRawChromium(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-cdp-'));
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${dir}`,
    ...extraArgs, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const exited = new Promise((r) => child.once('exit', r));
  let ws;
  const stop = async () => {
    ws?.terminate();
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
        await Promise.race([exited, sleep(5000)]);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await within(new Promise((resolve, reject) => {
      let buf = '';
      child.stderr.on('data', (d) => {
        buf += d;
        const m = /DevTools listening on (ws:\S+)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.once('exit', (c) => reject(new Error(`chromium exited ${c}: ${buf.slice(-500)}`)));
    }), 30000, 'chromium start');
    ws = new WS(url, { perMessageDeflate: false });
    await within(new Promise((r, j) => { ws.once('open', r); ws.once('error', j); }), 10000, 'CDP connect');
  } catch (err) {
    await stop();
    throw err;
  }
  let id = 0;
  const pending = new Map();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    const p = m.id && pending.get(m.id);
    if (p) {
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`)); else p.resolve(m.result);
    }
  });
  const send = (method, params = {}, sessionId = undefined, ms = 15000) => within(new Promise((resolve, reject) => {
    const i = ++id;
    pending.set(i, { resolve, reject, method });
    ws.send(JSON.stringify({ id: i, method, params, sessionId }));
  }), ms, method);
  const attach = async (targetId) => (await send('Target.attachToTarget', { targetId, flatten: true })).sessionId;
  const evaluate = async (sessionId, expression, ms = 15000) => {
    const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId, ms);
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
    return r.result.value;
  };
  return { send, attach, evaluate, stop };
}

/**
 * Installed in every document of a phone's tab before its scripts run: `window.__bg` logs each
 * WebSocket frame ({ t: Date.now(), dir: 'out' | 'in' | 'open' | 'close', kind: 'REGISTER',
 * 'ping' (CRLFCRLF), 'pong' (CRLF), '200 REGISTER' (status and CSeq method), ... }), each
 * setTimeout of 500 ms or more (asked at, ms, fired at) and each visibility change.
 */
export const WIRE_LOG = `(() => {
  const log = window.__bg = { ws: [], vis: [[Date.now(), document.visibilityState]], timers: [] };
  const dec = new TextDecoder();
  const text = (d) => typeof d === 'string' ? d : dec.decode(d instanceof ArrayBuffer ? new Uint8Array(d, 0, Math.min(d.byteLength, 200)) : d);
  const kindOut = (s) => s === '\\r\\n\\r\\n' ? 'ping' : s.split('\\r\\n')[0].split(' ')[0];
  const kindIn = (s) => {
    if (s === '\\r\\n') return 'pong';
    const first = s.split('\\r\\n')[0];
    const cseq = /^CSeq:\\s*\\d+\\s+(\\S+)/mi.exec(s);
    return first.startsWith('SIP/2.0') ? first.slice(8, 11) + ' ' + (cseq ? cseq[1] : '') : first.split(' ')[0];
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) {
    try { log.ws.push({ t: Date.now(), dir: 'out', kind: kindOut(text(d)) }); } catch (e) {}
    return send.call(this, d);
  };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...a) {
      super(...a);
      log.ws.push({ t: Date.now(), dir: 'open', kind: 'WebSocket ' + a[0] });
      this.addEventListener('message', (e) => { try { log.ws.push({ t: Date.now(), dir: 'in', kind: kindIn(text(e.data)) }); } catch (x) {} });
      this.addEventListener('close', (e) => log.ws.push({ t: Date.now(), dir: 'close', kind: 'close ' + e.code }));
    }
  };
  const st = window.setTimeout;
  window.setTimeout = function (fn, ms, ...a) {
    if (typeof fn !== 'function' || !(ms >= 500)) return st.call(this, fn, ms, ...a);
    const at = Date.now();
    return st.call(this, function (...b) {
      log.timers.push({ at, ms, fired: Date.now() });
      if (log.timers.length > 2000) log.timers.shift();
      return fn.apply(this, b);
    }, ms, ...a);
  };
  document.addEventListener('visibilitychange', () => log.vis.push([Date.now(), document.visibilityState]));
})();`;

/**
 * Open tests/e2e/pages/phone.html in the first tab of `cdp` with WIRE_LOG installed, and open
 * a phone with `config` in it (sipPeer.open: registered when it resolves).
 * @returns {Promise<{ session: string, targetId: string }>}
 */
export async function openPhoneTab(cdp, webUrl, config) {
  const targets = (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'page');
  if (!targets.length) throw new Error('no startup tab');
  const { targetId } = targets[0];
  const session = await cdp.attach(targetId);
  await cdp.send('Page.enable', {}, session);
  await cdp.send('Runtime.enable', {}, session);
  await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: WIRE_LOG }, session);
  await cdp.send('Page.navigate', { url: `${webUrl}/tests/e2e/pages/phone.html` }, session);
  const until = Date.now() + 15000;
  while (!(await cdp.evaluate(session, 'typeof window.sipPeer === "object" && !!window.__bg').catch(() => false))) {
    if (Date.now() > until) throw new Error('phone.html did not load in 15 s');
    await sleep(200);
  }
  await cdp.evaluate(session, `window.sipPeer.open(${JSON.stringify(config)})`, 20000);
  return { session, targetId };
}
