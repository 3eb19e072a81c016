// E2E: the demo page in headless Chromium registers alice to real Kamailio over WSS
// (the browser's own WebSocket and TLS) with a short-lived credential from the site's
// backend (auth_ephemeral), and shows the refusals.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startKamailio, REALM } from '../node/support/servers.js';
import { launchBrowser, startSiteServer } from './support.js';

describe('Alice registers from the demo page in Chromium', () => {
  const secret = crypto.randomBytes(16).toString('hex');
  let kam, web, browser;
  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256', autheph: secret });
    web = await startSiteServer({ secret, config: { server: kam.url, uri: `sip:alice@${REALM}` } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
    await kam?.stop();
  });

  const status = (page, re) => page.waitForFunction(
    (src) => new RegExp(src).test(document.getElementById('status').textContent), re.source, { timeout: 15000 });

  it('registers over wss:// and unregisters', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const frames = [];
    const minted = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    page.on('response', async (r) => { if (r.url().endsWith('/sip-credentials')) minted.push(await r.json()); });
    await page.goto(`${web.url}/`);
    await page.waitForFunction(() => /^signed in/.test(document.getElementById('signedin').textContent));
    await page.click('#register');
    await status(page, /^registered as sip:alice@/);
    assert.match(await page.textContent('#log'), /transport open/);
    // what left the browser: SHA-256 digest as <expiry>:alice, .invalid Via, no password
    const auth = frames.filter((f) => /^Authorization: Digest /m.test(f));
    assert.ok(auth.length >= 1);
    assert.match(auth[0], /algorithm=SHA-256/);
    assert.equal(minted.length, 1);
    assert.match(auth[0], new RegExp(`username="${minted[0].username}"`));
    assert.ok(!frames.some((f) => f.includes(minted[0].password)));
    assert.ok(frames.every((f) => /^Via: SIP\/2\.0\/WSS [a-v0-9]+\.invalid;/m.test(f)));
    await page.click('#unregister');
    await status(page, /^unregistered$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('ws:// is refused in the page before any socket opens', async () => {
    const page = await browser.newPage();
    let sockets = 0;
    page.on('websocket', () => { sockets++; });
    await page.goto(`${web.url}/`);
    await page.fill('input[name=server]', kam.url.replace('wss:', 'ws:'));
    await page.click('#register');
    await status(page, /^insecure-transport: /);
    assert.equal(sockets, 0);
    await page.close();
  });

  it('a backend minting wrong credentials shows auth-failed, and the page stays usable', async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/`);
    web.backend.secret = 'not-the-secret';
    await page.click('#register');
    await status(page, /^auth-failed: /);
    web.backend.secret = secret;
    await page.click('#register');
    await status(page, /^registered as /);
    await page.close();
  });
});
