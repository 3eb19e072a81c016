// Integration: short-lived credentials. Kamailio runs auth_ephemeral with a secret it shares
// with the credentials backend (tools/credentials.js); the Phone has no password, only a
// `credentials` callback, which the core calls when a challenge must be answered and its
// credential is missing, expired or was refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Phone, PhoneError, credentialsFromUrl } from '../../shim/index.js';
import { mintCredentials, credentialsBackend } from '../../tools/credentials.js';
import { createServer } from '../../tools/serve.js';
import { startKamailio, freePort, REALM, TestWebSocket, nextEvent, within } from './support/servers.js';

const T = 15000;

describe('Alice has no SIP password, only short-lived credentials from the backend', () => {
  const secret = crypto.randomBytes(16).toString('hex');
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'SHA-256', autheph: secret, minExpires: 30 }); });
  after(async () => { await kam?.stop(); });

  /** A callback minting for `user`, recording each call's reason and answer */
  function minter(user, { ttl = 3600, wrong = 0 } = {}) {
    const calls = [];
    const fn = async ({ reason }) => {
      const c = mintCredentials(calls.length < wrong ? 'not-the-secret' : secret, user, ttl);
      calls.push({ reason, ...c });
      return c;
    };
    return { fn, calls };
  }

  const config = (over = {}) => ({
    server: kam.url, uri: `sip:alice@${REALM}`, WebSocket: TestWebSocket, ...over,
  });

  it('registers: the callback is asked once, and no password crosses the wire', async () => {
    const m = minter('alice');
    const logs = [];
    const phone = await Phone.create(config({ credentials: m.fn }),
      { logLevel: 4, log: (_l, t) => logs.push(t) });
    const sent0 = TestWebSocket.sent.length;
    await within(phone.register(), T, 'register');
    assert.equal(phone.state, 'registered');
    assert.deepEqual(m.calls.map((c) => c.reason), ['missing']);
    const sent = TestWebSocket.sent.slice(sent0);
    const authorized = sent.find((s) => /^Authorization: Digest /m.test(s));
    assert.ok(authorized.includes(`username="${m.calls[0].username}"`), 'answered as <expiry>:alice');
    assert.match(authorized, /algorithm=SHA-256/);
    for (const s of [...sent, ...logs]) assert.ok(!s.includes(m.calls[0].password), 'the secret leaked');
    // a message needs no new credential while this one is valid
    await within(phone.message(`sip:alice@${REALM}`, 'hi me'), T, 'message');
    assert.equal(m.calls.length, 1);
    await phone.close();
  });

  it('a credential that expires before the refresh is renewed, and the binding stays', async () => {
    // valid 12 s; the registration (30 s) refreshes after 27 s, when it has expired
    const m = minter('alice', { ttl: 12 });
    const phone = await Phone.create(config({ credentials: m.fn, registerExpires: 30 }));
    const failed = [];
    phone.on('registration-failed', (e) => failed.push(e.code));
    await within(phone.register(), T, 'register');
    const refreshed = await within(nextEvent(phone, 'registered', 40000), 40000, 'refresh');
    assert.ok(refreshed.expires > 0);
    assert.equal(m.calls.length, 2, 'one fresh credential for the refresh');
    assert.ok(['missing', 'expired'].includes(m.calls[1].reason), m.calls[1].reason);
    assert.notEqual(m.calls[1].username, m.calls[0].username);
    assert.deepEqual(failed, []);
    await phone.close();
  });

  it('a refused credential is fetched again once, then registration goes on', async () => {
    const m = minter('alice', { wrong: 1 });
    const phone = await Phone.create(config({ credentials: m.fn }));
    await within(phone.register(), T, 'register');
    assert.deepEqual(m.calls.map((c) => c.reason), ['missing', 'rejected']);
    await phone.close();
  });

  it('a credential refused twice ends with auth-failed: one refetch, no loop', async () => {
    const m = minter('alice', { wrong: 99 });
    const phone = await Phone.create(config({ credentials: m.fn }));
    await assert.rejects(within(phone.register(), T, 'register'),
      (e) => e instanceof PhoneError && e.code === 'auth-failed' && e.status === 401);
    assert.equal(m.calls.length, 2);
    assert.equal(phone.state, 'idle');
    await phone.close();
  });

  it("another user's credential is refused by the server (403): forbidden, as a call's 403", async () => {
    const m = minter('bob');
    const phone = await Phone.create(config({ credentials: m.fn }));
    await assert.rejects(within(phone.register(), T, 'register'), { code: 'forbidden', status: 403 });
    await phone.close();
  });

  it('a backend that is down: credentials-unavailable says why, and the phone recovers', async () => {
    const backend = { secret, users: ['alice'], down: true };
    const server = createServer({ backend: credentialsBackend(backend) });
    const port = await freePort();
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      // Node's fetch keeps no cookies: carry the session cookie as a browser would
      const login = await fetch(`http://127.0.0.1:${port}/demo-login?user=alice`);
      const cookie = String(login.headers.get('set-cookie')).split(';')[0];
      const realFetch = globalThis.fetch;
      globalThis.fetch = (url, init = {}) => realFetch(url, { ...init, headers: { ...init.headers, cookie } });
      try {
        const phone = await Phone.create(config({ credentials: credentialsFromUrl(`http://127.0.0.1:${port}/sip-credentials`) }));
        await assert.rejects(within(phone.register(), T, 'register'),
          (e) => e instanceof PhoneError && e.code === 'credentials-unavailable' && /HTTP 503/.test(e.message));
        assert.equal(phone.state, 'idle');
        backend.down = false;
        await within(phone.register(), T, 'register after the backend is back');
        assert.equal(phone.state, 'registered');
        await phone.close();
      } finally {
        globalThis.fetch = realFetch;
      }
      // without the session cookie the backend refuses, and that is what the app hears
      const phone = await Phone.create(config({ credentials: credentialsFromUrl(`http://127.0.0.1:${port}/sip-credentials`, { method: 'GET' }) }));
      await assert.rejects(within(phone.register(), T, 'register'), (e) => /HTTP 401/.test(e.message));
      await phone.close();
    } finally {
      server.close();
    }
  });

  it('a callback that never answers, or answers garbage, fails typed', async () => {
    const never = await Phone.create(config({ credentials: () => new Promise(() => {}), credentialsTimeoutMs: 300 }));
    await assert.rejects(within(never.register(), T, 'register'),
      (e) => e.code === 'credentials-unavailable' && /did not answer in 300 ms/.test(e.message));
    await never.close();
    const garbage = await Phone.create(config({ credentials: async () => ({ user: 'alice' }) }));
    await assert.rejects(within(garbage.register(), T, 'register'), { code: 'credentials-unavailable' });
    await garbage.close();
    const stale = await Phone.create(config({ credentials: async () => mintCredentials(secret, 'alice', -60) }));
    await assert.rejects(within(stale.register(), T, 'register'),
      (e) => e.code === 'credentials-unavailable' && /expired already/.test(e.message));
    await stale.close();
    await assert.rejects(Phone.create(config({ credentials: 'alice-pw' })), { code: 'invalid-config' });
  });

  it('a message after the credential expired fetches a fresh one first', async () => {
    const m = minter('alice', { ttl: 11 });
    const phone = await Phone.create(config({ credentials: m.fn }));
    await within(phone.register(), T, 'register');
    await new Promise((r) => setTimeout(r, 1500));  // now within 10 s of its expiry
    const { status } = await within(phone.message(`sip:alice@${REALM}`, 'still me'), T, 'message');
    assert.equal(status, 200);
    assert.deepEqual(m.calls.map((c) => c.reason), ['missing', 'expired']);
    await phone.close();
  });
});
