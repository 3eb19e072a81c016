// sipshield: checks the Kamailio test/demo server (tools/servers/kamailio.sh) with a real WSS
// SIP client: digest REGISTER per algorithm (MD5, SHA-256), wrong password, 423, 407 routing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startKamailio, USERS, REALM } from './support/servers.js';
import { SipWs, closeAll, digestAnswer, digestParams, rnd } from './support/sip-ws.js';

const instances = [
  { alg: 'MD5', port: 0, server: null },
  { alg: 'SHA-256', port: 0, server: null },
];

class Client extends SipWs {
  constructor(port, user) {
    super(port, user);
    this.contact = `<sip:${rnd(4)}@${rnd(4)}.invalid;transport=ws>`;
  }

  // REGISTER; answers one 401 with `password` (default: the account's). Returns both replies.
  async register({ expires = 300, password = USERS.get(this.user) } = {}) {
    const callId = rnd(10);
    const fromTag = rnd(4);
    const uri = `sip:${REALM}`;
    const opts = (cseq, extra = []) => ({
      callId, cseq, fromTag, to: `<sip:${this.user}@${REALM}>`,
      extra: [
        `Contact: ${this.contact};+sip.instance="<urn:uuid:${crypto.randomUUID()}>";expires=${expires}`,
        `Expires: ${expires}`, 'Supported: path, gruu', ...extra,
      ],
    });
    this.send(this.buildRequest('REGISTER', uri, opts(1)));
    const challenge = await this.response(callId, 1, 'REGISTER 401');
    assert.equal(challenge.status, 401, 'unauthenticated REGISTER is challenged');
    const auth = digestAnswer(challenge.get('www-authenticate'),
      { user: this.user, password, method: 'REGISTER', uri });
    this.send(this.buildRequest('REGISTER', uri, opts(2, [`Authorization: ${auth}`])));
    const final = await this.response(callId, 2, 'REGISTER final');
    return { challenge, final };
  }

  // sends an initial request, answers the 407 once (ACKing it for INVITE); returns the
  // authenticated request's fields so the caller can wait for its response
  async sendAuthenticated(method, target, { extra = [], body = '', contentType } = {}) {
    const callId = rnd(10);
    const fromTag = rnd(4);
    const base = { callId, fromTag, to: `<${target}>`, body, contentType, extra: [`Contact: ${this.contact}`, ...extra] };
    const first = this.buildRequest(method, target, { ...base, cseq: 1 });
    this.send(first);
    const challenge = await this.response(callId, 1, `${method} 407`);
    assert.equal(challenge.status, 407, `${method} from a local user is challenged with 407`);
    if (method === 'INVITE') {
      const branch = /branch=([^;\s]+)/.exec(first)[1];
      this.send([
        `ACK ${target} SIP/2.0`, `Via: SIP/2.0/WSS ${this.viaHost};branch=${branch}`, 'Max-Forwards: 70',
        `To: ${challenge.get('to')}`, `From: <sip:${this.user}@${REALM}>;tag=${fromTag}`,
        `Call-ID: ${callId}`, 'CSeq: 1 ACK', 'Content-Length: 0', '', '',
      ].join('\r\n'));
    }
    const auth = digestAnswer(challenge.get('proxy-authenticate'),
      { user: this.user, password: USERS.get(this.user), method, uri: target });
    this.send(this.buildRequest(method, target,
      { ...base, cseq: 2, extra: [...base.extra, `Proxy-Authorization: ${auth}`] }));
    return { callId, fromTag, cseq: 2 };
  }
}

async function client(port, user) {
  return new Client(port, user).open();
}

function logTail(inst) {
  try {
    return inst.server.log().split('\n').slice(-25).join('\n');
  } catch { return '(no log)'; }
}

// wraps a test body: closes its sockets, and shows the server log tail when it fails
function withServer(inst, fn) {
  return async () => {
    const opened = [];
    const mk = async (user) => { const c = await client(inst.port, user); opened.push(c); return c; };
    try {
      await fn(mk);
    } catch (err) {
      err.message += `\n--- kamailio ${inst.alg} log tail ---\n${logTail(inst)}`;
      throw err;
    } finally {
      opened.forEach((c) => c.close());
    }
  };
}

before(async () => {
  for (const inst of instances) {
    inst.server = await startKamailio({ alg: inst.alg });
    inst.port = inst.server.port;
  }
});

after(async () => {
  closeAll();
  await Promise.all(instances.filter((i) => i.server).map((inst) => inst.server.stop()
    .catch((e) => console.error(e.message))));
});

for (const inst of instances) {
  test(`${inst.alg}: REGISTER is challenged with algorithm=${inst.alg} and accepted with the right password`,
    withServer(inst, async (mk) => {
      const alice = await mk('alice');
      const { challenge, final } = await alice.register();
      const c = digestParams(challenge.get('www-authenticate'));
      assert.equal(c.algorithm, inst.alg);
      assert.equal(c.realm, REALM);
      assert.equal(final.status, 200, `authenticated REGISTER: ${final.start}`);
      const contact = final.get('contact');
      assert.ok(contact, '200 OK carries a Contact');
      assert.match(contact, /expires=\d+/);
      // GRUU (RFC 5627) for a client with +sip.instance and "Supported: gruu": calls take the
      // pub-gruu as their Contact, and in-dialog requests to it find the current connection
      assert.match(contact, new RegExp(`pub-gruu="sip:alice@${REALM};gr=urn:uuid:[0-9a-f-]{36}"`));
    }));

  test(`${inst.alg}: a wrong password is never accepted`, withServer(inst, async (mk) => {
    const bob = await mk('bob');
    const { final } = await bob.register({ password: 'not-the-password' });
    assert.ok([401, 403].includes(final.status), `wrong password got ${final.start}`);
    const mallory = await mk('mallory');
    const r = await mallory.register({ password: 'whatever' });
    assert.ok([401, 403].includes(r.final.status), `unknown user got ${r.final.start}`);
  }));

  test(`${inst.alg}: Expires below the minimum gets 423 with Min-Expires`, withServer(inst, async (mk) => {
    const carol = await mk('carol');
    const { final } = await carol.register({ expires: 10 });
    assert.equal(final.status, 423, final.start);
    assert.equal(final.get('min-expires'), '60');
    // exactly one final reply (no stray 500 after the 423)
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(carol.queue.map((m) => m.start), []);
  }));

  test(`${inst.alg}: OPTIONS to the server is answered 200 without auth`, withServer(inst, async (mk) => {
    const c = await mk('carol');
    const callId = rnd(10);
    c.send(c.buildRequest('OPTIONS', `sip:${REALM}`, { callId, cseq: 1, fromTag: rnd(4), to: `<sip:${REALM}>` }));
    const r = await c.response(callId, 1, 'OPTIONS 200');
    assert.equal(r.status, 200, r.start);
  }));
}

test('MD5: MESSAGE and an INVITE dialog are routed between WebSocket clients (407, alias fix-ups)',
  withServer(instances[0], async (mk) => {
    const alice = await mk('alice');
    const bob = await mk('bob');
    assert.equal((await alice.register()).final.status, 200);
    assert.equal((await bob.register()).final.status, 200);
    const bobUri = `sip:bob@${REALM}`;

    // MESSAGE alice -> bob (407 first), bob answers 200, alice sees it
    const msg = await alice.sendAuthenticated('MESSAGE', bobUri, { body: 'hello', contentType: 'text/plain' });
    const inMsg = await bob.request('MESSAGE', 'MESSAGE at bob');
    assert.equal(inMsg.body, 'hello');
    assert.equal(inMsg.get('proxy-authorization'), undefined, 'credentials consumed by the proxy');
    bob.reply(inMsg, 200, 'OK', { toTag: rnd(4) });
    assert.equal((await alice.response(msg.callId, msg.cseq, 'MESSAGE 200')).status, 200);

    // INVITE alice -> bob, 200 from bob, ACK and BYE go through Record-Route + ;alias
    const sdp = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
    const inv = await alice.sendAuthenticated('INVITE', bobUri, { body: sdp, contentType: 'application/sdp' });
    const inInv = await bob.request('INVITE', 'INVITE at bob');
    const rr = inInv.all('record-route');
    assert.ok(rr.length > 0, 'INVITE is record-routed');
    assert.match(inInv.get('contact'), /;alias=/, "caller's placeholder Contact got an alias");
    const bobTag = rnd(4);
    bob.reply(inInv, 200, 'OK', {
      toTag: bobTag, body: sdp, contentType: 'application/sdp',
      extra: [...rr.map((v) => `Record-Route: ${v}`), `Contact: ${bob.contact}`],
    });
    const ok = await alice.response(inv.callId, inv.cseq, 'INVITE 200');
    assert.equal(ok.status, 200);
    const bobTarget = /<([^>]+)>/.exec(ok.get('contact'))[1];
    assert.match(bobTarget, /;alias=/, "callee's placeholder Contact got an alias");
    const routeSet = ok.all('record-route').reverse().map((v) => `Route: ${v}`);
    const toBob = `<${bobUri}>;tag=${bobTag}`;
    alice.send(alice.buildRequest('ACK', bobTarget,
      { callId: inv.callId, cseq: inv.cseq, fromTag: inv.fromTag, to: toBob, extra: routeSet }));
    const ack = await bob.request('ACK', 'ACK at bob');
    assert.equal(ack.get('call-id'), inv.callId);

    // BYE from bob (the callee) to alice's aliased Contact; in-dialog, so no auth
    const aliceTarget = /<([^>]+)>/.exec(inInv.get('contact'))[1];
    const byeCallId = inv.callId;
    bob.send([
      `BYE ${aliceTarget} SIP/2.0`, `Via: SIP/2.0/WSS ${bob.viaHost};branch=z9hG4bK${rnd(8)}`,
      'Max-Forwards: 70', `From: <${bobUri}>;tag=${bobTag}`, `To: ${inInv.get('from')}`,
      `Call-ID: ${byeCallId}`, 'CSeq: 1 BYE', ...rr.map((v) => `Route: ${v}`), 'Content-Length: 0', '', '',
    ].join('\r\n'));
    const bye = await alice.request('BYE', 'BYE at alice');
    alice.reply(bye, 200, 'OK');
    assert.equal((await bob.response(byeCallId, 1, 'BYE 200')).status, 200);
  }));
