// E2E: <sip-phone> as sites embed it — a "call us" button (mode="click-to-call"), the widget
// inside a cross-origin iframe (allow="microphone; autoplay"), and axe-core finding no
// accessibility violation in its states. Strict CSP, credentials from the site's backend,
// Kamailio with auth_ephemeral + coturn, headless Chromium.
//
// What the iframe case found about the credential cookie (README "In an iframe"): Chromium sends
// neither a SameSite=Strict/Lax session cookie nor an unpartitioned SameSite=None; Secure one to
// the backend from a frame under another site (third-party cookies are blocked); a Partitioned
// (CHIPS) cookie, set in the frame's partition (the embedding site), is sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startKamailio, startCoturn, REALM } from '../node/support/servers.js';
import { launchBrowser } from './support.js';
import { widgetPage, iframeHostPage, startWidgetServer, openPage, waitReg, inboundAudio } from './widget-support.js';

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
    turn = await startCoturn();
    kam = await startKamailio({ alg: 'SHA-256', autheph: turn.secret });
    web = await startWidgetServer({ secret: turn.secret, uris: [turn.url] });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const p of open) await p.close();
    await browser?.close();
    await web?.stop();
    await turn?.stop();
    await kam?.stop();
  });

  /** The element's attributes for `user`: all a site writes (no secret) */
  const attrs = (user, extra = {}) => ({ server: kam.url, uri: `sip:${user}@${REALM}`,
    'credentials-url': '/sip-credentials', 'ice-servers-url': '/sip-credentials', ...extra });

  async function widget(name, user, extra) {
    const p = await openPage(browser, `${web.url}${widgetPage(name, attrs(user, extra))}`,
      { login: { origin: web.url, user } });
    open.push(p);
    return p;
  }

  async function accepted(frame) {
    await frame.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-accepted'),
      null, { timeout: CALL_MS });
  }

  it('click-to-call: one button calls the fixed target; axe finds nothing in any state', async () => {
    const bob = await widget('embed-bob', 'bob');
    const visitor = await widget('embed-c2c', 'carol', { mode: 'click-to-call', target: `sip:bob@${REALM}` });
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

  it('in a cross-origin iframe: a same-site-only cookie gives a clear error; a partitioned one signs in and calls', async () => {
    // the site is 127.0.0.1; the phone page and its backend are on localhost: another origin and site
    const phoneOrigin = web.url.replace('127.0.0.1', 'localhost');
    const phoneUrl = `${phoneOrigin}${widgetPage('framed', attrs('alice'))}`;
    // the visitor logged in to the phone's site (top level): its session cookie is SameSite=Strict
    const host = await openPage(browser, `${web.url}${iframeHostPage('framed', phoneUrl)}`,
      { login: { origin: phoneOrigin, user: 'alice' } });
    open.push(host);
    const frame = await (await host.page.locator('iframe').elementHandle()).contentFrame();
    assert.notEqual(new URL(frame.url()).origin, new URL(host.page.url()).origin);
    await waitReg(frame, 'failed');
    assert.equal(await frame.locator('sip-phone [part~="error"]').textContent(),
      'Sign-in failed: could not get sign-in credentials from this website (credentials-unavailable).');

    // what the site must do: its login inside the frame sets the session cookie
    // SameSite=None; Secure; Partitioned, which lands in the partition of the embedding site
    const [session] = (await host.ctx.cookies()).filter((c) => c.name === 'sipshield_session');
    await host.ctx.clearCookies();
    await host.ctx.addCookies([{ ...session, sameSite: 'None', secure: true, partitionKey: new URL(web.url).origin }]);
    await frame.getByRole('button', { name: 'Try again' }).click();
    await waitReg(frame, 'registered');

    const bob = await widget('framed-bob', 'bob');
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
    // the browser logs the first 401 itself; nothing else may appear
    assert.deepEqual([...await host.problems(), ...await bob.problems()].filter((m) => !/status of 401/.test(m)), []);
  });
});
