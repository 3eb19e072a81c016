// The Call class with the real wasm core, a scripted server and a fake RTCPeerConnection
// (unit level: the browser is faked here; tests/e2e/call.test.js runs real Chromium).
// What is checked: the RTCConfiguration the core dictates, the bounded ICE gathering,
// relay mode failing closed before any INVITE, and media failures ending the call cleanly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../shim/index.js';
import { fakePeerConnection, fakeStream } from './support/fake-media.js';
import { fakeServer, respond } from './support/fake-server.js';
import { ROOT } from './support/servers.js';

const ANSWER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/asterisk20-audio-answer-dtls.sdp'), 'utf8');
const OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome-audio-offer-host-ipv6-tcp.aiortc.sdp'), 'utf8');

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
