// E2E: the <sip-phone> widget as a website gets it — a static page made of the README's
// snippet (dist/sipshield-widget.js with its integrity, then the element with
// credentials-url), served under the strict CSP, in headless Chromium against Kamailio with
// auth_ephemeral and coturn. Two logged-in visitors' widgets fetch short-lived credentials from
// the site's backend, register, call each other with audio both ways, show live security and
// quality panels, and end with the reason in words; no CSP violation, no console error, and the
// credentials the backend minted are nowhere in the pages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REALM, ROOT } from '../node/support/servers.js';
import { widgetPage, startWidgetRig, openPage, waitReg, pageText, audioBothWays, screenshot, audioContexts, SCREENSHOTS } from './widget-support.js';

const CALL_MS = 20000;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('Two <sip-phone> widgets under a strict CSP call each other', () => {
  let rig, kam, web, browser;

  before(async () => {
    rig = await startWidgetRig();
    ({ kam, web, browser } = rig);
  });
  after(() => rig?.stop());

  async function widget(user) {
    const url = widgetPage(`call-${user}`, { server: kam.url, uri: `sip:${user}@${REALM}`,
      'display-name': user, 'credentials-url': '/sip-credentials', 'ice-servers-url': '/sip-credentials' });
    const p = await openPage(browser, `${web.url}${url}`, { login: { origin: web.url, user } });
    rig.open.push(p);
    return p;
  }

  it('registers, calls, answers with audio both ways, shows the panels, hangs up with a reason', async () => {
    const alice = await widget('alice');
    const bob = await widget('bob');
    await waitReg(alice.page, 'registered');
    await waitReg(bob.page, 'registered');
    assert.match(await alice.page.locator('sip-phone [part~="status"]').textContent(), /Signed in as alice@/);
    const reg = (await alice.events()).find((e) => e.type === 'sip-registered');
    assert.equal(reg.detail.uri, `sip:alice@${REALM}`);
    assert.ok(reg.detail.expires > 0);
    assert.equal(reg.detail.digest, 'SHA-256');
    await screenshot(bob.page, 'registered');
    // the script build's global
    assert.deepEqual(await alice.page.evaluate(() => [sipshield.version, typeof sipshield.Phone,
      customElements.get('sip-phone') === sipshield.SipPhone]), [PKG.version, 'function', true]);

    // theming: a custom property and a ::part rule from the site's (constructable) stylesheet
    const themed = await alice.page.evaluate(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('sip-phone { --sip-phone-accent: rgb(1, 2, 3); } ' +
        'sip-phone::part(hangup) { outline-color: rgb(4, 5, 6); }');
      document.adoptedStyleSheets = [sheet];
      const root = document.querySelector('sip-phone').shadowRoot;
      const colours = [getComputedStyle(root.querySelector('[part~="call"]')).backgroundColor,
        getComputedStyle(root.querySelector('[part~="hangup"]')).outlineColor];
      document.adoptedStyleSheets = [];
      return colours;
    });
    assert.deepEqual(themed, ['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);

    // the dialpad writes into the dial field
    const input = alice.page.getByLabel('Number or SIP address');
    for (const key of ['1', '2', 'pound']) await alice.page.getByRole('button', { name: key, exact: true }).click();
    assert.equal(await input.inputValue(), '12#');
    await input.fill('');

    // alice types bob's address on the keyboard and presses Enter
    await input.click();
    await alice.page.keyboard.type(`sip:bob@${REALM}`);
    await alice.page.keyboard.press('Enter');

    // bob: the incoming view, the live region, the event; then he answers
    const answer = bob.page.getByRole('button', { name: 'Answer' });
    await answer.waitFor({ timeout: CALL_MS });
    assert.match(await bob.page.locator('sip-phone [aria-live]').textContent(), /Incoming call from alice/);
    const inc = (await bob.events()).find((e) => e.type === 'sip-incoming');
    assert.equal(inc.detail.from, `sip:alice@${REALM}`);
    await screenshot(bob.page, 'incoming');
    // the ringtone (WebAudio) rings while the call waits, and stops on answer
    assert.deepEqual(await audioContexts(bob.page), ['running']);
    await answer.click();
    await bob.page.waitForFunction(() => window.__widgetTest.audio.every((c) => c.state === 'closed'),
      null, { timeout: 5000 });

    for (const p of [alice, bob]) {
      await p.page.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: CALL_MS });
      await p.page.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-accepted'),
        null, { timeout: CALL_MS });
    }

    // audio both ways: inbound RTP on each side, with sound in it
    await audioBothWays(alice.page, bob.page, CALL_MS);

    // security panel: live values from the DTLS-SRTP connection
    const sec = alice.page.locator('sip-phone [part~="security"]');
    await sec.locator('summary').click();
    const field = (name) => sec.locator(`dd[data-field="${name}"]`);
    await field('SRTP cipher').waitFor({ timeout: CALL_MS });
    assert.equal(await field('Signalling').textContent(), 'wss');
    assert.equal(await field('Digest').textContent(), 'SHA-256');  // Kamailio challenges SHA-256
    assert.equal(await field('Privacy mode').textContent(), 'mdns');
    assert.match(await field('SRTP cipher').textContent(), /^(SRTP_)?(AEAD_AES_?\d+_GCM|AES_?\d*_?CM_?\d*_HMAC_SHA1_\d+)$/);
    assert.match(await field('DTLS cipher').textContent(), /^TLS_/);
    assert.match(await field('DTLS role').textContent(), /^(client|server)$/);
    assert.equal(await field('Fingerprint').textContent(), 'sha-256');
    assert.match(await field('Local candidate').textContent(), /^(host|srflx|prflx|relay)$/);
    assert.match(await field('Remote candidate').textContent(), /^(host|srflx|prflx|relay)$/);

    // quality panel: numbers and plots that grow each second
    const quality = alice.page.locator('sip-phone [part~="quality"]');
    await quality.locator('summary').click();
    await alice.page.waitForFunction(() => {
      const q = document.querySelector('sip-phone').shadowRoot.querySelector('.quality');
      const points = q.querySelector('svg polyline').getAttribute('points') || '';
      return points.split(' ').length >= 3 && /\d/.test(q.querySelector('[data-metric="mos"]').textContent);
    }, null, { timeout: CALL_MS });
    const values = await quality.locator('.value').allTextContents();
    assert.match(values[0], /^\d+ ms$/, values.join(' | '));     // RTT
    assert.match(values[1], /^\d+\.\d ms$/, values.join(' | ')); // jitter
    assert.match(values[2], /^\d+\.\d %$/, values.join(' | '));  // loss
    const mos = Number(values[3]);
    assert.ok(mos >= 4 && mos <= 4.5, `MOS on loopback ${values[3]}`);
    const timer = await alice.page.locator('sip-phone [part~="timer"]').textContent();
    assert.match(timer, /^00:0[1-9]|^00:[1-5]\d$/);
    await screenshot(alice.page, 'in-call');
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      fs.copyFileSync(path.join(SCREENSHOTS, 'in-call.png'), path.join(ROOT, 'docs/widget-in-call.png'));
    }

    // mute and hold, from the buttons
    const mute = alice.page.getByRole('button', { name: 'Mute' });
    await mute.click();
    assert.equal(await mute.getAttribute('aria-pressed'), 'true');
    assert.equal(await alice.page.evaluate(() => document.querySelector('sip-phone').phone.calls[0].muted), true);
    await alice.page.getByRole('button', { name: 'Unmute' }).click();
    await alice.page.getByRole('button', { name: 'Hold' }).click();
    await alice.page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 10000 });
    assert.equal(await alice.page.evaluate(() => document.querySelector('sip-phone').phone.calls[0].held), true);
    await alice.page.getByRole('button', { name: 'Resume' }).click();
    await alice.page.getByRole('button', { name: 'Hold' }).waitFor({ timeout: 10000 });

    // DTMF from the keypad: RFC 4733 tones queued on the sender
    await alice.page.getByRole('button', { name: 'tone 5' }).click();
    assert.match(await alice.page.evaluate(() => document.querySelector('sip-phone').phone.calls[0]
      .peerConnection.getSenders().find((s) => s.track?.kind === 'audio').dtmf.toneBuffer), /^5?$/);

    // the credentials the backend minted (SIP and TURN) are in no DOM, storage, event or log
    for (const [p, user] of [[alice, 'alice'], [bob, 'bob']]) {
      assert.ok(p.minted.length >= 2, `${user}: credentials for SIP and for TURN`);
      const text = await pageText(p.page);
      assert.ok(text.includes('Signed in as'), 'the scan saw the shadow DOM');
      for (const m of p.minted) {
        assert.match(m.username, new RegExp(`^\\d{10}:${user}$`));
        assert.ok(!text.includes(m.password), `${user}'s credential is in the page`);
        assert.ok(!text.includes(m.username), `${user}'s credential user name is in the page`);
        assert.ok(!p.logs.join('\n').includes(m.password), `${user}'s credential was logged`);
      }
    }

    // bob hangs up with Escape (keyboard) — alice sees why it ended
    await bob.page.getByRole('button', { name: 'Mute' }).press('Escape');
    const ended = alice.page.locator('sip-phone [part~="message"]');
    await alice.page.waitForFunction(() => /Call ended/.test(document.querySelector('sip-phone')
      .shadowRoot.querySelector('.message').textContent), null, { timeout: CALL_MS });
    assert.equal(await ended.textContent(), 'Call ended: the other side hung up.');
    const end = (await alice.events()).find((e) => e.type === 'sip-call-ended');
    assert.equal(end.detail.cause, 'remote-hangup');
    await bob.page.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-ended'),
      null, { timeout: CALL_MS });
    assert.equal((await bob.events()).find((e) => e.type === 'sip-call-ended').detail.cause, 'local-hangup');
    await screenshot(alice.page, 'ended');

    assert.deepEqual([...await alice.problems(), ...await bob.problems()], []);
    for (const p of [alice, bob]) {
      assert.deepEqual((await p.events()).filter((e) => e.type === 'sip-error'), []);
    }
  });
});
