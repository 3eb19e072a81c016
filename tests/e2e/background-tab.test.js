// Issue 13 item 5: a phone in a hidden tab, then in a frozen one, in headless Chromium through
// Kamailio. Playwright cannot hide a page (tests/e2e/cdp.js says why), so Chromium is driven
// over the DevTools protocol itself, with the same flags as every browser test and none of
// Playwright's anti-throttling ones. The phone (keepAlive 10 s, registerExpires 30 s) is hidden
// by a new foreground tab for HIDDEN_MS: it must keep its keep-alive (no silence on the
// WebSocket of keepAlive or more, so the flow is never declared dead) and its registration (no
// two 200 OKs to REGISTER further apart than registerExpires). Then the hidden tab is frozen
// (Page.setWebLifecycleState: no task runs, as Chromium does to a tab hidden long enough) for
// longer than registerExpires, so its binding lapses at the registrar; brought back, the phone
// must register again by itself within WAKE_MS. (Measured: Chromium hands the frozen page's
// WebSocket a 1006 close as it wakes, so the phone reopens the connection after its first
// back-off wait, 0.5 to 8.5 s, and registers on it; had the connection lived, the refresh that
// fell due while frozen would have gone out at once.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKamailio, USERS, REALM } from '../node/support/servers.js';
import { startPageServer } from './support.js';
import { startRawChromium, openPhoneTab } from './cdp.js';

const KEEPALIVE_S = 10;
const EXPIRES_S = 30;
/** hidden long enough for two refreshes (due at 90 % of 30 s) and several pings */
const HIDDEN_MS = 65000;
/** frozen longer than the registration */
const FROZEN_MS = EXPIRES_S * 1000 + 10000;
/** after waking: REGISTER sent and answered (on a new connection if the old one did not
 * survive the freeze: the first reopen waits up to 8.5 s) */
const WAKE_MS = 12000;

describe('A phone in a hidden, then frozen tab (issue 13 item 5)', { timeout: 240000 }, () => {
  let kam, web, cdp;
  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256', minExpires: EXPIRES_S });
    web = await startPageServer({});
    cdp = await startRawChromium();
  });
  after(async () => {
    await cdp?.stop();
    await web?.stop();
    await kam?.stop();
  });

  it('hidden: keep-alive and refresh in time; frozen past its registration: registered again on waking',
    async (t) => {
      const { session } = await openPhoneTab(cdp, web.url, {
        server: kam.url, uri: `sip:alice@${REALM}`, password: USERS.get('alice'),
        keepAlive: KEEPALIVE_S, registerExpires: EXPIRES_S,
      });
      const page = (expr) => cdp.evaluate(session, expr);
      assert.equal(await page('document.visibilityState'), 'visible');

      // hidden: a new foreground tab in the same window
      const hiddenAt = Date.now();
      await cdp.send('Target.createTarget', { url: 'about:blank' });
      await sleep(300);
      assert.equal(await page('document.visibilityState'), 'hidden', 'the phone\'s tab is hidden');
      await sleep(HIDDEN_MS);
      const log = await page('window.__bg');
      const frames = log.ws.filter((e) => e.dir === 'in' || e.dir === 'out').map((e) => e.t);
      let silence = 0;
      for (let i = 1; i < frames.length; i++) {
        if (frames[i] > hiddenAt) silence = Math.max(silence, frames[i] - Math.max(frames[i - 1], hiddenAt));
      }
      const oks = log.ws.filter((e) => e.dir === 'in' && e.kind === '200 REGISTER').map((e) => e.t);
      const hiddenOks = oks.filter((t) => t > hiddenAt);
      const gaps = oks.slice(1).map((t, i) => t - oks[i]);
      const diag = `silence ${silence} ms, 200 OKs at ${oks.map((t) => t - hiddenAt).join(', ')} ms from hiding`;
      assert.ok(silence < KEEPALIVE_S * 1000, `the WebSocket was silent too long while hidden: ${diag}`);
      assert.ok(hiddenOks.length >= 2, `refreshed while hidden: ${diag}`);
      assert.ok(Math.max(...gaps) < EXPIRES_S * 1000, `a refresh came too late: ${diag}`);
      assert.ok(!log.ws.some((e) => e.dir === 'close'), `the WebSocket closed: ${diag}`);
      const events = await page('window.sipPeer.info().events.map((e) => e.name)');
      assert.ok(!events.includes('phone:reconnecting'), `no reconnect while hidden: ${events}`);

      // frozen past the registration's expiry
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' }, session);
      const frozenAt = Date.now();
      await sleep(FROZEN_MS);
      const wokeAt = Date.now();
      await cdp.send('Page.setWebLifecycleState', { state: 'active' }, session);
      await cdp.send('Page.bringToFront', {}, session);
      const until = Date.now() + WAKE_MS;
      let after;
      for (;;) {
        after = (await page('window.__bg')).ws.filter((e) => e.t >= wokeAt);
        if (after.some((e) => e.dir === 'in' && e.kind === '200 REGISTER') || Date.now() > until) break;
        await sleep(100);
      }
      const all = (await page('window.__bg')).ws;
      const sentFrozen = all.filter((e) => e.dir === 'out' && e.t > frozenAt + 500 && e.t < wokeAt);
      assert.deepEqual(sentFrozen, [], 'nothing was sent while frozen (the freeze was real)');
      const what = after.map((e) => `${e.t - wokeAt} ms ${e.dir} ${e.kind}`).join(', ');
      t.diagnostic(`after waking: ${what}`);
      const reg = after.find((e) => e.dir === 'out' && e.kind === 'REGISTER');
      assert.ok(reg && reg.t - wokeAt < 9500, `a REGISTER on waking: ${what}`);
      assert.ok(after.some((e) => e.dir === 'in' && e.kind === '200 REGISTER'), `registered again: ${what}`);
      assert.equal(await page('document.visibilityState'), 'visible');
      const woke = await page(`window.sipPeer.info().events.filter((e) => e.t >= ${wokeAt}).map((e) => e.name)`);
      assert.ok(woke.includes('phone:registered'), `the phone says registered again: ${woke}`);
    });
});
