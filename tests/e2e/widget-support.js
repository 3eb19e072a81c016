// E2E support for <sip-phone>: pages made of the README's snippet only (the script tag with
// its integrity from dist/integrity.json, then the element), served by tools/serve.js under
// the strict widget CSP; every page records CSP violations, console errors, page errors and the
// widget's sip-* events, so a test can assert there were none (or the right ones).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { ROOT, startKamailio, startCoturn } from '../node/support/servers.js';
import { launchBrowser, startSiteServer } from './support.js';

export const SCREENSHOTS = path.join(ROOT, 'build/screenshots');

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Write build/e2e/widget-NAME.html (served with the widget CSP) and return its path.
 * @param {string} name
 * @param {Record<string, string>} attrs the <sip-phone> attributes
 */
export function widgetPage(name, attrs, { module = false, scriptAttrs = '' } = {}) {
  const integrity = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/integrity.json'), 'utf8'));
  const attrText = Object.entries(attrs).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  // module: the ESM entry as a bundler-less site would load 'sipshield/widget'
  const script = module ? '<script type="module" src="/web/widget/sip-phone.js"></script>' :
    `<script src="/dist/sipshield-widget.js" integrity="${integrity['sipshield-widget.js']}" crossorigin="anonymous"${scriptAttrs}></script>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>sip-phone: ${escape(name)}</title>
${script}
</head>
<body>
<main>
<h1>Call us</h1>
<sip-phone${attrText}></sip-phone>
</main>
</body>
</html>
`;
  return writeBuildPage(`widget-${name}.html`, html);
}

/**
 * What every widget test runs on: coturn (unless `coturn: false`), Kamailio with
 * auth_ephemeral, the page server with the site's credentials backend (startSiteServer) and
 * Chromium. The backend mints with coturn's secret, so its credentials are TURN REST ones too:
 * `uris` lists the TURN server and one endpoint serves `credentials-url` and `ice-servers-url`.
 * Pages a test opens go in `rig.open`; `rig.stop()` closes everything, pages first.
 * @param {{ coturn?: boolean, maxBps?: number, minExpires?: number }} [options]
 */
export async function startWidgetRig({ coturn = true, maxBps, minExpires } = {}) {
  /** @type {any} */
  const rig = { open: [] };
  rig.stop = async () => {
    for (const p of rig.open) await p.close();
    await rig.browser?.close();
    await rig.web?.stop();
    await rig.turn?.stop();
    await rig.kam?.stop();
  };
  rig.turn = coturn ? await startCoturn({ maxBps }) : null;
  rig.secret = rig.turn?.secret ?? crypto.randomBytes(16).toString('hex');
  rig.kam = await startKamailio({ alg: 'SHA-256', autheph: rig.secret, minExpires });
  rig.web = await startSiteServer({ secret: rig.secret, uris: rig.turn ? [rig.turn.url] : [] });
  rig.browser = await launchBrowser();
  return rig;
}

/** A host page for the iframe case: another origin embeds the widget page. */
export function iframeHostPage(name, src) {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>host: ${escape(name)}</title></head>
<body>
<main>
<h1>A site embedding the phone</h1>
<iframe src="${escape(src)}" title="Phone" allow="microphone; autoplay" width="400" height="700"></iframe>
</main>
</body>
</html>
`;
  return writeBuildPage(`host-${name}.html`, html);
}

function writeBuildPage(file, html) {
  const out = path.join(ROOT, 'build/e2e', file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, out);
  return `/build/e2e/${file}`;
}

/** Installed before any page script: what the tests assert on. */
function recorder() {
  const rec = { violations: [], events: [], audio: [] };
  Object.defineProperty(window, '__widgetTest', { value: rec });
  // the real AudioContext, observed: which ones the widget made (its ringtone) and their state
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    constructor(...args) {
      super(...args);
      rec.audio.push(this);
    }
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    rec.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
  });
  for (const name of ['sip-registered', 'sip-unregistered', 'sip-incoming', 'sip-call-accepted',
    'sip-call-ended', 'sip-quality-warning', 'sip-recording', 'sip-error']) {
    document.addEventListener(name, (e) => rec.events.push({ type: e.type, detail: e.detail }));
  }
}

/**
 * Open a page in a fresh context with the recorder; `problems()` lists CSP violations,
 * console errors and page errors (all frames).
 */
export async function openPage(browser, url, { login } = {}) {
  const ctx = await browser.newContext({ permissions: ['microphone'] });
  await ctx.addInitScript(recorder);
  // the site's own login: its backend sets the HttpOnly session cookie (context-wide)
  if (login) {
    const r = await ctx.request.get(`${login.origin}/demo-login?user=${login.user}`);
    if (r.status() !== 204) throw new Error(`demo login: HTTP ${r.status()}`);
  }
  const page = await ctx.newPage();
  const minted = [];  // the short-lived credentials the backend handed this page
  page.on('response', async (r) => {
    if (new URL(r.url()).pathname === '/sip-credentials' && r.status() === 200) {
      minted.push(await r.json().catch(() => null));
    }
  });
  const errors = [];
  const logs = [];  // every console line, for the secret scans
  page.on('console', (m) => {
    logs.push(m.text());
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  const frameViolations = async () => {
    const out = [];
    for (const f of page.frames()) {
      out.push(...await f.evaluate(() => window.__widgetTest?.violations ?? []).catch(() => []));
    }
    return out;
  };
  return {
    ctx, page, logs, minted,
    problems: async () => [...errors, ...await frameViolations()],
    events: (frame = page) => frame.evaluate(() => window.__widgetTest.events),
    close: () => ctx.close().catch(() => {}),
  };
}

/** The widget's registration state (data-reg of its root: idle|registering|registered|failed) */
export function regState(frame) {
  return frame.evaluate(() => document.querySelector('sip-phone').shadowRoot.querySelector('.phone').dataset.reg);
}

export async function waitReg(frame, state, ms = 15000) {
  await frame.waitForFunction((s) => document.querySelector('sip-phone')?.shadowRoot
    ?.querySelector('.phone')?.dataset.reg === s, state, { timeout: ms });
}

/** States of the AudioContexts the widget made ('running', 'closed', ...) */
export function audioContexts(frame) {
  return frame.evaluate(() => window.__widgetTest.audio.map((c) => c.state));
}

/** Every string a secret could hide in: the light DOM and shadow roots' HTML, web storage,
 *  cookies readable by script, IndexedDB database names, and the recorded events. */
export function pageText(frame) {
  return frame.evaluate(async () => {
    const parts = [document.documentElement.outerHTML];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) {
          parts.push(el.shadowRoot.innerHTML);
          walk(el.shadowRoot);
        }
        for (const a of el.getAttributeNames()) parts.push(el.getAttribute(a));
        if (el instanceof HTMLInputElement) parts.push(el.value);
      }
    };
    walk(document);
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) parts.push(s.key(i), s.getItem(s.key(i)));
    }
    parts.push(document.cookie);
    parts.push(JSON.stringify((await indexedDB.databases()).map((d) => d.name)));
    parts.push(JSON.stringify(window.__widgetTest.events));
    return parts.join('\n');
  });
}

/** Inbound audio of the widget's call: packets and level (from its RTCPeerConnection) */
export function inboundAudio(frame) {
  return frame.evaluate(async () => {
    const pc = document.querySelector('sip-phone').phone?.calls[0]?.peerConnection;
    if (!pc) return null;
    let r = null;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') r = { packets: s.packetsReceived, level: s.audioLevel ?? null };
    });
    return r;
  });
}

/**
 * Wait (at most @p ms) until both widgets' calls receive audio with sound in it; assert it.
 * @returns {Promise<[object, object]>} the last inbound figures of each side
 */
export async function audioBothWays(frameA, frameB, ms) {
  const until = Date.now() + ms;
  let a, b;
  const heard = () => a?.packets > 0 && b?.packets > 0 && a.level > 0.001 && b.level > 0.001;
  while (Date.now() < until) {
    a = await inboundAudio(frameA);
    b = await inboundAudio(frameB);
    if (heard()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(heard(), `no audio both ways: ${JSON.stringify([a, b])}`);
  return [a, b];
}

export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.locator('sip-phone').screenshot({ path: file });
  return file;
}
