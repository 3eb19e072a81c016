// E2E: <sip-phone> on bad input — a wrong credential, an insecure server URL, a SIP server
// that is down — shows a clear, typed error in the widget (and a sip-error event), and the
// phone is usable afterwards. Strict CSP, real Kamailio, headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, freePort, USERS, REALM } from '../node/support/servers.js';
import { launchBrowser, startPageServer } from './support.js';
import { widgetPage, openPage, waitReg, pageText } from './widget-support.js';

describe('<sip-phone> errors are shown and recovered from', () => {
  let kam, web, browser;
  const open = [];

  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256' });
    web = await startPageServer({});
    browser = await launchBrowser();
  });
  after(async () => {
    for (const p of open) await p.close();
    await browser?.close();
    await web?.stop();
    await kam?.stop();
  });

  async function page(name, attrs) {
    const p = await openPage(browser, `${web.url}${widgetPage(name, attrs)}`);
    open.push(p);
    return p;
  }

  const errorText = (p) => p.page.locator('sip-phone [part~="error"]').textContent();
  const setConfig = (p, cfg) => p.page.evaluate((c) => { document.querySelector('sip-phone').config = c; }, cfg);
  const errors = async (p) => (await p.events()).filter((e) => e.type === 'sip-error').map((e) => e.detail.code);

  it('a wrong password: "refused the credentials", then the right one registers', async () => {
    const p = await page('wrong-password', { uri: `sip:dave@${REALM}` });
    await setConfig(p, { server: kam.url, password: 'not-daves-password' });
    await waitReg(p.page, 'failed');
    assert.equal(await errorText(p), 'Sign-in failed: the server refused the credentials (auth-failed).');
    assert.deepEqual(await errors(p), ['auth-failed']);
    assert.match(await p.page.locator('sip-phone [part~="status"]').textContent(), /Not signed in/);
    // the wrong password went nowhere but the core
    assert.ok(!(await pageText(p.page)).includes('not-daves-password'));

    await setConfig(p, { server: kam.url, password: USERS.get('dave') });
    await waitReg(p.page, 'registered');
    assert.equal(await errorText(p), '');
    assert.deepEqual(await p.problems(), []);
  });

  it('ws:// instead of wss://: says to use wss://, and no socket opens', async () => {
    const p = await page('insecure', { uri: `sip:dave@${REALM}`, server: kam.url.replace(/^wss:/, 'ws:') });
    const sockets = [];
    p.page.on('websocket', (ws) => sockets.push(ws.url()));
    await waitReg(p.page, 'failed');
    assert.match(await errorText(p), /^The phone could not start: the server address must start with wss:\/\/ \(insecure-transport\)\.$/);
    assert.deepEqual(await errors(p), ['insecure-transport']);
    assert.deepEqual(sockets, []);
    assert.deepEqual(await p.problems(), []);
  });

  it('a wasm that is not the one built with the script is refused (integrity), with a clear error', async () => {
    // the check build of the core: a real sipshield wasm, but not the one whose sha384 the script holds
    const url = widgetPage('tampered', { uri: `sip:carol@${REALM}`, server: kam.url },
      { scriptAttrs: ' data-wasm-url="/dist/sipshield-check.wasm"' });
    const p = await openPage(browser, `${web.url}${url}`);
    open.push(p);
    await waitReg(p.page, 'failed');
    assert.equal(await errorText(p), 'The phone could not start: the phone could not load; reload the page (core-failed).');
    assert.deepEqual(await errors(p), ['core-failed']);
    assert.equal(await p.page.evaluate(() => document.querySelector('sip-phone').phone), null);
    // Chromium reports the digest mismatch itself; nothing else may appear
    assert.deepEqual((await p.problems()).filter((m) => !/integrity/i.test(m)), []);
    assert.ok((await p.problems()).some((m) => /integrity/i.test(m)), 'the browser checked the integrity');
  });

  it('the ESM entry (sipshield/widget, no bundler) registers under the same CSP', async () => {
    const url = widgetPage('module', { uri: `sip:carol@${REALM}` }, { module: true });
    const p = await openPage(browser, `${web.url}${url}`);
    open.push(p);
    await p.page.waitForFunction(() => customElements.get('sip-phone'), null, { timeout: 10000 });
    await setConfig(p, { server: kam.url, password: USERS.get('carol') });
    await waitReg(p.page, 'registered');
    assert.equal(await p.page.evaluate(() => typeof window.sipshield), 'undefined');  // the script build's global only
    assert.deepEqual(await p.problems(), []);
  });

  it('a SIP server that is down: "connection closed", then Try again once it is back', async () => {
    const port = await freePort();
    const p = await page('server-down', { uri: `sip:dave@${REALM}`, server: `wss://127.0.0.1:${port}/` });
    await setConfig(p, { password: USERS.get('dave') });
    await waitReg(p.page, 'failed', 40000);
    assert.match(await errorText(p), /^Sign-in failed: .*\((transport-closed|timeout)\)\.$/);
    const retry = p.page.getByRole('button', { name: 'Try again' });
    assert.equal(await retry.isVisible(), true);

    // the site points the widget at a server that is up: the same widget signs in
    await p.page.evaluate((url) => document.querySelector('sip-phone').setAttribute('server', url), kam.url);
    await waitReg(p.page, 'registered');
    assert.equal(await retry.isVisible(), false);
    // the browser logs a failed WebSocket as a console error by itself; nothing else may appear
    assert.deepEqual((await p.problems()).filter((m) => !/WebSocket connection to .* failed/.test(m)), []);
  });
});
