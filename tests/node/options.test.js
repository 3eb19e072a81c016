// Integration: phone.options() through real Kamailio over WSS. OPTIONS to the server
// itself (no user part) is answered by Kamailio (options_reply); to a registered user it
// is relayed (digest-challenged first) and answered by that user's sipshield phone; to
// nobody it fails not-found. The Call-ID a call gets is checked in tests/e2e/call.test.js.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Phone, PhoneError } from '../../shim/index.js';
import { startKamailio, USERS, REALM, TestWebSocket, within } from './support/servers.js';

const T = 15000;

describe('Alice asks Kamailio and Bob what they support (OPTIONS)', () => {
  let kam, alice, bob;
  before(async () => {
    kam = await startKamailio({ alg: 'SHA-256' });
    const config = (user) => ({ server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user),
      WebSocket: TestWebSocket });
    alice = await Phone.create(config('alice'));
    bob = await Phone.create(config('bob'));
    await within(alice.register(), T, 'alice registers');
    await within(bob.register(), T, 'bob registers');
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await kam?.stop();
  });

  it('the server itself answers 200', async () => {
    const r = await within(alice.options(`sip:${REALM}`), T, 'OPTIONS to the server');
    assert.equal(r.status, 200);
    // Kamailio's options_reply: no Allow, an empty "Supported:"
    assert.deepEqual([r.allow, r.supported], [[], []], JSON.stringify(r));
  });

  it('a registered user is reached through the proxy: Bob\'s phone says what it allows', async () => {
    const sent0 = TestWebSocket.sent.length;
    const r = await within(alice.options('bob'), T, 'OPTIONS to bob');
    assert.equal(r.status, 200);
    assert.deepEqual(r.allow, ['INVITE', 'ACK', 'CANCEL', 'BYE', 'INFO', 'MESSAGE', 'OPTIONS']);
    // challenged by Kamailio and answered with the server's algorithm, like MESSAGE
    const options = TestWebSocket.sent.slice(sent0).filter((m) => m.startsWith('OPTIONS '));
    assert.ok(options.some((m) => /^Proxy-Authorization: Digest .*algorithm=SHA-256/m.test(m)),
      options.join('\n---\n'));
  });

  it('nobody there: not-found, and the phone goes on', async () => {
    await assert.rejects(within(alice.options(`sip:nobody@${REALM}`), T, 'OPTIONS to nobody'),
      (e) => e instanceof PhoneError && e.code === 'not-found' && e.status === 404);
    assert.equal((await within(alice.options(`sip:${REALM}`), T, 'again')).status, 200);
  });
});
