// E2E: the desktop app's page (web/electron/renderer/) as the app:// handler serves it, under
// the app's CSP, in headless Chromium with a stand-in for the preload API (the Electron binary
// cannot be downloaded here): two users register through Kamailio with the credential the main
// process hands over, the main process's commands dial, answer and decline, the call has audio
// both ways (TURN from an ice-servers URL on another origin), and quitting unregisters before
// quitReady(). Without an account the settings form takes the input once and keeps no password;
// changed settings rebuild the phone.
// No CSP violation, no console error, the password nowhere in the page, its storage or console.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startKamailio, startCoturn, USERS, REALM } from '../node/support/servers.js';
import { launchBrowser } from './support.js';
import { pageText, audioBothWays, SCREENSHOTS } from './widget-support.js';
import { startAppServer, startIceEndpoint, openDesktop, contentSecurityPolicy } from './electron-support.js';

const CALL_MS = 15000;
// what the main process says when the OS keyring is basic_text (the page shows it)
const { WARN_BASIC_TEXT: WARNING } = createRequire(import.meta.url)(path.join(ROOT, 'web/electron/main/secrets.js'));

describe('The desktop page registers and calls through Kamailio', () => {
  let kam, turn, ice, app, browser;
  const open = [];
  /** the account each user's main process would give the page */
  const accounts = new Map();

  before(async () => {
    [kam, turn, browser] = await Promise.all([startKamailio({ alg: 'SHA-256' }), startCoturn(), launchBrowser()]);
    // one CSP for all pages: every user's account has the same server and TURN endpoint
    app = await startAppServer({ account: () => accounts.get('alice') ?? null });
    ice = await startIceEndpoint({ secret: turn.secret, turnUrl: turn.url, origin: () => app.url });
  });
  after(async () => {
    for (const p of open) await p.close();
    await browser?.close();
    await app?.stop();
    await ice?.stop();
    await turn?.stop();
    await kam?.stop();
  });

  /** @param {string} user */
  function account(user, extra = {}) {
    const acc = {
      server: kam.url, uri: `sip:${user}@${REALM}`, displayName: user, privacy: 'mdns',
      credentialsUrl: null, iceServersUrl: `${ice.url}/turn`, realm: null, username: null, externalLinks: [],
      startAtLogin: false, shortcuts: {}, storage: 'session', warning: WARNING, ...extra,
    };
    accounts.set(user, acc);
    return acc;
  }

  async function desktop(user, init) {
    const p = await openDesktop(browser, app.url, { username: user, password: USERS.get(user), ...init });
    open.push(p);
    return p;
  }

  /** Everything a secret could hide in: DOM and shadow roots, storage, cookies, console */
  async function assertNoSecret(p, secrets) {
    const text = [await pageText(p.page), JSON.stringify(await p.ctx.cookies()), p.logs.join('\n')].join('\n');
    assert.ok(text.includes('sip-phone'), 'the scan saw the page');
    for (const s of secrets) assert.ok(s && !text.includes(s), 'a secret is in the page, its storage or its console');
  }

  it('registers, dials, answers with audio both ways, declines, hangs up, unregisters on quit', async () => {
    const alice = await desktop('alice', { account: account('alice') });
    // bob's main process keeps HA1s (he gave the realm): the page pins the realm for the core
    const bobHa1 = crypto.createHash('sha256').update(`bob:${REALM}:${USERS.get('bob')}`).digest('hex');
    const bob = await desktop('bob', { account: account('bob', { realm: REALM }), ha1: { sha256: bobHa1 } });
    await alice.waitCall({ type: 'reportState', state: { registration: 'registered' } });
    await bob.waitCall({ type: 'reportState', state: { registration: 'registered' } });
    // the credential came from the main process, asked for when Kamailio challenged
    for (const p of [alice, bob]) {
      const calls = await p.calls();
      assert.deepEqual(calls.filter((c) => c.type === 'credentials').map((c) => c.reason), ['missing']);
      assert.deepEqual(calls.find((c) => c.type === 'reportState').state,
        { registration: 'registering', call: 'idle', video: false });
    }
    // the page runs under the app's CSP for this account: connect-src lists the server and the TURN endpoint
    assert.equal(alice.headers['content-security-policy'], contentSecurityPolicy(accounts.get('alice')));
    assert.match(alice.headers['content-security-policy'],
      new RegExp(`connect-src 'self' ${new URL(kam.url).origin} ${ice.url};`));
    // the element has the account's attributes, nothing secret
    const attrs = await alice.page.evaluate(() => {
      const el = document.querySelector('sip-phone');
      return Object.fromEntries(el.getAttributeNames().map((n) => [n, el.getAttribute(n)]));
    });
    assert.deepEqual(attrs, { server: kam.url, uri: `sip:alice@${REALM}`, 'display-name': 'alice', privacy: 'mdns' });
    // the keyring warning is on screen
    const banner = alice.page.getByRole('alert').filter({ hasText: 'kept for this session only' });
    assert.equal(await banner.textContent(), WARNING);
    assert.ok(await banner.isVisible());

    // the main process dials a link for alice; bob's is told of the incoming call
    await alice.send({ type: 'dial', target: `sip:bob@${REALM}` });
    await bob.waitCall({ type: 'notifyIncoming' }, CALL_MS);
    const incoming = (await bob.calls()).find((c) => c.type === 'notifyIncoming');
    assert.deepEqual(incoming.caller, { from: `sip:alice@${REALM}`, displayName: 'alice' });
    await bob.waitCall({ type: 'reportState', state: { call: 'ringing' } });
    await alice.waitCall({ type: 'reportState', state: { call: 'ringing' } });

    // Answer on bob's notification
    await bob.send({ type: 'answer' });
    await alice.waitCall({ type: 'reportState', state: { call: 'active' } }, CALL_MS);
    await bob.waitCall({ type: 'reportState', state: { call: 'active' } }, CALL_MS);

    // audio both ways: inbound RTP with sound in it on each side
    await audioBothWays(alice.page, bob.page, CALL_MS);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await alice.page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-in-call.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      fs.copyFileSync(path.join(SCREENSHOTS, 'desktop-in-call.png'), path.join(ROOT, 'docs/desktop-in-call.png'));
    }

    // no password (SIP or TURN) anywhere the page keeps or shows things
    await assertNoSecret(alice, [USERS.get('alice'), ...ice.minted.map((m) => m.password)]);
    await assertNoSecret(bob, [USERS.get('bob'), bobHa1, ...ice.minted.map((m) => m.password)]);
    assert.ok(ice.minted.length >= 2, 'TURN credentials came from the ice-servers URL');

    // alice hangs up with her global shortcut (the main process's 'hangup'); both report idle
    await alice.send({ type: 'hangup' });
    await alice.waitCall({ type: 'reportState', state: { call: 'idle' } }, CALL_MS);
    await bob.page.waitForFunction(() => window.__desktop.calls.at(-1)?.state?.call === 'idle', null, { timeout: CALL_MS });

    // bob calls back; Decline on alice's notification
    await bob.send({ type: 'dial', target: 'alice' });
    await alice.page.waitForFunction(() => window.__desktop.calls.filter((c) => c.type === 'notifyIncoming').length === 1,
      null, { timeout: CALL_MS });
    await alice.send({ type: 'decline' });
    await bob.page.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-ended'
      && e.detail.cause === 'declined'), null, { timeout: CALL_MS });
    await bob.page.waitForFunction(() => window.__desktop.calls.at(-1)?.state?.call === 'idle', null, { timeout: CALL_MS });
    await alice.page.waitForFunction(() => window.__desktop.calls.at(-1)?.state?.call === 'idle', null, { timeout: CALL_MS });

    // resumed from sleep: bob's page registers again
    const registered = async (p) => (await p.calls()).filter((c) => c.type === 'reportState' &&
      c.state.registration === 'registered').length;
    const before = await registered(bob);
    await bob.send({ type: 'reregister' });
    await bob.page.waitForFunction((n) => window.__desktop.calls.filter((c) => c.type === 'reportState' &&
      c.state.registration === 'registered').length > n, before, { timeout: CALL_MS });

    // quitting: alice's page unregisters, then says so; Kamailio has no binding for her after
    const options = () => bob.page.evaluate((to) => document.querySelector('sip-phone').phone.options(to)
      .then((r) => r.status, (e) => e.code), `sip:alice@${REALM}`);
    assert.equal(await options(), 200);
    await alice.send({ type: 'unregister' });
    await alice.waitCall({ type: 'quitReady' }, 10000);
    const told = await alice.calls();
    const unregistered = told.findIndex((c) => c.type === 'reportState' && c.state.registration === 'unregistered');
    assert.ok(unregistered >= 0 && unregistered < told.findIndex((c) => c.type === 'quitReady'), JSON.stringify(told));
    assert.equal(await alice.page.evaluate(() => document.querySelector('sip-phone').phone.state), 'idle');
    assert.equal(await options(), 'not-found');

    assert.deepEqual([...await alice.problems(), ...await bob.problems()], []);
  });

  it('with no account, shows the settings form, sends the password once and keeps none', async () => {
    const password = USERS.get('carol');
    const saved = { ...account('carol'), iceServersUrl: null, warning: null, privacy: 'off' };
    const p = await desktop('carol', { account: null, saved });
    const form = p.page.locator('form#settings');
    await form.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await p.page.locator('sip-phone').count(), 0);
    assert.ok(!await p.page.locator('#warning').isVisible());
    await p.page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-settings.png') });

    await p.page.getByLabel('SIP server (wss://)', { exact: true }).fill(kam.url);
    await p.page.getByLabel('Address', { exact: true }).fill(`sip:carol@${REALM}`);
    await p.page.getByLabel('Display name', { exact: true }).fill('Carol');
    await p.page.getByLabel('Privacy', { exact: true }).selectOption('off');
    await p.page.getByLabel('Password', { exact: true }).fill(password);
    await p.page.getByRole('button', { name: 'Save' }).click();

    await p.waitCall({ type: 'saveAccount' });
    const save = (await p.calls()).filter((c) => c.type === 'saveAccount');
    assert.equal(save.length, 1);
    assert.deepEqual(save[0].input, {
      server: kam.url, uri: `sip:carol@${REALM}`, displayName: 'Carol', privacy: 'off',
      credentialsUrl: null, iceServersUrl: null, username: null, realm: null, password,
      externalLinks: [], startAtLogin: false, shortcuts: {},
    });
    // the field is empty, the form gone, the phone built from the saved account and signed in
    assert.equal(await p.page.getByLabel('Password', { exact: true }).inputValue(), '');
    await form.waitFor({ state: 'hidden', timeout: 5000 });
    await p.waitCall({ type: 'reportState', state: { registration: 'registered' } });
    assert.equal(await p.page.locator('sip-phone').getAttribute('server'), kam.url);
    assert.equal(await p.page.locator('sip-phone').getAttribute('privacy'), 'off');
    await assertNoSecret(p, [password]);

    // settings changed in the main process: the page reads the account again and rebuilds the phone
    const first = await p.page.evaluateHandle(() => document.querySelector('sip-phone'));
    await p.setAccount({ ...saved, displayName: 'Carol C.' });
    await p.send({ type: 'account-changed' });
    await p.page.waitForFunction(() => document.querySelector('sip-phone')?.getAttribute('display-name') === 'Carol C.',
      null, { timeout: 5000 });
    assert.equal(await p.page.evaluate((old) => old.isConnected, first), false);
    await p.page.waitForFunction(() => window.__desktop.calls.at(-1)?.state?.registration === 'registered',
      null, { timeout: CALL_MS });
    // an unchanged account leaves the phone alone
    const second = await p.page.evaluateHandle(() => document.querySelector('sip-phone'));
    await p.send({ type: 'account-changed' });
    await p.page.waitForTimeout(300);
    assert.equal(await p.page.evaluate((el) => el.isConnected, second), true);
    assert.deepEqual(await p.problems(), []);
  });
});
