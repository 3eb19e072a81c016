// E2E interop: sipshield and JsSIP 3.13.8 (npm, bundled for the browser) in two Chromium
// pages call each other through the same Kamailio (MD5: JsSIP answers nothing else), with
// audio both ways; and a JsSIP peer that offers SDES is refused 488 with the reason.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, startCoturn, turnCredentials, USERS, REALM } from '../node/support/servers.js';
import { launchBrowser, openPhonePage, startPageServer, bundleJssipPage } from './support.js';

const MS = 20000;

describe('sipshield and JsSIP call each other through Kamailio', { timeout: 240000 }, () => {
  let kam, turn, web, browser, jssipPath, sip, js;

  function ice(user) {
    const c = turnCredentials(turn.secret, user);
    return [{ urls: turn.url, username: c.username, credential: c.credential }];
  }

  before(async () => {
    jssipPath = await bundleJssipPage();
    kam = await startKamailio({ alg: 'MD5' });
    turn = await startCoturn();
    web = await startPageServer({});
    browser = await launchBrowser();

    // alice: sipshield, privacy mdns (TURN carries the media: no raw host IP may leave)
    sip = await openPhonePage(browser, web.url, 'alice', {
      server: kam.url, uri: `sip:alice@${REALM}`, password: USERS.get('alice'),
      privacy: 'mdns', iceServers: ice('alice'),
    });
    const waitFor = sip.waitFor;
    sip.waitFor = (name, ms = MS) => waitFor(name, ms);

    // bob: JsSIP
    const jctx = await browser.newContext({ permissions: ['microphone'] });
    const jpage = await jctx.newPage();
    await jpage.goto(web.url + jssipPath);
    await jpage.waitForFunction(() => window.jssipPeer, null, { timeout: 10000 });
    await jpage.evaluate((cfg) => window.jssipPeer.register(cfg),
      { server: kam.url, uri: `sip:bob@${REALM}`, password: USERS.get('bob') });
    js = {
      page: jpage,
      do: (fn, ...args) => jpage.evaluate(([f, a]) => window.jssipPeer[f](...a), [fn, args]),
      waitFor: (name, ms = MS) => jpage.evaluate(([n, m]) => window.jssipPeer.waitFor(n, m), [name, ms]),
    };
  });

  after(async () => {
    await sip?.do('close').catch(() => {});
    await js?.do('stop').catch(() => {});
    await browser?.close();
    await web?.stop();
    await turn?.stop();
    await kam?.stop();
  });

  afterEach(async () => {
    await js.page.evaluate(async () => {
      window.jssipPeer.mangleLocalSdp = null;
      window.jssipPeer.autoAnswer(null);
      const st = window.jssipPeer.info().state;
      if (st !== 'ended' && st !== 'idle') {
        window.jssipPeer.hangup();
        await window.jssipPeer.waitFor('ended', 5000).catch(() => {});
      }
    });
    await sip.do('autoAnswer', false);
    await sip.do('reset');
  });

  async function audioBothWays() {
    const until = Date.now() + MS;
    let a, b;
    while (Date.now() < until) {
      a = await sip.do('stats');
      b = await js.do('stats');
      if (a?.audioPacketsReceived > 0 && b?.audioIn?.packetsReceived > 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`no audio both ways: ${JSON.stringify([a, b])}`);
  }

  it('sipshield calls JsSIP: audio both ways', async () => {
    await js.do('autoAnswer', { iceServers: ice('bob') });
    assert.deepEqual(await sip.do('call', `sip:bob@${REALM}`), { ok: true });
    await sip.waitFor('accepted');
    await js.waitFor('confirmed');
    await audioBothWays();
    // what JsSIP received carries no raw host IP of alice's
    const offer = (await js.do('info')).sdp.inviteReceived;
    assert.ok(!/^a=candidate:.* typ host/m.test(offer), offer);
    await sip.do('hangup');
    await js.waitFor('ended');
    assert.equal((await sip.waitFor('ended')).cause, 'local-hangup');
  });

  it('JsSIP calls sipshield: audio both ways', async () => {
    await sip.do('autoAnswer', true);
    await js.do('call', `sip:alice@${REALM}`, { iceServers: ice('bob') });
    await sip.waitFor('incoming');
    await js.waitFor('confirmed');
    await sip.waitFor('accepted');
    await audioBothWays();
    const answer = (await js.do('info')).sdp.okReceived;
    assert.ok(!/^a=candidate:.* typ host/m.test(answer), answer);
    await js.do('hangup');
    assert.equal((await sip.waitFor('ended')).cause, 'remote-hangup');
  });

  it('a JsSIP peer offering SDES gets 488 with the reason; the phone stays usable', async () => {
    await js.page.evaluate(() => {
      window.jssipPeer.mangleLocalSdp = (sdp, type) => (type !== 'offer' ? sdp : sdp.replace(/^(m=audio .*\r\n)/m,
        '$1a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoZGVm\r\n'));
    });
    await js.do('call', `sip:alice@${REALM}`, { iceServers: ice('bob') });
    const failed = await js.waitFor('failed');
    assert.equal(failed.status, 488);
    assert.match(failed.warning, /^399 \S+\.invalid "sdes-offered: /);
    const refused = await sip.waitFor('call-refused');
    assert.equal(refused.cause, 'sdes-offered');
    assert.equal(refused.from, `sip:bob@${REALM}`);
    assert.ok(refused.line > 0);

    // the same peer without SDES gets through
    await js.page.evaluate(() => { window.jssipPeer.mangleLocalSdp = null; window.jssipPeer.reset(); });
    await sip.do('reset');
    await sip.do('autoAnswer', true);
    await js.do('call', `sip:alice@${REALM}`, { iceServers: ice('bob') });
    await js.waitFor('confirmed');
    await js.do('hangup');
    assert.equal((await sip.waitFor('ended')).cause, 'remote-hangup');
  });

  it('a JsSIP peer offering plain RTP (RTP/AVP, no fingerprint) gets 488 plain-rtp', async () => {
    await js.page.evaluate(() => {
      window.jssipPeer.mangleLocalSdp = (sdp, type) => (type !== 'offer' ? sdp : sdp
        .replace(/UDP\/TLS\/RTP\/SAVPF/g, 'RTP/AVP').replace(/^a=fingerprint:.*\r\n/gm, ''));
    });
    await js.do('call', `sip:alice@${REALM}`, { iceServers: ice('bob') });
    const failed = await js.waitFor('failed');
    assert.equal(failed.status, 488);
    assert.match(failed.warning, /"plain-rtp: /);
    assert.equal((await sip.waitFor('call-refused')).cause, 'plain-rtp');
  });
});
