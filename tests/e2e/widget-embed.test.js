// E2E: <sip-phone> as sites embed it — a "call us" button (mode="click-to-call"), the widget
// inside a cross-origin iframe (allow="microphone; autoplay"), and axe-core finding no
// accessibility violation in its states. Strict CSP, Kamailio + coturn, headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startKamailio, startCoturn, turnCredentials, USERS, REALM } from '../node/support/servers.js';
import { launchBrowser, startPageServer } from './support.js';
import { widgetPage, iframeHostPage, openPage, waitReg, inboundAudio } from './widget-support.js';

const CALL_MS = 20000;

/** axe-core over the page (shadow roots and frames included): the violations, summarised */
async function axe(page) {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('<sip-phone> embedded: click-to-call, cross-origin iframe, accessibility', () => {
  let kam, turn, web, browser;
  const open = [];

  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256' });
    turn = await startCoturn();
    web = await startPageServer({});
    browser = await launchBrowser();
  });
  after(async () => {
    for (const p of open) await p.close();
    await browser?.close();
    await web?.stop();
    await turn?.stop();
    await kam?.stop();
  });

  function config(user) {
    const cred = turnCredentials(turn.secret, user);
    return { server: kam.url, password: USERS.get(user),
      iceServers: [{ urls: turn.url, username: cred.username, credential: cred.credential }] };
  }

  async function widget(name, attrs, user, { url = web.url } = {}) {
    const p = await openPage(browser, `${url}${widgetPage(name, attrs)}`);
    open.push(p);
    await p.page.evaluate((c) => { document.querySelector('sip-phone').config = c; }, config(user));
    return p;
  }

  async function accepted(frame) {
    await frame.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-accepted'),
      null, { timeout: CALL_MS });
  }

  it('click-to-call: one button calls the fixed target; axe finds nothing in any state', async () => {
    const bob = await widget('embed-bob', { uri: `sip:bob@${REALM}` }, 'bob');
    const visitor = await widget('embed-c2c', { uri: `sip:carol@${REALM}`, mode: 'click-to-call',
      target: `sip:bob@${REALM}` }, 'carol');
    await waitReg(bob.page, 'registered');
    await waitReg(visitor.page, 'registered');
    // a "call us" button: no dial field, no registration of the visitor
    assert.equal(await visitor.page.getByLabel('Number or SIP address').isVisible(), false);
    assert.match(await visitor.page.locator('sip-phone [part~="status"]').textContent(), /Ready to call/);
    assert.deepEqual(await axe(visitor.page), []);
    assert.deepEqual(await axe(bob.page), []);

    await visitor.page.getByRole('button', { name: `Call bob@${REALM}` }).click();
    await bob.page.getByRole('button', { name: 'Answer' }).waitFor({ timeout: CALL_MS });
    assert.deepEqual(await axe(bob.page), [], 'incoming');
    await bob.page.getByRole('button', { name: 'Answer' }).click();
    await accepted(visitor.page);
    await accepted(bob.page);
    const until = Date.now() + CALL_MS;
    let a;
    while (Date.now() < until && !(a?.packets > 0)) {
      a = await inboundAudio(visitor.page);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(a?.packets > 0, JSON.stringify(a));
    for (const part of ['security', 'quality']) {
      await bob.page.locator(`sip-phone [part~="${part}"] summary`).click();
    }
    await bob.page.locator('sip-phone dd[data-field="SRTP cipher"]').waitFor({ timeout: CALL_MS });
    assert.deepEqual(await axe(bob.page), [], 'in call, panels open');

    await visitor.page.getByRole('button', { name: 'Hang up' }).click();
    await bob.page.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-ended'),
      null, { timeout: CALL_MS });
    assert.equal(await visitor.page.locator('sip-phone [part~="message"]').textContent(), 'Call ended: you hung up.');
    // back to the one button
    assert.equal(await visitor.page.getByRole('button', { name: `Call bob@${REALM}` }).isVisible(), true);
    assert.deepEqual(await axe(visitor.page), [], 'ended');
    assert.deepEqual([...await visitor.problems(), ...await bob.problems()], []);
  });

  it('in a cross-origin iframe with allow="microphone; autoplay": registers and calls', async () => {
    // the site is 127.0.0.1, the phone page is served from localhost: another origin and site
    const phoneUrl = `${web.url.replace('127.0.0.1', 'localhost')}${widgetPage('framed', { uri: `sip:alice@${REALM}` })}`;
    const host = await openPage(browser, `${web.url}${iframeHostPage('framed', phoneUrl)}`);
    open.push(host);
    const frame = await (await host.page.locator('iframe').elementHandle()).contentFrame();
    assert.notEqual(new URL(frame.url()).origin, new URL(host.page.url()).origin);
    await frame.waitForFunction(() => customElements.get('sip-phone'), null, { timeout: 10000 });
    await frame.evaluate((c) => { document.querySelector('sip-phone').config = c; }, config('alice'));
    await waitReg(frame, 'registered');

    const bob = await widget('framed-bob', { uri: `sip:bob@${REALM}` }, 'bob');
    await waitReg(bob.page, 'registered');
    await frame.getByLabel('Number or SIP address').fill(`sip:bob@${REALM}`);
    await frame.getByRole('button', { name: 'Call', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Answer' }).click({ timeout: CALL_MS });
    await accepted(frame);
    const until = Date.now() + CALL_MS;
    let a;
    while (Date.now() < until && !(a?.packets > 0 && a.level > 0.001)) {
      a = await inboundAudio(frame);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(a?.packets > 0 && a.level > 0.001, `the framed phone hears bob: ${JSON.stringify(a)}`);
    await frame.getByRole('button', { name: 'Hang up' }).click();
    assert.deepEqual([...await host.problems(), ...await bob.problems()], []);
  });
});
