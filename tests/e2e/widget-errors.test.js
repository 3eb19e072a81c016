// E2E: <sip-phone> with short-lived credentials — one that expires before the registration
// refresh is replaced without the user noticing — and on bad input — a wrong credential from the site's backend, a backend that is
// down, a visitor who is not logged in, an insecure server URL, a SIP server that is down, a
// wasm that is not the one the script was built with — shows a clear, typed error in the widget
// (and a sip-error event), and the phone is usable afterwards. Strict CSP, Kamailio with
// auth_ephemeral, headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, freePort, REALM } from '../node/support/servers.js';
import { widgetPage, startWidgetRig, openPage, waitReg, pageText } from './widget-support.js';

describe('<sip-phone> errors are shown and recovered from', () => {
  let rig, kam, web, browser, secret;

  before(async () => {
    rig = await startWidgetRig({ coturn: false, minExpires: 30 });
    ({ kam, web, browser, secret } = rig);
  });
  after(() => rig?.stop());

  /** A page with the widget for `user` (logged in to the site unless user is null) */
  async function page(name, user, attrs = {}, options = {}) {
    const url = widgetPage(name, { server: kam.url, uri: `sip:${user ?? 'dave'}@${REALM}`,
      'credentials-url': '/sip-credentials', ...attrs }, options);
    const p = await openPage(browser, `${web.url}${url}`, user ? { login: { origin: web.url, user } } : {});
    rig.open.push(p);
    return p;
  }

  const errorText = (p) => p.page.locator('sip-phone [part~="error"]').textContent();
  const errors = async (p) => (await p.events()).filter((e) => e.type === 'sip-error').map((e) => e.detail.code);
  const tryAgain = (p) => p.page.getByRole('button', { name: 'Try again' });

  it('a credential that expires before the registration refresh: a fresh one, still signed in', async () => {
    web.backend.ttl = 12;  // expired (renewed 10 s early) long before the refresh at 27 s
    try {
      // no server attribute: the phone starts once, when the config adds it with a 30 s registration
      const p = await page('expiry', 'bob', { server: '' });
      await p.page.evaluate((server) => {
        document.querySelector('sip-phone').config = { server, registerExpires: 30 };
      }, kam.url);
      await p.page.waitForFunction(() => window.__widgetTest.events.filter((e) => e.type === 'sip-registered').length >= 2,
        null, { timeout: 45000 });
      assert.equal(await p.page.locator('sip-phone [part~="status"]').textContent(), `Signed in as bob@${REALM}`);
      assert.ok(p.minted.length >= 2, `a fresh credential for the refresh (${p.minted.length} minted)`);
      assert.notEqual(p.minted[0].username, p.minted[p.minted.length - 1].username);
      assert.deepEqual(await errors(p), []);
      assert.deepEqual(await p.problems(), []);
    } finally {
      web.backend.ttl = 3600;
    }
  });

  it('a wrong credential: "refused the credentials"; once the backend is fixed, Try again signs in', async () => {
    web.backend.secret = 'not-the-secret-kamailio-has';
    try {
      const p = await page('wrong-credential', 'dave');
      await waitReg(p.page, 'failed');
      assert.equal(await errorText(p), 'Sign-in failed: the server refused the credentials (auth-failed).');
      assert.deepEqual(await errors(p), ['auth-failed']);
      assert.match(await p.page.locator('sip-phone [part~="status"]').textContent(), /Not signed in/);
      // a refused credential is fetched again exactly once
      assert.equal(p.minted.length, 2);
      const text = await pageText(p.page);
      for (const m of p.minted) assert.ok(!text.includes(m.password));

      web.backend.secret = secret;
      await tryAgain(p).click();
      await waitReg(p.page, 'registered');
      assert.equal(await errorText(p), '');
      assert.equal(await tryAgain(p).isVisible(), false);
      assert.deepEqual(await p.problems(), []);
    } finally {
      web.backend.secret = secret;
    }
  });

  it('a credentials backend that is down: says so; Try again once it is back', async () => {
    web.backend.down = true;
    try {
      const p = await page('backend-down', 'carol');
      await waitReg(p.page, 'failed');
      assert.equal(await errorText(p),
        'Sign-in failed: could not get sign-in credentials from this website (credentials-unavailable).');
      assert.deepEqual(await errors(p), ['credentials-unavailable']);
      web.backend.down = false;
      await tryAgain(p).click();
      await waitReg(p.page, 'registered');
      // the browser logs the 503 itself; nothing else may appear
      assert.deepEqual((await p.problems()).filter((m) => !/status of 503/.test(m)), []);
    } finally {
      web.backend.down = false;
    }
  });

  it('a visitor who is not logged in to the site: the same clear error, no registration', async () => {
    const p = await page('no-session', null);
    await waitReg(p.page, 'failed');
    assert.match(await errorText(p), /\(credentials-unavailable\)\.$/);
    assert.deepEqual((await p.problems()).filter((m) => !/status of 401/.test(m)), []);
  });

  it('ws:// instead of wss://: says to use wss://, and no socket opens', async () => {
    const p = await page('insecure', 'dave', { server: kam.url.replace(/^wss:/, 'ws:') });
    const sockets = [];
    p.page.on('websocket', (ws) => sockets.push(ws.url()));
    await waitReg(p.page, 'failed');
    assert.equal(await errorText(p),
      'The phone could not start: the server address must start with wss:// (insecure-transport).');
    assert.deepEqual(await errors(p), ['insecure-transport']);
    assert.deepEqual(sockets, []);
    assert.deepEqual(p.minted, [], 'no credential fetched for a server we will not talk to');
    assert.deepEqual(await p.problems(), []);
  });

  it('a SIP server that is down: "connection closed", retrying; pointed at one that is up, it signs in', async () => {
    const port = await freePort();
    const p = await page('server-down', 'dave', { server: `wss://127.0.0.1:${port}/` });
    // a first sign-in lost to the network is retried by the phone (retryFirstRegister)
    await p.page.locator('sip-phone [part~="error"]', { hasText: /^Sign-in failed/ }).waitFor({ timeout: 40000 });
    assert.match(await errorText(p), /^Sign-in failed: .*\((transport-closed|timeout)\)\.$/);
    assert.match(await p.page.locator('sip-phone [part~="status"]').textContent(),
      /Not signed in yet, retrying|Reconnecting \(attempt \d+\)/);

    await p.page.evaluate((url) => document.querySelector('sip-phone').setAttribute('server', url), kam.url);
    await waitReg(p.page, 'registered');
    assert.equal(await tryAgain(p).isVisible(), false);
    // the browser logs a failed WebSocket as a console error by itself; nothing else may appear
    assert.deepEqual((await p.problems()).filter((m) => !/WebSocket connection to .* failed/.test(m)), []);
  });

  it('a dropped WebSocket: "reconnecting" and the error shown; signed in again when the server is back', async () => {
    const port = await freePort();
    let kam2 = await startKamailio({ alg: 'SHA-256', autheph: secret, port });
    try {
      const p = await page('dropped', 'carol', { server: kam2.url });
      await waitReg(p.page, 'registered');
      await kam2.stop();
      kam2 = null;
      await waitReg(p.page, 'registering');
      assert.match(await p.page.locator('sip-phone [part~="status"]').textContent(), /Reconnecting \(attempt \d+\)/);
      // a binding that comes back is not a failure: no error shown
      assert.equal(await errorText(p), '');
      kam2 = await startKamailio({ alg: 'SHA-256', autheph: secret, port });
      await waitReg(p.page, 'registered', 30000);
      assert.equal(await errorText(p), '');
      assert.deepEqual((await p.problems()).filter((m) => !/WebSocket connection to .* failed/.test(m)), []);
    } finally {
      await kam2?.stop();
    }
  });

  it('a wasm that is not the one built with the script is refused (integrity), with a clear error', async () => {
    // the check build of the core: a real sipshield wasm, but not the one whose sha384 the script holds
    const p = await page('tampered', 'dave', {}, { scriptAttrs: ' data-wasm-url="/dist/sipshield-check.wasm"' });
    await waitReg(p.page, 'failed');
    assert.equal(await errorText(p), 'The phone could not start: the phone could not load; reload the page (core-failed).');
    assert.deepEqual(await errors(p), ['core-failed']);
    assert.equal(await p.page.evaluate(() => document.querySelector('sip-phone').phone), null);
    // Chromium reports the digest mismatch itself; nothing else may appear
    const problems = await p.problems();
    assert.ok(problems.some((m) => /integrity/i.test(m)), 'the browser checked the integrity');
    assert.deepEqual(problems.filter((m) => !/integrity/i.test(m)), []);
  });

  it('the ESM entry (sipshield/widget, no bundler) registers under the same CSP', async () => {
    const p = await page('module', 'carol', {}, { module: true });
    await waitReg(p.page, 'registered');
    assert.equal(await p.page.evaluate(() => typeof window.sipshield), 'undefined');  // the script build's global only
    assert.deepEqual(await p.problems(), []);
  });
});
