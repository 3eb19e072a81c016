// E2E call rig, proven with JsSIP 3.13 on both ends: two Chromium pages (two browser
// contexts, fake microphones) register over WSS to the project's Kamailio, Alice calls Bob,
// audio flows both ways; then the same through coturn with iceTransportPolicy 'relay'; then
// an mdns-like wire (no raw-IP host candidate sent, TURN with policy 'all'); then one call
// through the call-setup measurement (tools/bench/calls-rig.js). The sipshield call tests
// reuse this rig: same servers, same probe, same page server. Findings: CALL-RIG.md.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, startCoturn, turnCredentials, USERS, REALM, within } from '../node/support/servers.js';
import { launchBrowser, startPageServer, bundleJssipPage } from './support.js';
import { installCallProbe, measureCallSetup, wireSdp, FIGURES } from '../../tools/bench/calls-rig.js';

const BOB = `sip:bob@${REALM}`;

/** Poll the page's getStats until audio was received (bounded). */
async function audioIn(page, ms = 15000) {
  const deadline = Date.now() + ms;
  let s = null;
  while (Date.now() < deadline) {
    s = await page.evaluate(() => window.jssipPeer.stats());
    if (s && s.audioIn && s.audioIn.packetsReceived > 0 && s.pair && s.pair.state === 'succeeded') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no inbound audio within ${ms} ms: ${JSON.stringify(s)}`);
}

/** a=candidate lines of an SDP as { type, address } */
function candidates(sdp) {
  return [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ (\w+)/gm)]
    .map(([, address, type]) => ({ address, type }));
}

describe('JsSIP calls JsSIP through Kamailio (browser call rig)', { timeout: 180000 }, () => {
  let kam, turn, web, browser, alice, bob;
  const errors = [];

  before(async () => {
    const pagePath = await bundleJssipPage();
    // JsSIP 3.13 answers only MD5 digest challenges
    // started side by side; whatever did start is kept for after() even if another failed
    const started = await Promise.allSettled([
      startKamailio({ alg: 'MD5' }), startCoturn(), startPageServer(), launchBrowser(),
    ]);
    [kam, turn, web, browser] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const open = async (user) => {
      const ctx = await browser.newContext();
      await installCallProbe(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => errors.push(`${user}: ${e.message}`));
      await page.goto(web.url + pagePath);
      await within(page.evaluate((cfg) => window.jssipPeer.register(cfg),
        { server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user) }), 20000, `${user} registers`);
      return page;
    };
    alice = await open('alice');
    bob = await open('bob');
  });

  after(async () => {
    for (const p of [alice, bob]) {
      await p?.evaluate(() => window.jssipPeer.stop()).catch(() => {});
    }
    const steps = [() => browser?.close(), () => web?.stop(), () => turn?.stop(), () => kam?.stop()];
    for (const step of steps) {
      try { await step(); } catch (e) { console.error('teardown:', e.message); }
    }
  });

  // a failed case must not leave its call (or its SDP mangling) for the next one
  afterEach(async () => {
    for (const p of [alice, bob]) {
      await p?.evaluate(async () => {
        window.jssipPeer.mangleLocalSdp = null;
        if (window.jssipPeer.info().state === 'ended' || window.jssipPeer.info().state === 'idle') return;
        window.jssipPeer.hangup();
        await window.jssipPeer.waitFor('ended', 5000);
      }).catch((e) => console.error('afterEach hangup:', e.message));
    }
  });

  /** Alice calls Bob, Bob answers by hand; both confirmed. */
  async function call(mediaAlice, mediaBob = mediaAlice) {
    await bob.evaluate(() => { window.jssipPeer.autoAnswer(null); window.jssipPeer.reset(); });
    await alice.evaluate(({ t, m }) => window.jssipPeer.call(t, m), { t: BOB, m: mediaAlice });
    await bob.evaluate(() => window.jssipPeer.waitFor('incoming', 20000));
    await bob.evaluate((m) => window.jssipPeer.answer(m), mediaBob);
    await Promise.all([alice, bob].map((p) => p.evaluate(() => window.jssipPeer.waitFor('confirmed', 20000))));
  }

  async function hangup() {
    await alice.evaluate(() => window.jssipPeer.hangup());
    const ends = await Promise.all([alice, bob].map((p) => p.evaluate(() => window.jssipPeer.waitFor('ended', 10000))));
    assert.deepEqual(ends, ['Terminated', 'Terminated']);
  }

  it('Alice calls Bob, Bob answers, audio flows both ways, Alice hangs up', async (t) => {
    await call({ iceServers: [] });
    const [a, b] = [await audioIn(alice), await audioIn(bob)];
    assert.ok(a.audioIn.packetsReceived > 0 && b.audioIn.packetsReceived > 0);
    t.diagnostic(`selected pair alice ${JSON.stringify(a.pair)} bob ${JSON.stringify(b.pair)}`);

    // the SDP each page got from JsSIP equals what the probe saw on the WebSocket
    const [ia, ib] = await Promise.all([alice, bob].map((p) => p.evaluate(() => window.jssipPeer.info())));
    const wire = await wireSdp(alice, bob);
    assert.equal(ib.sdp.inviteReceived, wire.inviteReceived);
    assert.equal(ia.sdp.okReceived, wire.okReceived);
    for (const sdp of [wire.inviteReceived, wire.okReceived]) {
      assert.match(sdp, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
      assert.match(sdp, /^a=fingerprint:sha-256 /m);
      assert.ok(candidates(sdp).length > 0);
    }
    // what Chromium puts on the wire when the microphone is granted: raw host IPs, no .local
    t.diagnostic(`INVITE candidates ${JSON.stringify(candidates(wire.inviteReceived))}`);
    await hangup();
  });

  it('relay: iceTransportPolicy relay through coturn, the selected pair is relay on both sides', async (t) => {
    const media = (user) => ({
      iceServers: [{ urls: turn.url, ...turnCredentials(turn.secret, user) }],
      iceTransportPolicy: 'relay',
    });
    await call(media('alice'), media('bob'));

    const [a, b] = [await audioIn(alice), await audioIn(bob)];
    t.diagnostic(`selected pair alice ${JSON.stringify(a.pair)} bob ${JSON.stringify(b.pair)}`);
    // both sides send from their relay; the far end's relay may be learnt from its
    // checks (prflx) before its candidate arrives in the SDP
    for (const s of [a, b]) {
      assert.equal(s.pair.local.candidateType, 'relay');
      assert.match(s.pair.remote.candidateType, /^(relay|prflx)$/);
    }
    const wire = await wireSdp(alice, bob);
    for (const sdp of [wire.inviteReceived, wire.okReceived]) {
      const c = candidates(sdp);
      assert.ok(c.length > 0, 'relay candidates in the SDP');
      assert.deepEqual([...new Set(c.map((x) => x.type))], ['relay']);
    }
    await hangup();
  });

  it('mdns-like wire: with every raw-IP host candidate removed, TURN (policy all) carries the audio', async (t) => {
    // what sipshield's mdns mode will send from this host: Chromium emits no .local names
    // here (see CALL-RIG.md), so nothing but relay candidates is left on the wire
    const scrub = () => {
      window.jssipPeer.mangleLocalSdp = (sdp) => sdp.split('\r\n')
        .filter((l) => !/^a=candidate:\S+ \d+ \S+ \d+ [0-9a-f.:]+ \d+ typ host/i.test(l))
        .join('\r\n')
        .replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0');
    };
    await alice.evaluate(scrub);
    await bob.evaluate(scrub);
    const media = (user) => ({ iceServers: [{ urls: turn.url, ...turnCredentials(turn.secret, user) }] });
    await call(media('alice'), media('bob'));
    const [a, b] = [await audioIn(alice), await audioIn(bob)];
    t.diagnostic(`selected pair alice ${JSON.stringify(a.pair)} bob ${JSON.stringify(b.pair)}`);
    const wire = await wireSdp(alice, bob);
    for (const sdp of [wire.inviteReceived, wire.okReceived]) {
      assert.ok(!candidates(sdp).some((c) => c.type === 'host'), 'no host candidate on the wire');
      assert.match(sdp, /^c=IN IP4 0\.0\.0\.0$/m);
    }
    // TURN carries the audio: each side's selected pair has a relay end. Which end
    // is ICE's race: a side may learn the far end's host through the far end's
    // checks to its relay (prflx) before it learns the far end's relay candidate.
    for (const p of [a.pair, b.pair]) {
      assert.ok(p.local.candidateType === 'relay' || p.remote.candidateType === 'relay',
        JSON.stringify(p));
    }
    await hangup();
  });

  it('measureCallSetup times one JsSIP -> JsSIP call: INVITE, confirmed, first audio', async (t) => {
    await bob.evaluate(() => window.jssipPeer.autoAnswer({ iceServers: [] }));
    const r = await within(measureCallSetup(alice, bob,
      (p) => p.evaluate((target) => window.jssipPeer.call(target, { iceServers: [] }), BOB)), 40000, 'measured call');
    t.diagnostic(FIGURES.map((k) => `${k}=${r[k]}`).join(' '));
    for (const k of FIGURES) assert.ok(Number.isFinite(r[k]) && r[k] >= 0, `${k} = ${r[k]}`);
    assert.ok(r.inviteToOk <= r.inviteToConfirmed);
    assert.ok(r.audioBoth >= Math.max(r.audioAtCaller, r.audioAtCallee));
    assert.ok(r.detail.challenged, 'Kamailio challenged the INVITE (407): part of the figure');
    await bob.evaluate(() => window.jssipPeer.autoAnswer(null));
    await hangup();
  });

  it('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
