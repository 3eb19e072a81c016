// E2E: two Chromium pages with sipshield, registered over WSS to real Kamailio, call
// each other with coturn on 127.0.0.1 for TURN. What one page's core let leave is what
// the other page's RTCPeerConnection was given (remoteDescription): that is checked for
// raw IPs (mdns) and candidate types (relay).
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, startCoturn, turnCredentials, USERS, REALM } from '../node/support/servers.js';
import { launchBrowser, openPhonePage, startPageServer } from './support.js';

const CALL_MS = 20000;

/** Raw IPv4/IPv6 addresses in candidate lines of type host */
function rawHostCandidates(sdp) {
  return sdp.split(/\r?\n/).filter((l) => /^a=candidate:/.test(l) && / typ host\b/.test(l))
    .filter((l) => !/ [0-9a-f-]+\.local /i.test(l));
}

function candidateTypes(sdp) {
  return [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ (\w+)/gm)].map((m) => m[1]);
}

describe('Two sipshield pages call each other through Kamailio', () => {
  let kam, turn, web, browser;
  const pages = {};

  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256' });
    turn = await startCoturn();
    web = await startPageServer({});
    browser = await launchBrowser();
  });
  after(async () => {
    for (const p of Object.values(pages)) await p.ctx.close().catch(() => {});
    await browser?.close();
    await web?.stop();
    await turn?.stop();
    await kam?.stop();
  });

  async function peer(user, privacy, extra = {}) {
    const cred = turnCredentials(turn.secret, user);
    const p = await openPhonePage(browser, web.url, user, {
      server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user), privacy,
      iceServers: [{ urls: turn.url, username: cred.username, credential: cred.credential }],
      iceGatheringTimeoutMs: 3000, ...extra,
    });
    const waitFor = p.waitFor;
    p.waitFor = (name, ms = CALL_MS) => waitFor(name, ms);
    pages[`${user}-${privacy}`] = p;
    return p;
  }

  /** Unregister and close: a later test's user must be the only binding */
  async function closeAll() {
    for (const [k, p] of Object.entries(pages)) {
      await p.do('close').catch(() => {});
      await p.ctx.close().catch(() => {});
      delete pages[k];
    }
  }

  afterEach(closeAll);

  async function audioBothWays(a, b) {
    const until = Date.now() + CALL_MS;
    let sa, sb;
    while (Date.now() < until) {
      sa = await a.do('stats');
      sb = await b.do('stats');
      if (sa?.audioPacketsReceived > 0 && sb?.audioPacketsReceived > 0) return [sa, sb];
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`no audio both ways: ${JSON.stringify([sa, sb])}`);
  }

  it('mdns: audio flows both ways and no raw host IP reaches the other side', async () => {
    const alice = await peer('alice', 'mdns');
    const bob = await peer('bob', 'mdns', { iceServersAsync: true });
    await bob.do('autoAnswer', true);
    const r = await alice.do('call', `sip:bob@${REALM}`);
    assert.deepEqual(r, { ok: true });
    await bob.waitFor('incoming');
    await alice.waitFor('accepted');
    await bob.waitFor('accepted');
    await audioBothWays(alice, bob);
    const offer = (await bob.do('info')).remoteSdp;     // alice's INVITE as bob got it
    const answer = (await alice.do('info')).remoteSdp;  // bob's 200 as alice got it
    assert.deepEqual(rawHostCandidates(offer), [], offer);
    assert.deepEqual(rawHostCandidates(answer), [], answer);
    // one Call-ID on both sides (support can correlate); TURN configured: no warning;
    // Kamailio's 100 Trying is not progress
    const [ia, ib] = [await alice.do('info'), await bob.do('info')];
    assert.match(ia.id, /^\S{8,}$/);
    assert.equal(ia.id, ib.id);
    assert.deepEqual([ia.warnings, ib.warnings], [[], []]);
    assert.ok(!ia.events.some((e) => e.name === 'progress'), ia.events.map((e) => e.name).join());
    assert.match(offer, /^a=fingerprint:sha-256 /m);
    const sec = await alice.waitFor('security');
    assert.equal(sec.privacy, 'mdns');
    assert.equal(sec.signalling, 'wss');
    assert.ok(sec.srtpCipher, JSON.stringify(sec));
    assert.ok(sec.dtlsCipher, JSON.stringify(sec));
    assert.equal(sec.fingerprintAlgorithm, 'sha-256');
    assert.equal(sec.digestAlgorithm, 'SHA-256', 'the INVITE answered Kamailio\'s SHA-256 challenge');
    assert.match(sec.tlsVersion, /^DTLS 1\.[23]$/);
    assert.match(sec.dtlsRole, /^(client|server)$/);
    assert.ok(sec.localCandidateType && sec.remoteCandidateType, JSON.stringify(sec));
    assert.ok((await bob.do('info')).events.some((e) => e.name === 'ice-servers-asked'));

    // mute: what bob hears from alice goes silent, then comes back
    const level = async (pred) => {
      const until = Date.now() + 10000;
      let st;
      while (Date.now() < until) {
        st = await bob.do('stats');
        if (pred(st.audioLevelIn)) return st.audioLevelIn;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.fail(`audio level stayed ${st?.audioLevelIn}`);
    };
    await level((l) => l > 0.001);
    assert.equal(await alice.do('mute', true), true);
    await level((l) => l !== null && l < 0.0005);
    assert.equal(await alice.do('mute', false), false);
    await level((l) => l > 0.001);

    // hold and resume: the peer accepts, `held` follows
    assert.deepEqual(await alice.do('hold'), { ok: true, held: true });
    assert.match((await bob.do('info')).remoteSdp, /^a=sendonly/m);
    assert.deepEqual(await alice.do('unhold'), { ok: true, held: false });
    assert.match((await bob.do('info')).remoteSdp, /^a=sendrecv/m);

    // DTMF: RFC 4733 (the sender's tones play out) and SIP INFO (the peer gets them)
    assert.equal(await alice.do('dtmf', '1#', false), 'rfc4733');
    await alice.waitFor('tone', 5000);
    assert.equal(await alice.do('dtmf', '5', true), 'info');
    const info = await bob.waitFor('info', 5000);
    assert.match(info.body, /^Signal=5\r\n/);

    // MESSAGE while in the call, through Kamailio (digest-challenged)
    const sent = await alice.do('message', `sip:bob@${REALM}`, 'h\u00e9llo "bob" \u{1f600}');
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.equal(sent.status, 200);
    const msg = await bob.waitFor('message', 5000);
    assert.equal(msg.body, 'h\u00e9llo "bob" \u{1f600}');
    assert.equal(msg.from, `sip:alice@${REALM}`);
    assert.match(msg.contentType, /^text\/plain/);
    const nobody = await alice.do('message', `sip:nobody@${REALM}`, 'x');
    assert.equal(nobody.ok, false);
    assert.equal(nobody.code, 'not-found');

    await alice.do('hangup');
    const ea = await alice.waitFor('ended');
    const eb = await bob.waitFor('ended');
    assert.equal(ea.cause, 'local-hangup');
    assert.equal(eb.cause, 'remote-hangup');
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });

  it('relay: only relay candidates leave and the selected pair is relay on both sides', async () => {
    const alice = await peer('alice', 'relay');
    const bob = await peer('bob', 'relay');
    await bob.do('autoAnswer', true);
    assert.deepEqual(await alice.do('call', `sip:bob@${REALM}`), { ok: true });
    await alice.waitFor('accepted');
    const [sa, sb] = await audioBothWays(alice, bob);
    assert.equal(sa.local, 'relay');
    assert.equal(sb.local, 'relay');
    const offer = (await bob.do('info')).remoteSdp;
    const answer = (await alice.do('info')).remoteSdp;
    assert.ok(candidateTypes(offer).length > 0, offer);
    assert.deepEqual([...new Set(candidateTypes(offer))], ['relay']);
    assert.deepEqual([...new Set(candidateTypes(answer))], ['relay']);
    await bob.do('hangup');
    assert.equal((await alice.waitFor('ended')).cause, 'remote-hangup');
  });

  it('reject, cancel, and relay mode without TURN fails closed before any INVITE', async () => {
    const alice = await peer('alice', 'mdns');
    const bob = await peer('bob', 'mdns');

    // bob rejects: alice's call ends busy/486
    assert.deepEqual(await alice.do('call', `sip:bob@${REALM}`), { ok: true });
    await bob.waitFor('incoming');
    await bob.do('reject', 486);
    const busy = await alice.waitFor('ended');
    assert.equal(busy.cause, 'busy');
    assert.equal(busy.status, 486);
    assert.equal((await bob.waitFor('ended')).cause, 'rejected');
    await alice.do('reset');
    await bob.do('reset');

    // alice gives up before bob answers: CANCEL
    assert.deepEqual(await alice.do('call', `sip:bob@${REALM}`), { ok: true });
    await bob.waitFor('incoming');
    await alice.waitFor('ringing');
    await alice.do('hangup');
    assert.equal((await alice.waitFor('ended')).cause, 'cancelled');
    assert.equal((await bob.waitFor('ended')).cause, 'cancelled');
    await closeAll();

    // relay mode with no TURN server: no relay candidate, no INVITE
    const carol = await peer('carol', 'relay', { iceServers: [] });
    const frames = [];
    carol.page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    const r = await carol.do('call', `sip:bob@${REALM}`);
    assert.equal(r.ok, false);
    assert.equal(r.code, 'relay-unavailable');
    assert.ok(!frames.some((f) => f.startsWith('INVITE ')), 'an INVITE left');
    assert.equal((await carol.do('info')).calls, 0);
  });

  it('mdns without TURN: both sides warned, the call ends no-candidates at once, not silent for 15 s', async () => {
    const alice = await peer('alice', 'mdns', { iceServers: [] });
    const bob = await peer('bob', 'mdns', { iceServers: [] });
    await bob.do('autoAnswer', true);
    const t0 = Date.now();
    assert.deepEqual(await alice.do('call', `sip:bob@${REALM}`), { ok: true });
    const ia = await alice.do('info');
    assert.deepEqual(ia.warnings.map((w) => w.code), ['no-candidates'], 'warned when phone.call() resolved');
    assert.match(ia.warnings[0].message, /TURN/);
    const ended = await alice.waitFor('ended', 10000);
    assert.ok(Date.now() - t0 < 8000, `${Date.now() - t0} ms`);
    assert.equal(ended.cause, 'no-candidates');
    assert.match(ended.reason, /iceServers/);
    assert.equal((await bob.waitFor('warning', 5000)).code, 'no-candidates');
    assert.equal((await bob.waitFor('ended', 5000)).cause, 'remote-hangup');
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });

  it('video: audio and video flow both ways when both sides ask for it', async () => {
    const alice = await peer('alice', 'mdns');
    const bob = await peer('bob', 'mdns');
    await bob.do('autoAnswer', true, { video: true });
    assert.deepEqual(await alice.do('call', `sip:bob@${REALM}`, { video: true }), { ok: true });
    await alice.waitFor('accepted');
    const until = Date.now() + CALL_MS;
    let sa, sb;
    while (Date.now() < until) {
      sa = await alice.do('stats');
      sb = await bob.do('stats');
      if (sa?.videoPacketsReceived > 0 && sb?.videoPacketsReceived > 0 &&
          sa.audioPacketsReceived > 0 && sb.audioPacketsReceived > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(sa.videoPacketsReceived > 0 && sb.videoPacketsReceived > 0, JSON.stringify([sa, sb]));
    assert.match((await bob.do('info')).remoteSdp, /^m=video /m);
    await alice.do('hangup');
    assert.equal((await bob.waitFor('ended')).cause, 'remote-hangup');
  });
});
