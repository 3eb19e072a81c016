// Issue 13 item 4 in Node against two real Kamailio nodes sharing their registrations through
// DMQ (startKamailioPair; media faked: calls only need their dialogs here). A phone given the
// servers [A, B] registers on A and calls a phone on B across the nodes; A is stopped; the phone
// moves to B on its own (the core's server list: wasm/transport/flow.c), registers there with
// the same instance, moves its call there (re-INVITE), and the call goes on (holds both ways, a
// hang-up reaching the other side) and a new call from B's phone reaches it. A phone whose first
// server is down from the start registers on the second. With `failbackAfter`, a phone on B moves
// back to A once A is back, between calls only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../shim/index.js';
import { fakeMediaHandler } from './support/fake-media.js';
import {
  ROOT, REALM, USERS, TestWebSocket, startKamailio, startKamailioPair, freePort, nextEvent, within,
} from './support/servers.js';

const OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome-audio-offer-host-ipv6-tcp.aiortc.sdp'), 'utf8');
const ANSWER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/asterisk20-audio-answer-dtls.sdp'), 'utf8');
const T = 8000;
/** the first reopen waits 0.5-8.5 s (flow_backoff_ms), the REGISTER then goes out */
const MOVE_MS = 15000;
/** a registration made on one node is found on the other (DMQ) */
const REPLICATION_MS = 5000;
/** the shortest failback: seconds on B before a phone moves back to A */
const FAILBACK_S = 10;

/** A phone of `user` on `servers`, media faked (privacy off: the fake SDPs keep their candidates) */
async function phoneOf(servers, user, extra = {}) {
  const media = fakeMediaHandler({ sdp: user === 'alice' ? OFFER : ANSWER });
  const phone = await Phone.create({
    server: servers, uri: `sip:${user}@${REALM}`, password: USERS.get(user),
    WebSocket: TestWebSocket, privacy: 'off', mediaHandler: media.factory, ...extra,
  });
  return { phone, media };
}

/** `to` calls `from`'s user and `from` answers: both calls, active */
async function callAnswered(caller, callee, user) {
  const incoming = nextEvent(callee.phone, 'incoming', T);
  const call = await caller.phone.call(`sip:${user}@${REALM}`);
  const theirs = await incoming;
  const accepted = nextEvent(call, 'accepted', T);
  await theirs.answer();
  await accepted;
  // the fake media says connected, as ICE and DTLS would (else the call ends ice-failed)
  for (const m of [caller.media, callee.media]) m.log.connect('connected', 'connected');
  return { call, theirs };
}

/** Retry `fn` until it resolves, for at most `ms` (a binding replicating between the nodes) */
async function eventually(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw new Error(`${what}: ${err.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('Server failover: a phone given [A, B] of a DMQ pair (issue 13 item 4)', () => {
  let pair;
  /** A again, once restarted */
  let again;
  /** bob, on B only (the first test registers him) */
  let bob;
  const phones = [];
  before(async () => { pair = await startKamailioPair({ alg: 'MD5' }); });
  after(async () => {
    await Promise.allSettled(phones.map((p) => p.phone.close()));
    await pair?.stop();
    await again?.stop();
  });

  it('registers on A, calls B\'s phone; A stopped: it moves to B, the call goes on, it is reachable there',
    async () => {
      const mark = TestWebSocket.opened.length;
      const urls = () => TestWebSocket.opened.slice(mark);
      const alice = await phoneOf([pair.a.url, pair.b.url], 'alice');
      bob = await phoneOf([pair.b.url], 'bob');
      phones.push(alice, bob);
      await within(Promise.all([alice.phone.register(), bob.phone.register()]), T, 'register both');
      assert.deepEqual(urls(), [pair.a.url, pair.b.url], 'alice on A, bob on B');

      // across the nodes: alice on A calls bob on B; a hold from bob crosses them too
      const first = await eventually(() => callAnswered(alice, bob, 'bob'), REPLICATION_MS, 'alice calls bob');
      // (once alice's ACK is in: until then the call may not change)
      await eventually(() => within(first.theirs.hold(), T, 'bob holds'), T, 'bob holds (alice answers)');
      assert.equal(first.theirs.held, true);

      // A stopped: alice moves to B and moves the call's route there (re-INVITE)
      const back = [nextEvent(alice.phone, 'reconnected', MOVE_MS + T), nextEvent(first.call, 'reconnected', MOVE_MS + T)];
      const lost = nextEvent(alice.phone, 'reconnecting', T);
      const pid = pair.a.pid();
      await pair.a.stop();
      assert.throws(() => process.kill(pid, 0), /ESRCH/, 'A\'s process is gone');
      assert.equal((await lost).cause, 'transport-closed');
      await within(Promise.all(back), MOVE_MS + T, 'alice and her call reconnected');
      assert.equal(alice.phone.state, 'registered');
      assert.equal(urls().at(-1), pair.b.url, 'alice\'s new connection is to B');

      // the dialog outlived A (its route names the pair: tools/servers/kamailio.cfg)
      await within(first.theirs.unhold(), T, 'bob resumes');
      await within(first.call.hold(), T, 'alice holds');
      const ended = nextEvent(first.call, 'ended', T);
      await first.theirs.hangup();
      assert.equal((await ended).cause, 'remote-hangup');

      // bob reaches alice on B: the binding she made there, same instance
      const second = await eventually(() => callAnswered(bob, alice, 'alice'), REPLICATION_MS, 'bob calls alice');
      await eventually(async () => assert.equal(second.theirs.state, 'active'), T, 'bob\'s ACK reached alice');
      const done = nextEvent(second.call, 'ended', T);
      await second.theirs.hangup();
      assert.equal((await done).cause, 'remote-hangup');
    });

  it('a first server down from the start: the phone registers on the next one', async () => {
    const down = `wss://127.0.0.1:${await freePort()}`;
    const mark = TestWebSocket.opened.length;
    const carol = await phoneOf([down, pair.b.url], 'carol');
    phones.push(carol);
    const t0 = Date.now();
    const registered = nextEvent(carol.phone, 'registered', MOVE_MS);
    // register() reports the first try's loss (the core tries again: retryIn)
    const lost = await carol.phone.register().then(() => null, (e) => e);
    assert.equal(lost?.code, 'transport-closed');
    assert.ok(lost.retryIn >= 500 && lost.retryIn <= 8500, `retryIn ${lost.retryIn}`);
    await registered;
    assert.equal(carol.phone.state, 'registered');
    assert.deepEqual(TestWebSocket.opened.slice(mark), [down, pair.b.url]);
    assert.ok(Date.now() - t0 < 9500, `registered ${Date.now() - t0} ms after the first try`);
  });

  it('with failbackAfter: back to A once A is back, only between calls', async () => {
    // A is down (the first test stopped it): dave registers on B
    const mark = TestWebSocket.opened.length;
    const dave = await phoneOf([pair.a.url, pair.b.url], 'dave', { failbackAfter: FAILBACK_S });
    phones.push(dave);
    const registered = nextEvent(dave.phone, 'registered', MOVE_MS);
    await dave.phone.register().catch(() => {});  // the first try's loss (A): the core goes on
    await registered;
    assert.deepEqual(TestWebSocket.opened.slice(mark), [pair.a.url, pair.b.url]);

    // A back (same ports, rejoins B); bob calls dave, who stays on B while the call is up
    again = await startKamailio({ alg: 'MD5', outbound: true, port: pair.a.port, sipPort: pair.a.sipPort,
      dmqPort: pair.a.dmqPort, dmqPeer: pair.b.dmqPort });
    const moves = [];
    dave.phone.on('reconnecting', (e) => moves.push(e));
    const call = await eventually(() => callAnswered(bob, dave, 'dave'), REPLICATION_MS, 'bob calls dave');
    await new Promise((r) => setTimeout(r, FAILBACK_S * 1000 + 2000));
    assert.deepEqual(moves, [], 'no move during the call');
    const ended = nextEvent(call.theirs, 'ended', T);
    await call.call.hangup();
    await ended;

    // between calls: back to A (at once, not after a back-off)
    const back = nextEvent(dave.phone, 'reconnected', 10000 + T);
    await within(back, 10000 + T, 'dave moved back');
    assert.equal(moves.length, 1, JSON.stringify(moves));
    assert.equal(moves[0].cause, 'failback');
    assert.ok(moves[0].retryIn <= 1, JSON.stringify(moves[0]));
    assert.equal(TestWebSocket.opened.at(-1), pair.a.url, 'dave\'s new connection is to A');
    assert.equal(dave.phone.state, 'registered');
    // and reachable there from B
    const second = await eventually(() => callAnswered(bob, dave, 'dave'), REPLICATION_MS, 'bob calls dave on A');
    const done = nextEvent(second.theirs, 'ended', T);
    await second.call.hangup();
    assert.equal((await done).cause, 'remote-hangup');
  });
});
