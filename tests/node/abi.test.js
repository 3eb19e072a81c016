// The shim and the real wasm core together, with a scripted in-process server:
// ABI round-trips, misuse, and the refusals that need no network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Phone, PhoneError, loadCore } from '../../shim/index.js';
import { loadSipCheck } from '../../shim/check.js';
import { internal } from '../../shim/internal.js';
import { fakeServer, respond } from './support/fake-server.js';

const CHALLENGE = 'WWW-Authenticate: Digest realm="example.com", nonce="abc123", qop="auth", algorithm=SHA-256';

describe('Alice registers through the shim (scripted server)', () => {
  it('answers the SHA-256 challenge, registers, unregisters', async () => {
    const srv = fakeServer((req, n) => {
      if (!req.includes('Authorization:')) return respond(req, 401, 'Unauthorized', CHALLENGE);
      const expires = /Expires: (\d+)/.exec(req)[1];
      return respond(req, 200, 'OK', expires === '0' ? '' : `Contact: <sip:alice@x.invalid;transport=ws>;expires=120`);
    });
    const phone = await Phone.create({ server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com',
      password: 'pw-alice-123', WebSocket: srv.WebSocket });
    const events = [];
    phone.on('registered', (e) => events.push(['registered', e]));
    phone.on('transport', (e) => events.push(['transport', e]));
    const { expires } = await phone.register();
    assert.equal(expires, 120);
    assert.equal(srv.state.sockets.length, 1);
    assert.equal(srv.state.sockets[0].url, 'wss://sip.example.com/ws');
    assert.equal(srv.state.sockets[0].protocol, 'sip');
    const auth = srv.state.received[1];
    assert.match(auth, /^Authorization: Digest .*algorithm=SHA-256/m);
    assert.match(auth, /response="[0-9a-f]{64}"/);
    assert.ok(!srv.state.received.join('').includes('pw-alice-123'));
    assert.deepEqual(events.map((e) => e[0]), ['transport', 'registered']);
    await phone.unregister();
    assert.match(srv.state.received.at(-1), /^Expires: 0\r$/m);
    await phone.close();
    assert.equal(phone.state, 'closed');
    await assert.rejects(phone.register(), { code: 'closed' });
  });

  it('a silent server is abortable through the AbortSignal', async () => {
    const srv = fakeServer(() => null);
    const phone = await Phone.create({ server: 'wss://sip.example.com', uri: 'sip:alice@example.com',
      password: 'pw', WebSocket: srv.WebSocket });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(phone.register({ signal: ac.signal }), { code: 'aborted' });
    await phone.close();
  });

  it('the socket dropped mid-registration is transport-closed at once', async () => {
    const srv = fakeServer(() => null);
    const phone = await Phone.create({ server: 'wss://sip.example.com', uri: 'sip:alice@example.com',
      password: 'pw', WebSocket: srv.WebSocket });
    const p = phone.register();
    await new Promise((r) => setTimeout(r, 30));
    srv.state.sockets[0].drop(1006);
    await assert.rejects(p, (e) => e instanceof PhoneError && e.code === 'transport-closed');
    await phone.close();
  });
});

describe('Refusals before any socket', () => {
  const bad = [
    [{ server: 'ws://h.example/ws' }, 'insecure-transport'],
    [{ server: 'https://h.example' }, 'insecure-transport'],
    [{ server: 'wss://h.example', uri: 'tel:+1555' }, 'invalid-config'],
    [{ server: 'wss://h.example', password: undefined }, 'invalid-config'],
    [{ server: 'wss://h.example', registerExpires: 1 }, 'invalid-config'],
    [{ server: 'wss://h.example', minAlgorithm: 'SHA-1' }, 'invalid-config'],
    [{ server: 'wss://h.example', ha1: { md5: '00'.repeat(16) }, password: undefined }, 'invalid-config'],
    [{ server: 'wss://h.example', ha1: { md5: 'xyz' }, realm: 'r' }, 'invalid-config'],
  ];
  for (const [over, code] of bad) {
    it(`${JSON.stringify(over)} -> ${code}`, async () => {
      const srv = fakeServer(() => null);
      await assert.rejects(Phone.create({ uri: 'sip:a@h.example', password: 'pw', WebSocket: srv.WebSocket, ...over }),
        (e) => e instanceof PhoneError && e.code === code && !e.message.includes('pw'));
      assert.equal(srv.state.sockets.length, 0);
    });
  }

  it('no config at all', async () => {
    await assert.rejects(Phone.create(/** @type {any} */ (undefined)), { code: 'invalid-config' });
  });
});

describe('The core survives misuse', () => {
  it('garbage commands get one error reply each and the core goes on', async () => {
    const core = await loadCore();
    for (const c of [{ cmd: 'nope' }, { cmd: 'phone.register', phone: 424242 }, { cmd: 'phone.close' },
      { cmd: 'phone.new' }, { cmd: 'phone.new', config: 'x' }, { cmd: 'phone.register', phone: 'a' }]) {
      const r = internal.cmd(core, c);
      assert.equal(typeof r.err, 'string', JSON.stringify(c));
      assert.equal(typeof r.message, 'string');
    }
    const srv = fakeServer(() => null);
    const phone = await Phone.create({ server: 'wss://h.example', uri: 'sip:a@h.example', password: 'pw',
      WebSocket: srv.WebSocket });
    await phone.close();
  });

  it('sipshield/check reports on one message; it refuses the page core, which has no report', async () => {
    const checkSip = await loadSipCheck();
    const enc = new TextEncoder();
    const ok = checkSip(enc.encode('OPTIONS sip:a@h.example SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n'
      + 'From: <sip:b@h.example>;tag=1\r\nTo: <sip:a@h.example>\r\nCall-ID: c1\r\nCSeq: 7 OPTIONS\r\n\r\n'));
    assert.deepEqual([ok.ok, ok.kind, ok.method, ok.callid], [true, 'request', 'OPTIONS', 'c1']);
    const bad = checkSip(enc.encode('OPTIONS sip:a@h.example SIP/2.0\r\nCSeq: x OPTIONS\r\n\r\n'));
    assert.equal(bad.ok, false);
    assert.equal(typeof bad.reason, 'string');
    assert.ok(bad.detail.length > 0, 'the check build says why');
    await assert.rejects(loadSipCheck({ wasmUrl: new URL('../../dist/sipshield-core.wasm', import.meta.url) }),
      { code: 'core-failed', message: /not a check build/ });
    // the page's shared core is untouched by either
    const core = await loadCore();
    assert.equal(internal.cmd(core, { cmd: 'phone.close' }).err, 'not-found');
  });

  it('hostile SIP from the server is dropped, registration still completes', async () => {
    const hostile = ['', '\x00\x00\x00', 'SIP/2.0 200\r\n\r\n', 'A'.repeat(70000),
      'SIP/2.0 200 OK\r\nVia: ;;;\r\nContent-Length: -5\r\n\r\n', '\r\n\r\n'];
    const srv = fakeServer((req) => {
      for (const h of hostile) srv.state.sockets[0].onmessage({ data: h });
      return respond(req, 200, 'OK', 'Contact: <sip:a@x.invalid;transport=ws>;expires=90');
    });
    const phone = await Phone.create({ server: 'wss://h.example', uri: 'sip:a@h.example', password: 'pw',
      WebSocket: srv.WebSocket });
    const { expires } = await phone.register();
    assert.equal(expires, 90);
    await phone.close();
  });
});
