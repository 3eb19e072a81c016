// E2E: <sip-phone>'s call-quality warnings on a real bottleneck. coturn relays the call with a
// per-session cap of 3000 bytes/s (max-bps), below what an Opus call sends, so packets are really
// dropped: the receiving widget raises "packet loss" (and "MOS") as sip-quality-warning events and
// in its panel, and clears them when the traffic it receives stops (it puts the call on hold, so
// the other side stops sending). Strict CSP, auth_ephemeral Kamailio, headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, startCoturn, REALM } from '../node/support/servers.js';
import { launchBrowser } from './support.js';
import { widgetPage, startWidgetServer, openPage, waitReg, screenshot } from './widget-support.js';

const CALL_MS = 20000;
const CAP_BYTES_PER_S = 3000;

describe('<sip-phone> quality warnings raise and clear on a real bottleneck', () => {
  let kam, turn, web, browser;
  const open = [];

  before(async () => {
    turn = await startCoturn({ maxBps: CAP_BYTES_PER_S });
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

  async function widget(user) {
    const url = widgetPage(`warn-${user}`, { server: kam.url, uri: `sip:${user}@${REALM}`,
      'credentials-url': '/sip-credentials', 'ice-servers-url': '/sip-credentials' });
    const p = await openPage(browser, `${web.url}${url}`, { login: { origin: web.url, user } });
    open.push(p);
    await waitReg(p.page, 'registered');
    return p;
  }

  const warningEvents = (p) => p.page.evaluate(() => window.__widgetTest.events
    .filter((e) => e.type === 'sip-quality-warning').map((e) => e.detail));
  const shown = (p) => p.page.evaluate(() => [...document.querySelector('sip-phone').shadowRoot
    .querySelectorAll('.warnings [data-warning]')].map((e) => e.dataset.warning));

  it('packet loss over 3 % raises a warning; it clears once no more packets are lost', async () => {
    const alice = await widget('alice');
    const bob = await widget('bob');
    await alice.page.evaluate((t) => document.querySelector('sip-phone').call(t), `sip:bob@${REALM}`);
    await bob.page.getByRole('button', { name: 'Answer' }).click({ timeout: CALL_MS });

    await bob.page.waitForFunction(() => window.__widgetTest.events.some((e) =>
      e.type === 'sip-quality-warning' && e.detail.warning === 'loss' && e.detail.active), null, { timeout: CALL_MS });
    const raised = (await warningEvents(bob)).find((w) => w.warning === 'loss');
    assert.equal(raised.threshold, 3);
    assert.ok(raised.value > 3, JSON.stringify(raised));
    assert.ok((await shown(bob)).includes('loss'));
    await bob.page.locator('sip-phone [part~="quality"] summary').click();
    assert.match(await bob.page.locator('sip-phone [data-warning="loss"]').textContent(), /packet loss over 3 %/);
    await screenshot(bob.page, 'quality-warning');

    // bob holds: alice stops sending, nothing more is lost, the warnings clear
    await bob.page.getByRole('button', { name: 'Hold' }).click();
    await bob.page.waitForFunction(() => window.__widgetTest.events.some((e) =>
      e.type === 'sip-quality-warning' && e.detail.warning === 'loss' && !e.detail.active), null, { timeout: CALL_MS });
    const events = await warningEvents(bob);
    const loss = events.filter((w) => w.warning === 'loss').map((w) => w.active);
    assert.deepEqual(loss.slice(0, 2), [true, false], JSON.stringify(events));
    assert.ok(!(await shown(bob)).includes('loss'));
    await bob.page.getByRole('button', { name: 'Hang up' }).click();
    assert.deepEqual([...await alice.problems(), ...await bob.problems()], []);
  });
});
