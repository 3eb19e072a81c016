// Issue 9, item 5: what using sipshield as a new user showed, each fixed at its root.
// The real wasm core with a scripted server and a fake RTCPeerConnection (unit level;
// Kamailio and Chromium runs are in register.test.js and tests/e2e/call.test.js).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone, PhoneError, loadCore } from '../../shim/index.js';
import { checkSdp, loadCheckCore } from '../../shim/check.js';
import { internal } from '../../shim/internal.js';
import { tlsVersionName } from '../../shim/dtls.js';
import { fakePeerConnection, fakeStream } from './support/fake-media.js';
import { fakeServer, respond } from './support/fake-server.js';
import { ROOT } from './support/servers.js';

const SDP = (name) => fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp', name), 'utf8');
const HOST_ONLY = SDP('chrome-audio-offer-host-ipv6-tcp.aiortc.sdp');  // raw-IP host candidates only
const MDNS_OFFER = SDP('chrome120-audio-offer-mdns-lf-only.sdp');     // .local host, srflx, relay
const ANSWER = SDP('asterisk20-audio-answer-dtls.sdp');                // one public host candidate
const BARE_ANSWER = SDP('chrome120-audio-answer-no-candidates.sdp');   // no candidate at all

function phoneWith(srv, sdp = HOST_ONLY, extra = {}) {
  return Phone.create({
    server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com', password: 'pw-alice-123',
    WebSocket: srv.WebSocket, RTCPeerConnection: fakePeerConnection({ sdp }),
    getUserMedia: async () => fakeStream, mediaTimeoutMs: 15000, ...extra,
  });
}

/** A response to `req` carrying an SDP body */
function withSdp(req, code, reason, sdp) {
  return respond(req, code, reason, 'Contact: <sip:bob@b.invalid;transport=ws>')
    .replace('Content-Length: 0\r\n\r\n', 'Content-Type: application/sdp\r\n'
      + `Content-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`);
}

const header = (msg, name) => new RegExp(`^${name}: *(.*?)\r$`, 'mi').exec(msg)?.[1];

/** The first request starting with `method` the server got, waited for (bounded) */
async function request(srv, method, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = srv.state.received.find((x) => x.startsWith(`${method} `));
    if (r || Date.now() > until) return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('A command the core refuses before reading it is a typed error', () => {
  it('an oversize command: PhoneError too-large, and the core goes on', async () => {
    const core = await loadCore();
    assert.throws(() => internal.cmd(core, { cmd: 'sdp.check', sdp: 'x'.repeat(300000), bytes: 300000 }),
      (e) => e instanceof PhoneError && e.code === 'too-large');
    assert.equal(internal.cmd(core, { cmd: 'phone.close', phone: 4242 }).err, 'not-found');
  });

  it('a command the core cannot decode (nested too deep): PhoneError bad-command, not a missing reply', async () => {
    const core = await loadCore();
    const deep = JSON.parse(`${'{"a":'.repeat(12)}1${'}'.repeat(12)}`);
    assert.throws(() => internal.cmd(core, { cmd: 'phone.new', config: deep }),
      (e) => e instanceof PhoneError && e.code === 'bad-command');
    assert.equal(internal.cmd(core, { cmd: 'phone.close', phone: 4242 }).err, 'not-found');
  });

  it('a phone command over the limit rejects with too-large; the phone stays usable', async () => {
    const srv = fakeServer((req) => (req.startsWith('MESSAGE ') ? respond(req, 200, 'OK') : null));
    const phone = await phoneWith(srv);
    await assert.rejects(phone.message('bob', 'x'.repeat(300000)), { code: 'too-large' });
    await assert.rejects(phone.message('bob', 'x'.repeat(20000)), { code: 'invalid-argument' });
    assert.deepEqual(await phone.message('bob', 'hi'), { status: 200 });
    await phone.close();
  });

  it('checkSdp of an SDP over the command limit is the policy\'s too-large verdict', async () => {
    const core = await loadCheckCore();
    const huge = `v=0\r\n${'a=x\r\n'.repeat(70000)}`;
    const v = checkSdp(core, huge);
    assert.equal(v.ok, false);
    assert.equal(v.reason, 'too-large');
    assert.equal(checkSdp(core, `v=0\r\n${'a=x\r\n'.repeat(14000)}`).reason, 'too-large');  // 70 KB: the policy's
    assert.equal(checkSdp(core, ANSWER).ok, true);
  });
});

describe('Alice calls Bob: progress, Call-ID and the warnings of a call that cannot connect', () => {
  it('100 Trying is not progress; 180 is ringing; 183 is progress; call.id is the INVITE\'s Call-ID', async () => {
    let srv;
    srv = fakeServer((req) => {
      if (!req.startsWith('INVITE ')) return null;
      const ws = srv.state.sockets[0];
      for (const [code, reason] of [[100, 'Trying'], [180, 'Ringing'], [183, 'Session Progress']]) {
        setTimeout(() => ws.onmessage({ data: respond(req, code, reason) }), 5 * code / 100);
      }
      return null;
    });
    const phone = await phoneWith(srv, MDNS_OFFER);
    const call = await phone.call('bob');
    const seen = [];
    for (const n of ['ringing', 'progress']) call.on(n, () => seen.push(n));
    const invite = await request(srv, 'INVITE');
    assert.match(call.id, /^\S{8,}$/);
    assert.equal(call.id, header(invite, 'Call-ID'));
    assert.deepEqual(call.warnings, []);
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, ['ringing', 'progress']);
    await call.hangup();
    await phone.close();
  });

  it('an incoming call has the INVITE\'s Call-ID as soon as it is handed out', async () => {
    const srv = fakeServer((req) => (req.startsWith('REGISTER ')
      ? respond(req, 200, 'OK', 'Contact: <sip:alice@x.invalid;transport=ws>;expires=600') : null));
    const phone = await phoneWith(srv);
    await phone.register();
    const incoming = new Promise((resolve) => phone.once('incoming', (c) => resolve([c, c.id])));
    const body = MDNS_OFFER.replace(/\n/g, '\r\n');
    srv.state.sockets[0].onmessage({ data: [
      'INVITE sip:alice@x.invalid;transport=ws SIP/2.0',
      'Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKin1', 'Max-Forwards: 69',
      'From: "Bob" <sip:bob@example.com>;tag=b1', 'To: <sip:alice@example.com>',
      'Call-ID: bob-call-7f3a@example.com', 'CSeq: 1 INVITE',
      'Contact: <sip:bob@b.invalid;transport=ws>', 'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n') });
    const [call, idAtHandout] = await incoming;
    assert.equal(idAtHandout, 'bob-call-7f3a@example.com');
    assert.equal(call.id, 'bob-call-7f3a@example.com');
    call.reject(486);
    await phone.close();
  });

  it('mdns, no TURN, host candidates only: a warning at phone.call(), the call goes on if the answer has one', async () => {
    const srv = fakeServer((req) => {
      if (req.startsWith('INVITE ')) return withSdp(req, 200, 'OK', ANSWER);
      return req.startsWith('BYE ') ? respond(req, 200, 'OK') : null;
    });
    const phone = await phoneWith(srv, HOST_ONLY, { mediaTimeoutMs: 300 });
    const call = await phone.call('bob');
    assert.deepEqual(call.warnings.map((w) => w.code), ['no-candidates']);
    assert.match(call.warnings[0].message, /TURN .*iceServers.*privacy 'off'/);
    const invite = await request(srv, 'INVITE');
    assert.doesNotMatch(invite, /^a=candidate/m);
    const ended = await new Promise((resolve) => call.on('ended', resolve));
    assert.equal(ended.cause, 'ice-failed');  // the fake browser never connects
    await phone.close();
  });

  it('and an answer without a candidate either ends the call at once: no-candidates, what to configure', async () => {
    const srv = fakeServer((req) => {
      if (req.startsWith('INVITE ')) return withSdp(req, 200, 'OK', BARE_ANSWER);
      return req.startsWith('BYE ') ? respond(req, 200, 'OK') : null;
    });
    const phone = await phoneWith(srv, HOST_ONLY);
    const t0 = Date.now();
    const call = await phone.call('bob');
    const ended = await new Promise((resolve) => call.on('ended', resolve));
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms: not the 15 s media timeout`);
    assert.equal(ended.cause, 'no-candidates');
    assert.match(ended.reason, /configure TURN \(iceServers\) or privacy 'off'/);
    const bye = await request(srv, 'BYE');
    assert.match(bye, /^Reason: SIP ;cause=488 ;text="no-candidates"\r$/m);
    assert.equal(call.peerConnection.remoteDescription, null, 'the useless answer never reached the browser');
    await phone.close();
  });

  it('an offer with a candidate left raises no warning', async () => {
    const srv = fakeServer((req) => (req.startsWith('INVITE ') ? respond(req, 180, 'Ringing') : null));
    const phone = await phoneWith(srv, MDNS_OFFER);
    const call = await phone.call('bob');
    assert.deepEqual(call.warnings, []);
    await call.hangup();
    await phone.close();
  });
});

describe('phone.options(): what a server or user supports', () => {
  it('resolves with the status and the Allow / Supported values; not a message-sent event', async () => {
    const srv = fakeServer((req) => (req.startsWith('OPTIONS ')
      ? respond(req, 200, 'OK', 'Allow: INVITE, ACK, CANCEL,OPTIONS\r\nAllow: BYE\r\nSupported: path, outbound') : null));
    const phone = await phoneWith(srv);
    const events = [];
    phone.on('message-sent', (e) => events.push(e));
    const r = await phone.options('sip:example.com');
    assert.deepEqual(r, { status: 200, allow: ['INVITE', 'ACK', 'CANCEL', 'OPTIONS', 'BYE'],
      supported: ['path', 'outbound'] });
    assert.match(srv.state.received.at(-1), /^OPTIONS sip:example\.com SIP\/2\.0\r\n/);
    assert.deepEqual(events, []);
    await phone.close();
  });

  it('a response without them: empty lists', async () => {
    const srv = fakeServer((req) => (req.startsWith('OPTIONS ') ? respond(req, 200, 'OK') : null));
    const phone = await phoneWith(srv);
    assert.deepEqual(await phone.options('bob'), { status: 200, allow: [], supported: [] });
    await phone.close();
  });

  it('404 rejects not-found, a bad target invalid-argument, and a silent server is abortable', async () => {
    const srv = fakeServer((req) => (req.includes('nobody@') ? respond(req, 404, 'Not Found') : null));
    const phone = await phoneWith(srv);
    await assert.rejects(phone.options('nobody'), (e) => e instanceof PhoneError && e.code === 'not-found'
      && e.status === 404);
    await assert.rejects(phone.options('a b'), { code: 'invalid-argument' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(phone.options('sip:example.com', { signal: ac.signal }), { code: 'aborted' });
    const pending = phone.options('sip:example.com');
    await new Promise((r) => setTimeout(r, 20));  // sent, no answer
    await phone.close();
    await assert.rejects(pending, { code: 'closed' });
  });
});

describe('The security report names the DTLS version', () => {
  it('FEFC, FEFD, FEFF are DTLS 1.3, 1.2, 1.0; anything else passes through', () => {
    assert.equal(tlsVersionName('FEFC'), 'DTLS 1.3');
    assert.equal(tlsVersionName('FEFD'), 'DTLS 1.2');
    assert.equal(tlsVersionName('fefd'), 'DTLS 1.2');
    assert.equal(tlsVersionName('FEFF'), 'DTLS 1.0');
    assert.equal(tlsVersionName('0304'), '0304');
    assert.equal(tlsVersionName(undefined), null);
    assert.equal(tlsVersionName(''), null);
  });
});
