// sipshield: checks the Kamailio fixtures for issue 13 with a raw SIP-over-WSS client: RFC 5626
// outbound registration (outbound + path modules; startKamailio({ outbound: true })) and two
// nodes sharing registrations through DMQ (startKamailioPair), including failover to the second
// node after the first is stopped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startKamailio, startKamailioPair, REALM } from './support/servers.js';
import { SipWs, closeAll, digestAnswer, rnd, WAIT_MS } from './support/sip-ws.js';

const REPLICATION_MS = 5000;

class Client extends SipWs {
  /** `instance`: the +sip.instance URN, kept across sockets as a phone would */
  constructor(port, user, instance = `urn:uuid:${crypto.randomUUID()}`) {
    super(port, user);
    this.instance = instance;
    this.contactUri = `sip:${rnd(4)}@${rnd(4)}.invalid;transport=ws;ob`;
  }

  /** RFC 5626 4.2 outbound REGISTER (answers the 401 once); resolves with the final reply */
  async registerOutbound({ expires = 300 } = {}) {
    const callId = rnd(10);
    const fromTag = rnd(4);
    const uri = `sip:${REALM}`;
    const opts = (cseq, extra = []) => ({
      callId, cseq, fromTag, to: `<sip:${this.user}@${REALM}>`,
      extra: [
        `Contact: <${this.contactUri}>;+sip.instance="<${this.instance}>";reg-id=1;expires=${expires}`,
        'Supported: outbound, path', ...extra,
      ],
    });
    this.send(this.buildRequest('REGISTER', uri, opts(1)));
    const challenge = await this.response(callId, 1, 'REGISTER 401');
    assert.equal(challenge.status, 401, 'unauthenticated REGISTER is challenged');
    const auth = digestAnswer(challenge.get('www-authenticate'), { user: this.user, method: 'REGISTER', uri });
    this.send(this.buildRequest('REGISTER', uri, opts(2, [`Authorization: ${auth}`])));
    return this.response(callId, 2, 'REGISTER final');
  }

  /** MESSAGE to `target` answering the 407 once; resolves with the final reply */
  async message(target, body) {
    const callId = rnd(10);
    const base = { callId, fromTag: rnd(4), to: `<${target}>`, body, contentType: 'text/plain' };
    this.send(this.buildRequest('MESSAGE', target, { ...base, cseq: 1 }));
    const challenge = await this.response(callId, 1, 'MESSAGE 407');
    assert.equal(challenge.status, 407, 'MESSAGE from a local user is challenged with 407');
    const auth = digestAnswer(challenge.get('proxy-authenticate'),
      { user: this.user, method: 'MESSAGE', uri: target });
    this.send(this.buildRequest('MESSAGE', target,
      { ...base, cseq: 2, extra: [`Proxy-Authorization: ${auth}`] }));
    return this.response(callId, 2, 'MESSAGE final');
  }
}

async function client(port, user, instance) {
  return new Client(port, user, instance).open();
}

/**
 * bob sends a MESSAGE with a fresh token to alice; alice's socket must get exactly that MESSAGE
 * and its 200 must reach bob. Registrations reach the other node asynchronously (DMQ), so a
 * 404/480 is retried until `ms` is over.
 */
async function deliver(bob, alice, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const token = `hello-${rnd(6)}`;
    const arrived = alice.next((m) => m.method === 'MESSAGE' && m.body === token, 'MESSAGE at alice', ms)
      .then((req) => { alice.reply(req, 200, 'OK', { toTag: rnd(4) }); return req; });
    arrived.catch(() => {});
    const final = await bob.message(`sip:alice@${REALM}`, token);
    if (final.status === 200) {
      const req = await arrived;
      assert.equal(req.body, token);
      return req;
    }
    if (![404, 480].includes(final.status) || Date.now() > deadline) {
      assert.fail(`MESSAGE to alice: ${final.start}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function withLog(servers, fn) {
  return async () => {
    try {
      await fn();
    } catch (err) {
      for (const [name, s] of Object.entries(servers())) {
        let tail = '(no log)';
        try { tail = s.log().split('\n').slice(-25).join('\n'); } catch { /* stopped */ }
        err.message += `\n--- kamailio ${name} log tail ---\n${tail}`;
      }
      throw err;
    }
  };
}

after(() => {
  closeAll();
});

describe('Alice registers with RFC 5626 outbound (startKamailio({ outbound: true }))', () => {
  let server;
  let alice;
  let reply;
  before(async () => {
    server = await startKamailio({ alg: 'MD5', outbound: true });
    alice = await client(server.port, 'alice');
    reply = await alice.registerOutbound();
  });
  after(async () => {
    alice?.close();
    await server?.stop();
  });

  it('the REGISTER gets 200 with Require: outbound', withLog(() => ({ server }), async () => {
    assert.equal(reply.status, 200, reply.start);
    const require = reply.all('require').join(',').split(',').map((s) => s.trim());
    assert.ok(require.includes('outbound'), `Require: outbound in the 200 (got ${require})`);
  }));

  it('the 200 echoes the binding with +sip.instance and reg-id', () => {
    const contacts = reply.all('contact').join(',');
    assert.ok(contacts.includes(alice.instance), `instance in ${contacts}`);
    assert.match(contacts, /reg-id=1/);
  });

  it('the 200 carries the edge Path to the flow, with ;ob', () => {
    const paths = reply.all('path');
    assert.equal(paths.length, 1, `one Path (got ${paths})`);
    assert.match(paths[0], new RegExp(`^<sip:127\\.0\\.0\\.1:${server.sipPort};transport=tcp;lr;`
      + 'received=sip:127\\.0\\.0\\.1:\\d+%3Btransport%3Dws;ob>$'));
  });

  it('Bob\'s MESSAGE to alice arrives on alice\'s registering socket', withLog(() => ({ server }), async () => {
    const bob = await client(server.port, 'bob');
    try {
      await deliver(bob, alice);
    } finally {
      bob.close();
    }
  }));

  it('re-registering the same instance and reg-id on a new socket replaces the flow',
    withLog(() => ({ server }), async () => {
      const again = await client(server.port, 'alice', alice.instance);
      const bob = await client(server.port, 'bob');
      try {
        const r = await again.registerOutbound();
        assert.equal(r.status, 200, r.start);
        assert.equal(r.all('contact').join(',').split(/,\s*</).length, 1, 'one binding for the instance');
        alice.close();
        await deliver(bob, again);
      } finally {
        again.close();
        bob.close();
      }
    }));
});

describe('Alice on node A, Bob on node B of a DMQ pair (startKamailioPair)', () => {
  let pair;
  let alice;
  let bob;
  before(async () => {
    pair = await startKamailioPair({ alg: 'MD5' });
  });
  after(async () => {
    alice?.close();
    bob?.close();
    await pair?.stop();
  });

  it('the nodes listen on distinct ports', () => {
    const ports = [pair.a.port, pair.a.sipPort, pair.a.dmqPort, pair.b.port, pair.b.sipPort, pair.b.dmqPort];
    assert.equal(new Set(ports).size, 6, `ports ${ports}`);
  });

  it('Bob on B reaches alice registered on A', withLog(() => pair, async () => {
    alice = await client(pair.a.port, 'alice');
    const r = await alice.registerOutbound();
    assert.equal(r.status, 200, r.start);
    bob = await client(pair.b.port, 'bob');
    await deliver(bob, alice, REPLICATION_MS);
  }));

  it('A stopped: alice registers on B and Bob still reaches her', withLog(() => ({ b: pair.b }), async () => {
    const pid = pair.a.pid();
    assert.ok(pid > 0, 'A has a PID file');
    await pair.a.stop();
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'A\'s process is gone');
    alice.close();
    alice = await client(pair.b.port, 'alice', alice.instance);
    const r = await alice.registerOutbound();
    assert.equal(r.status, 200, r.start);
    await deliver(bob, alice);
  }));
});
