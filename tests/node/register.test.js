// Integration: a sipshield Phone in Node registers to real Kamailio over WSS with digest
// MD5 and SHA-256, refreshes, unregisters; refusals produce their codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Phone, PhoneError } from '../../shim/index.js';
import { startKamailio, USERS, REALM, TestWebSocket, nextEvent, within } from './support/servers.js';

const T = 15000;

for (const alg of ['MD5', 'SHA-256']) {
  describe(`Alice registers to Kamailio challenging with ${alg}`, () => {
    let kam;
    before(async () => { kam = await startKamailio({ alg }); });
    after(async () => { await kam?.stop(); });

    const config = (over = {}) => ({
      server: kam.url, uri: `sip:alice@${REALM}`, username: 'alice',
      password: USERS.get('alice'), WebSocket: TestWebSocket, ...over,
    });

    it('registers, and unregisters with the binding confirmed removed', async () => {
      const sent0 = TestWebSocket.sent.length;
      const recv0 = TestWebSocket.received.length;
      const phone = await Phone.create(config());
      const transport = nextEvent(phone, 'transport');
      const registered = nextEvent(phone, 'registered');
      const { expires } = await within(phone.register(), T, 'register');
      assert.equal((await registered).digest, alg, 'the event names the answered algorithm');
      assert.equal((await transport).state, 'open');
      assert.ok(expires > 0 && expires <= 600, `expires ${expires}`);
      assert.equal(phone.state, 'registered');
      await within(phone.unregister(), T, 'unregister');
      assert.equal(phone.state, 'idle');
      await phone.close();
      assert.equal(phone.state, 'closed');
      // the wire: answered with the server's algorithm, no secret, no IP in Via/Contact
      const sent = TestWebSocket.sent.slice(sent0);
      const authorized = sent.filter((m) => /^Authorization: Digest /m.test(m));
      assert.ok(authorized.length >= 2, 'REGISTER and un-REGISTER were authorized');
      for (const m of authorized) assert.match(m, new RegExp(`algorithm=${alg}[,\\r]`));
      for (const m of sent) {
        assert.ok(!m.includes(USERS.get('alice')), 'password on the wire');
        assert.match(m, /^Via: SIP\/2\.0\/WSS [a-v0-9]+\.invalid;/m);
        assert.doesNotMatch(m, /^(Via|Contact):.*\b\d+\.\d+\.\d+\.\d+/m);
      }
      // the registrar's last 2xx lists no binding of ours any more
      const oks = TestWebSocket.received.slice(recv0).filter((m) => /^SIP\/2\.0 200 /.test(m) && /CSeq: \d+ REGISTER/.test(m));
      assert.match(oks[0], /^Contact: .*\.invalid/m);
      assert.doesNotMatch(oks.at(-1), /^Contact: .*\.invalid/m);
    });

    it('a wrong password ends with auth-failed and the phone is still usable', async () => {
      const phone = await Phone.create(config({ password: 'not-the-password' }));
      const failed = nextEvent(phone, 'registration-failed');
      await assert.rejects(within(phone.register(), T, 'register'),
        (e) => e instanceof PhoneError && e.code === 'auth-failed' && e.status === 401
          && !e.message.includes('not-the-password'));
      assert.equal((await failed).code, 'auth-failed');
      assert.equal(phone.state, 'idle');
      // usable: a second attempt gets the same clean answer, no hang
      await assert.rejects(within(phone.register(), T, 'register again'), { code: 'auth-failed' });
      await phone.close();
    });

    it('a realm pinned to another realm is refused, never answered', async () => {
      const phone = await Phone.create(config({ realm: 'other.example' }));
      await assert.rejects(within(phone.register(), T, 'register'), { code: 'realm-mismatch' });
      await phone.close();
    });

    if (alg === 'MD5') {
      it('minAlgorithm SHA-256 refuses an MD5-only server', async () => {
        const phone = await Phone.create(config({ minAlgorithm: 'SHA-256' }));
        await assert.rejects(within(phone.register(), T, 'register'), { code: 'algorithm-refused' });
        await phone.close();
      });
    }

    it('423 Min-Expires is honoured', async () => {
      const phone = await Phone.create(config({ registerExpires: 30 }));
      const { expires } = await within(phone.register(), T, 'register');
      assert.equal(expires, 60);
      await phone.close();
    });
  });
}

describe('Registration refreshes before expiry', () => {
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'SHA-256', minExpires: 5, maxExpires: 6 }); });
  after(async () => { await kam?.stop(); });

  it('re-registers on its own within the granted time', async () => {
    const phone = await Phone.create({
      server: kam.url, uri: `sip:bob@${REALM}`, password: USERS.get('bob'), WebSocket: TestWebSocket,
      registerExpires: 30,
    });
    const { expires } = await within(phone.register(), T, 'register');
    assert.equal(expires, 6);
    const t0 = Date.now();
    const again = await nextEvent(phone, 'registered', 12000);
    const dt = Date.now() - t0;
    assert.equal(again.expires, 6);
    assert.ok(dt < 6000, `refreshed after ${dt} ms, binding lasts 6000`);
    await phone.close();
  });
});

describe('Transport policy and a dropped WebSocket', () => {
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'MD5' }); });
  after(async () => { await kam?.stop(); });

  for (const server of ['ws://127.0.0.1:5066', 'http://127.0.0.1', 'https://127.0.0.1',
    'sip:127.0.0.1;transport=ws', 'sips:127.0.0.1']) {
    it(`${server} is refused before any socket opens`, async () => {
      const before = TestWebSocket.opened.length;
      await assert.rejects(Phone.create({
        server, uri: `sip:alice@${REALM}`, password: 'x', WebSocket: TestWebSocket,
      }), { code: 'insecure-transport' });
      assert.equal(TestWebSocket.opened.length, before);
    });
  }

  for (const server of ['wss://', 'garbage', 'wss://user:pw@127.0.0.1']) {
    it(`${server} is invalid-config`, async () => {
      await assert.rejects(Phone.create({
        server, uri: `sip:alice@${REALM}`, password: 'x', WebSocket: TestWebSocket,
      }), { code: 'invalid-config' });
    });
  }

  it('the server closing the WebSocket gives a transport event and a clean error', async () => {
    const phone = await Phone.create({
      server: kam.url, uri: `sip:carol@${REALM}`, password: USERS.get('carol'), WebSocket: TestWebSocket,
    });
    await within(phone.register(), T, 'register');
    const closed = nextEvent(phone, 'transport');
    await kam.stop();
    kam = null;
    const ev = await within(closed, T, 'transport closed');
    assert.equal(ev.state, 'closed');
    // nothing hangs: a new attempt fails fast with a transport error
    await assert.rejects(within(phone.register(), T, 'register while down'), { code: 'transport-closed' });
    await within(phone.close(), T, 'close');
  });

  it('a lost registration comes back by itself when the server does', async () => {
    kam ??= await startKamailio({ alg: 'MD5' });
    const phone = await Phone.create({
      server: kam.url, uri: `sip:bob@${REALM}`, password: USERS.get('bob'), WebSocket: TestWebSocket,
    });
    await within(phone.register(), T, 'register');
    const failed = [];
    phone.on('registration-failed', (e) => failed.push(e));
    const lost = nextEvent(phone, 'reconnecting', T);
    const back = nextEvent(phone, 'registered', 20000);
    const reconnected = nextEvent(phone, 'reconnected', 20000);
    const samePort = kam.port;
    await kam.stop();
    const ev = await lost;
    assert.equal(ev.cause, 'transport-closed');
    assert.equal(ev.attempt, 1);
    assert.ok(ev.retryIn >= 500 && ev.retryIn <= 8500, `retryIn ${ev.retryIn}`);
    assert.equal(phone.state, 'registering');
    kam = await startKamailio({ alg: 'MD5', port: samePort });
    const again = await back;
    await reconnected;
    assert.ok(again.expires > 0);
    assert.equal(phone.state, 'registered');
    // the binding came back: never reported as a registration failure
    assert.deepEqual(failed, []);
    await within(phone.close(), T, 'close');
  });

  it('a server that is not there fails with transport-closed, not a hang', async () => {
    const phone = await Phone.create({
      server: 'wss://127.0.0.1:9', uri: `sip:alice@${REALM}`, password: 'x', WebSocket: TestWebSocket,
    });
    await assert.rejects(within(phone.register(), T, 'register'), { code: 'transport-closed' });
    await phone.close();
  });
});
