// Issue 13 in Node against real Kamailio (media faked: the Chromium fault tests are in
// tests/e2e): RFC 5626 outbound registration and its keep-alive, a dead flow found by the
// keep-alive (a real fault: nftables drops the loopback packets, support/netfault.js) and
// replaced, and a call that keeps its dialog across a Kamailio restart: both phones
// reconnect, register again and move the call's route with a re-INVITE, and a hang-up
// afterwards reaches the other side.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../shim/index.js';
import { fakeMediaHandler } from './support/fake-media.js';
import { blockPorts, netfaultAvailable } from './support/netfault.js';
import {
  ROOT, REALM, USERS, TestWebSocket, startKamailio, nextEvent, within,
} from './support/servers.js';

const OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome-audio-offer-host-ipv6-tcp.aiortc.sdp'), 'utf8');
const ANSWER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/asterisk20-audio-answer-dtls.sdp'), 'utf8');
const T = 8000;

const avail = await netfaultAvailable();
const noFault = avail.ok || process.env.CI === 'true' ? false
  : `network faults need root and nft (${avail.reason}); CI=true makes this a failure`;

/** Each phone's fake media, to report its calls' media connected */
const medias = [];

/** A phone of `user` on `kam`, media faked (privacy off: the fake SDPs keep their candidates) */
function phoneOf(kam, user, extra = {}) {
  const media = fakeMediaHandler({ sdp: user === 'alice' ? OFFER : ANSWER });
  medias.push(media);
  return Phone.create({
    server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user),
    WebSocket: TestWebSocket, privacy: 'off', mediaHandler: media.factory, ...extra,
  });
}

/** Every event `name` of `emitter` from now on, in order */
function record(emitter, name) {
  const seen = [];
  emitter.on(name, (e) => seen.push(e));
  return seen;
}

describe('RFC 5626 outbound and keep-alive against Kamailio (outbound, path)', () => {
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'MD5', outbound: true }); });
  after(async () => { await kam?.stop(); });

  it('registers with +sip.instance, reg-id and ;ob; Kamailio answers Require: outbound and a GRUU', async () => {
    const instanceId = 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6';
    const phone = await phoneOf(kam, 'alice', { instanceId });
    assert.equal(phone.instanceId, instanceId);
    const from = TestWebSocket.received.length;
    await within(phone.register(), T, 'register');
    const reg = TestWebSocket.sent.filter((m) => m.startsWith('REGISTER ')).at(-1);
    assert.match(reg, /^Supported: outbound, path, gruu\r$/m);
    assert.match(reg, new RegExp(`^Contact: <sip:alice@[a-z0-9]+\\.invalid;transport=wss?;ob>;expires=\\d+;`
      + `\\+sip\\.instance="<urn:uuid:${instanceId}>";reg-id=1\\r$`, 'm'));
    const ok = TestWebSocket.received.slice(from).find((m) => m.startsWith('SIP/2.0 200 ')
      && m.includes('REGISTER'));
    assert.match(ok, /^Require: outbound\r$/mi);
    assert.match(ok, new RegExp(`pub-gruu="sip:alice@${REALM};gr=urn:uuid:${instanceId}"`));
    await phone.close();
  });

  it('sends CRLFCRLF after 2/3 of keepAlive without traffic; the CRLF pong keeps the flow', async () => {
    const phone = await phoneOf(kam, 'bob', { keepAlive: 10 });
    const lost = record(phone, 'reconnecting');
    await within(phone.register(), T, 'register');
    const sent = TestWebSocket.sent.length;
    const received = TestWebSocket.received.length;
    await new Promise((resolve) => setTimeout(resolve, 12000));
    assert.ok(TestWebSocket.sent.slice(sent).filter((m) => m === '\r\n\r\n').length >= 1, 'a ping went out');
    assert.ok(TestWebSocket.received.slice(received).includes('\r\n'), 'Kamailio answered it');
    assert.deepEqual(lost, []);
    assert.equal(phone.state, 'registered');
    await phone.close();
  });

  it('a flow that stops answering (packets dropped) is found dead within keepAlive and replaced',
    { skip: noFault }, async () => {
      const phone = await phoneOf(kam, 'carol', { keepAlive: 10 });
      await within(phone.register(), T, 'register');
      const t0 = Date.now();
      const fault = await blockPorts({ tcp: [kam.port] });
      let ev;
      try {
        ev = await nextEvent(phone, 'reconnecting', 13000);
        assert.ok((await fault.dropped()).packets > 0, 'the fault dropped packets');
      } finally {
        await fault.lift();
      }
      assert.equal(ev.cause, 'flow-dead');
      assert.equal(ev.attempt, 1);
      assert.ok(Date.now() - t0 <= 11000, `found after ${Date.now() - t0} ms`);
      await nextEvent(phone, 'reconnected', 10000);
      assert.equal(phone.state, 'registered');
      await phone.close();
    });
});

describe('A call keeps its dialog across a Kamailio restart', () => {
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'MD5' }); });
  after(async () => { await kam?.stop(); });

  it('both phones reconnect and move the route; the hang-up reaches the other side', async () => {
    const alice = await phoneOf(kam, 'alice');
    const bob = await phoneOf(kam, 'bob');
    await within(Promise.all([alice.register(), bob.register()]), T, 'register both');
    const incoming = nextEvent(bob, 'incoming', T);
    const call = await alice.call(`sip:bob@${REALM}`);
    const theirs = await incoming;
    const accepted = nextEvent(call, 'accepted', T);
    await theirs.answer();
    await accepted;
    // the fake media says connected, as ICE and DTLS would (else the call ends ice-failed)
    for (const m of medias.slice(-2)) m.log.connect('connected', 'connected');
    const back = [nextEvent(alice, 'reconnected', 20000), nextEvent(bob, 'reconnected', 20000),
      nextEvent(call, 'reconnected', 30000), nextEvent(theirs, 'reconnected', 30000)];
    const lost = [record(alice, 'reconnecting'), record(call, 'reconnecting')];

    const port = kam.port;
    await kam.stop();
    kam = await startKamailio({ alg: 'MD5', port });
    await within(Promise.all(back), 35000, 'both phones and both calls reconnected');
    assert.equal(lost[0][0].cause, 'transport-closed');
    assert.equal(lost[1][0].cause, 'transport-closed');
    assert.equal(call.state, 'active');
    assert.equal(theirs.state, 'active');

    const ended = nextEvent(theirs, 'ended', T);
    await call.hangup();
    assert.equal((await ended).cause, 'remote-hangup');
    await alice.close();
    await bob.close();
  });
});
