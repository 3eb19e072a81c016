// The Call class with the real wasm core, a scripted server and faked media (unit level:
// tests/e2e/call.test.js runs real Chromium). First through a fake RTCPeerConnection under the
// default MediaHandler: the RTCConfiguration the core dictates, the bounded ICE gathering, relay
// mode failing closed before any INVITE, and media failures ending the call cleanly. Then with a
// fake MediaHandler in its place (the seam, shim/media.js): every media step of a call goes
// through it, and nothing else touches media.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../shim/index.js';
import { fakeMediaHandler, fakePeerConnection, fakeStream } from './support/fake-media.js';
import { fakeServer, respond } from './support/fake-server.js';
import { ROOT } from './support/servers.js';

const ANSWER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/asterisk20-audio-answer-dtls.sdp'), 'utf8');
const OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome-audio-offer-host-ipv6-tcp.aiortc.sdp'), 'utf8');
const MDNS_OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome120-audio-offer-mdns-lf-only.sdp'), 'utf8');

/** A response to `req` carrying an SDP body */
function withSdp(req, code, reason, sdp) {
  return respond(req, code, reason, 'Contact: <sip:bob@b.invalid;transport=ws>')
    .replace('Content-Length: 0\r\n\r\n', 'Content-Type: application/sdp\r\n'
      + `Content-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`);
}

/** Until `fn()` is true (bounded) */
async function until(fn, ms = 3000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** The first received request starting with `method`, waited for (bounded) */
async function request(srv, method, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = srv.state.received.find((x) => x.startsWith(`${method} `));
    if (r || Date.now() > until) return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function phoneWith(srv, log, extra = {}) {
  return Phone.create({
    server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com', password: 'pw-alice-123',
    WebSocket: srv.WebSocket, RTCPeerConnection: fakePeerConnection({ sdp: OFFER, gathering: 'gathering', log }),
    getUserMedia: async () => fakeStream, iceGatheringTimeoutMs: 300, ...extra,
  });
}

describe('Calls through the shim (fake browser media)', () => {
  it('ICE gathering is bounded and the core dictates the RTCConfiguration', async () => {
    const srv = fakeServer((req) => (req.startsWith('INVITE ') ? respond(req, 180, 'Ringing') : null));
    const log = { configs: [], closed: 0 };
    const turn = [{ urls: 'turn:turn.example.com', username: 'u', credential: 'turn-secret-1' }];
    const phone = await phoneWith(srv, log, { iceServers: turn });
    const t0 = Date.now();
    const call = await phone.call('bob');
    const ms = Date.now() - t0;
    assert.ok(ms >= 290 && ms < 3000, `${ms} ms`);
    assert.deepEqual(log.configs[0], { iceServers: turn, iceTransportPolicy: 'all',
      bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const invite = await request(srv, 'INVITE');
    assert.match(invite, /^INVITE sip:bob@example\.com SIP\/2\.0\r\n/);
    assert.ok(!invite.includes('192.168.99.58'), 'a raw host IP left');
    assert.ok(!srv.state.received.join('').includes('turn-secret-1'), 'a TURN credential left');
    const ended = new Promise((resolve) => call.on('ended', resolve));
    await call.hangup();
    const e = await ended;
    assert.equal(e.cause, 'cancelled');
    assert.equal(log.closed, 1);
    assert.deepEqual(phone.calls, []);
    await phone.close();
  });

  it('relay mode with no relay candidate rejects before any INVITE', async () => {
    const srv = fakeServer(() => null);
    const log = { configs: [], closed: 0 };
    let asked = 0;
    const phone = await phoneWith(srv, log, { privacy: 'relay', iceServers: async () => { asked++; return []; } });
    await assert.rejects(phone.call('sip:bob@example.com'), { code: 'relay-unavailable', message: /TURN server/ });
    assert.equal(asked, 1);
    assert.equal(log.configs[0].iceTransportPolicy, 'relay');
    assert.ok(!srv.state.received.some((r) => r.startsWith('INVITE ')));
    assert.deepEqual(phone.calls, []);
    await phone.close();
  });

  it('a refused microphone ends the call with media-failed, the phone stays usable', async () => {
    const srv = fakeServer((req) => (req.startsWith('INVITE ') ? respond(req, 486, 'Busy Here') : null));
    const log = { configs: [], closed: 0 };
    const phone = await phoneWith(srv, log, {
      getUserMedia: async () => { throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }); },
    });
    await assert.rejects(phone.call('bob'), { code: 'media-failed' });
    assert.ok(!srv.state.received.some((r) => r.startsWith('INVITE ')));
    assert.deepEqual(phone.calls, []);
    await phone.close();

    // a busy callee: the INVITE went out, the call ends busy/486
    const phone2 = await phoneWith(srv, log);
    const call = await phone2.call('bob');
    const e = await new Promise((resolve) => call.on('ended', resolve));
    assert.equal(e.cause, 'busy');
    assert.equal(e.status, 486);
    await phone2.close();
  });

  it('bad targets are refused by the core', async () => {
    const srv = fakeServer(() => null);
    const phone = await phoneWith(srv, { configs: [], closed: 0 });
    await assert.rejects(phone.call('sip:bob@example.com>\r\nX: y'), { code: 'invalid-target' });
    await assert.rejects(phone.call('tel:+12025550100'), { code: 'invalid-target' });
    await assert.rejects(phone.message('a b', 'x'), { code: 'invalid-argument' });
    await phone.close();
  });

  it('answered but no media path: the call ends with ice-failed and a BYE', async () => {
    const srv = fakeServer((req) => {
      if (req.startsWith('INVITE ')) {
        return respond(req, 200, 'OK', 'Contact: <sip:bob@b.invalid;transport=ws>')
          .replace('Content-Length: 0\r\n\r\n', `Content-Type: application/sdp\r\n` +
            `Content-Length: ${Buffer.byteLength(ANSWER)}\r\n\r\n${ANSWER}`);
      }
      return req.startsWith('BYE ') ? respond(req, 200, 'OK') : null;
    });
    const log = { configs: [], closed: 0 };
    const phone = await phoneWith(srv, log, { mediaTimeoutMs: 300 });
    const call = await phone.call('bob');
    const errors = [];
    call.on('error', (e) => errors.push(e.code));
    const accepted = new Promise((resolve) => call.on('accepted', resolve));
    const ended = new Promise((resolve) => call.on('ended', resolve));
    await accepted;
    assert.equal(call.peerConnection.remoteDescription.type, 'answer');
    const e = await ended;
    assert.equal(e.cause, 'ice-failed');
    assert.deepEqual(errors, ['ice-failed']);
    assert.ok(await request(srv, 'ACK'), 'no ACK');
    assert.ok(await request(srv, 'BYE'), 'no BYE');
    await phone.close();
  });
});

describe('Alice calls Bob through a MediaHandler of her own (the seam, a fake handler)', () => {
  const RTC = { iceTransportPolicy: 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  /** getStats of a DTLS 1.2 connection over a relay/host pair */
  const STATS = new Map([
    ['T', { type: 'transport', dtlsRole: 'client', dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      srtpCipher: 'AES_CM_128_HMAC_SHA1_80', tlsVersion: 'FEFD', selectedCandidatePairId: 'P' }],
    ['P', { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' }],
    ['L', { type: 'local-candidate', candidateType: 'relay' }],
    ['R', { type: 'remote-candidate', candidateType: 'host' }],
  ]);

  /** Bob answers with ANSWER; re-INVITEs get `reinvite` (default 200 with ANSWER); BYE, INFO 200 */
  function bob(reinvite = (req) => withSdp(req, 200, 'OK', ANSWER)) {
    let invites = 0;
    return fakeServer((req) => {
      if (req.startsWith('INVITE ')) return ++invites === 1 ? withSdp(req, 200, 'OK', ANSWER) : reinvite(req);
      return req.startsWith('BYE ') || req.startsWith('INFO ') ? respond(req, 200, 'OK') : null;
    });
  }

  function phoneWithHandler(srv, factory, extra = {}) {
    // no RTCPeerConnection and no getUserMedia: in node only the handler can make media
    return Phone.create({
      server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com', password: 'pw-alice-123',
      WebSocket: srv.WebSocket, mediaHandler: factory, mediaTimeoutMs: 2000, ...extra,
    });
  }

  it('the offer, the answer, the connection state, stats, DTMF, mute and hang-up all go through it', async () => {
    const srv = bob();
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER, stats: STATS });
    const phone = await phoneWithHandler(srv, factory, { iceServers: [{ urls: 'stun:stun.example.com' }] });
    const call = await phone.call('bob');
    const accepted = new Promise((resolve) => call.on('accepted', resolve));
    const secured = new Promise((resolve) => call.on('security', resolve));
    assert.equal(log.made, 1);
    assert.deepEqual(log.asked, [{ type: 'offer', hold: false, video: false, rtc: RTC, iceRestart: false }]);
    // the handler gets the phone's media config and never the account's secrets
    assert.deepEqual(log.init.iceServers, [{ urls: 'stun:stun.example.com' }]);
    assert.ok(!JSON.stringify(log.init).includes('pw-alice-123'), 'the password reached the media handler');
    const invite = await request(srv, 'INVITE');
    assert.match(invite, /^a=fingerprint:sha-256 A4:67:3A:52/m, 'the INVITE carries the handler\'s SDP');
    assert.match(MDNS_OFFER, /typ relay raddr 203\.0\.113\.45/);
    assert.doesNotMatch(invite, /raddr 203\.0\.113\.45/, 'the core did not rewrite the handler\'s SDP');

    await accepted;
    assert.ok(await until(() => log.remote.length === 1), 'no setDescription');
    assert.equal(log.remote[0].type, 'answer');
    assert.match(log.remote[0].sdp, /^a=fingerprint:SHA-256 4C:4E:9C:9E/m);
    const tracks = [];
    call.on('track', (e) => tracks.push(e));
    const track = { kind: 'audio', id: 'a1' };
    const stream = { id: 's1' };
    log.track({ track, streams: [stream] });
    assert.deepEqual(tracks, [{ track, streams: [stream] }]);
    assert.equal(call.remoteStream, stream);

    log.connect('connected', 'connected');  // the handler saw ICE and DTLS come up
    assert.deepEqual(await secured, {
      signalling: 'wss', privacy: 'mdns', dtlsRole: 'client',
      dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', srtpCipher: 'AES_CM_128_HMAC_SHA1_80',
      tlsVersion: 'DTLS 1.2', fingerprintAlgorithm: 'sha-256', digestAlgorithm: null,
      localCandidateType: 'relay', remoteCandidateType: 'host',
    });
    assert.equal(call.peerConnection, null, 'a handler without an RTCPeerConnection');

    // no RFC 4733 in this handler: SIP INFO, one per tone
    call.sendDtmf('1#');
    assert.deepEqual(log.tones, [['1#', 100, 70]]);
    assert.ok(await until(() => srv.state.received.filter((r) => r.startsWith('INFO ')).length === 2), 'no INFO');
    assert.match(srv.state.received.find((r) => r.startsWith('INFO ')), /\r\n\r\nSignal=1\r\nDuration=100\r\n$/);
    call.mute();
    call.mute(false);
    assert.deepEqual(log.muted, [true, false]);

    const ended = new Promise((resolve) => call.on('ended', resolve));
    await call.hangup();
    assert.equal((await ended).cause, 'local-hangup');
    assert.ok(await request(srv, 'BYE'), 'no BYE');
    assert.equal(log.closed, 1);
    assert.equal(log.made, 1);
    await phone.close();
  });

  it('RFC 4733 when the handler can: no INFO', async () => {
    const srv = bob();
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER, inband: true });
    const phone = await phoneWithHandler(srv, factory);
    const call = await phone.call('bob');
    await new Promise((resolve) => call.on('accepted', resolve));
    call.sendDtmf('9', { duration: 200, gap: 80 });
    assert.deepEqual(log.tones, [['9', 200, 80]]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!srv.state.received.some((r) => r.startsWith('INFO ')));
    await phone.close();
    assert.equal(log.closed, 1);
  });

  it('hold asks it for a sendonly offer; a refused one is rolled back, held as it was', async () => {
    let reinvites = 0;
    const srv = bob((req) => (++reinvites === 1 ? withSdp(req, 200, 'OK', ANSWER) : respond(req, 488, 'Not Acceptable Here')));
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER });
    const phone = await phoneWithHandler(srv, factory);
    const call = await phone.call('bob');
    await new Promise((resolve) => call.on('accepted', resolve));
    await call.hold();
    assert.equal(call.held, true);
    assert.deepEqual(log.asked.map((a) => [a.type, a.hold]), [['offer', false], ['offer', true]]);
    assert.ok(await until(() => log.remote.length === 2), 'the re-INVITE\'s answer did not reach the handler');
    await assert.rejects(call.unhold(), { code: 'rejected', status: 488 });
    assert.equal(call.held, true);
    assert.deepEqual(log.asked.map((a) => [a.type, a.hold]), [['offer', false], ['offer', true], ['offer', false]]);
    assert.deepEqual(log.rollbacks, [true]);
    await phone.close();
  });

  it('a connection that fails ends the call ice-failed at once, and the handler is closed', async () => {
    const srv = bob();
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER });
    const phone = await phoneWithHandler(srv, factory, { mediaTimeoutMs: 15000 });
    const call = await phone.call('bob');
    const ended = new Promise((resolve) => call.on('ended', resolve));
    await new Promise((resolve) => call.on('accepted', resolve));
    const t0 = Date.now();
    log.connect('failed', 'failed');
    const e = await ended;
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms: not the 15 s media timeout`);
    assert.equal(e.cause, 'ice-failed');
    assert.ok(await request(srv, 'BYE'), 'no BYE');
    assert.equal(log.closed, 1);
    await phone.close();
  });

  it('media lost once it was up: a blip is let be; a network change or failed restarts ICE, at most 3 times, '
    + 'then ice-failed', async () => {
    const srv = bob();
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER, stats: STATS });
    // the page's network events, as a browser's window has them
    const net = new Map();
    globalThis.addEventListener = (n, h) => net.set(n, h);
    globalThis.removeEventListener = (n) => net.delete(n);
    let phone;
    try {
      phone = await phoneWithHandler(srv, factory, { mediaTimeoutMs: 300 });
    } finally {
      delete globalThis.addEventListener;
    }
    const call = await phone.call('bob');
    const seen = [];
    for (const n of ['reconnecting', 'reconnected', 'hold', 'error']) call.on(n, (e) => seen.push([n, e.cause ?? e.code, e.attempt]));
    await new Promise((resolve) => call.on('accepted', resolve));
    const secured = new Promise((resolve) => call.on('security', resolve));
    log.connect('connected', 'connected');
    await secured;
    const restarts = () => log.asked.filter((a) => a.iceRestart).length;
    const invites = () => srv.state.received.filter((r) => r.startsWith('INVITE ')).length;

    // a blip shorter than the grace (4 s): nothing
    log.connect('connected', 'disconnected');
    log.connect('connected', 'connected');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen, []);

    // lost, and the network changed meanwhile: ICE restarts at once, not after the grace
    log.connect('disconnected', 'disconnected');
    net.get('online')(new Event('online'));
    assert.deepEqual(seen, [['reconnecting', 'network-change', 1]]);
    assert.ok(await until(() => invites() === 2), 'no re-INVITE');
    assert.equal(restarts(), 1);
    log.connect('connected', 'connected');
    assert.deepEqual(seen.at(-1), ['reconnected', undefined, undefined]);

    // failed for good: a restart each mediaTimeoutMs, then the call ends ice-failed with a BYE
    const ended = new Promise((resolve) => call.on('ended', resolve));
    log.connect('failed', 'failed');
    const e = await ended;
    assert.equal(e.cause, 'ice-failed');
    assert.deepEqual(seen.slice(2), [['reconnecting', 'ice-disconnected', 1], ['reconnecting', 'ice-disconnected', 2],
      ['reconnecting', 'ice-disconnected', 3], ['error', 'ice-failed', undefined]]);
    assert.equal(restarts(), 4);
    assert.ok(await request(srv, 'BYE'), 'no BYE');
    await phone.close();
    assert.equal(net.size, 0, 'the phone stopped listening');
    delete globalThis.removeEventListener;
  });

  it('a handler that cannot make the offer: media-failed before any INVITE, and it is closed', async () => {
    const srv = bob();
    const { factory, log } = fakeMediaHandler({ sdp: MDNS_OFFER, fail: new Error('no camera') });
    const phone = await phoneWithHandler(srv, factory);
    await assert.rejects(phone.call('bob'), { code: 'media-failed', message: /no camera/ });
    assert.ok(!srv.state.received.some((r) => r.startsWith('INVITE ')));
    assert.ok(await until(() => log.closed === 1), 'the handler was not closed');
    assert.deepEqual(phone.calls, []);
    await phone.close();
  });
});
