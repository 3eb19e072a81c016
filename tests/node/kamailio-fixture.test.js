// sipshield: checks the Kamailio test/demo server (tools/servers/kamailio.sh) with a real WSS
// SIP client: digest REGISTER per algorithm (MD5, SHA-256), wrong password, 423, 407 routing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startKamailio, within, USERS, REALM } from './support/servers.js';

const WAIT_MS = 4000;

const instances = [
  { alg: 'MD5', port: 0, server: null },
  { alg: 'SHA-256', port: 0, server: null },
];
const openSockets = new Set();
const withTimeout = within;

const rnd = (n = 8) => crypto.randomBytes(n).toString('hex');

// ---- minimal SIP message handling (enough for this test; the product parses SIP in C) ----

function parseSip(text) {
  const sep = text.indexOf('\r\n\r\n');
  const head = sep < 0 ? text : text.slice(0, sep);
  const body = sep < 0 ? '' : text.slice(sep + 4);
  const [start, ...lines] = head.split('\r\n');
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
  });
  const msg = { start, headers, body, raw: text };
  const m = /^SIP\/2\.0 (\d{3}) /.exec(start);
  if (m) msg.status = Number(m[1]);
  else [msg.method, msg.uri] = start.split(' ');
  msg.get = (name) => headers.find(([n]) => n === name.toLowerCase())?.[1];
  msg.all = (name) => headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  msg.cseq = Number(msg.get('cseq')?.split(/\s+/)[0]);
  return msg;
}

function digestParams(header) {
  const out = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/([\w-]+)\s*=\s*("([^"]*)"|[^,\s]+)/g)) {
    out[m[1].toLowerCase()] = m[3] ?? m[2];
  }
  return out;
}

function digestAnswer(challengeHeader, { user, password, method, uri }) {
  const c = digestParams(challengeHeader);
  const alg = c.algorithm ?? 'MD5';
  const hashName = { MD5: 'md5', 'SHA-256': 'sha256' }[alg];
  assert.ok(hashName, `unexpected algorithm ${alg}`);
  assert.ok((c.qop ?? '').split(',').map((s) => s.trim()).includes('auth'), 'challenge offers qop=auth');
  const H = (s) => crypto.createHash(hashName).update(s).digest('hex');
  const cnonce = rnd(8);
  const nc = '00000001';
  const ha1 = H(`${user}:${c.realm}:${password}`);
  const ha2 = H(`${method}:${uri}`);
  const response = H(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", `
    + `response="${response}", algorithm=${alg}, cnonce="${cnonce}", qop=auth, nc=${nc}`
    + (c.opaque !== undefined ? `, opaque="${c.opaque}"` : '');
}

class SipWs {
  constructor(port, user) {
    this.port = port;
    this.user = user;
    this.viaHost = `${rnd(6)}.invalid`;
    this.contact = `<sip:${rnd(4)}@${rnd(4)}.invalid;transport=ws>`;
    this.queue = [];
    this.waiters = [];
  }

  async open() {
    this.ws = new WebSocket(`wss://127.0.0.1:${this.port}`, 'sip', { rejectUnauthorized: false });
    openSockets.add(this.ws);
    this.ws.on('message', (data) => {
      const msg = parseSip(data.toString());
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
      else this.queue.push(msg);
    });
    this.ws.on('error', () => {});
    await withTimeout(new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    }), WAIT_MS, `wss open on ${this.port}`);
    assert.equal(this.ws.protocol, 'sip');
    return this;
  }

  close() {
    this.ws?.terminate();
    openSockets.delete(this.ws);
  }

  send(text) { this.ws.send(text); }

  next(pred, what) {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    const w = { pred };
    const p = new Promise((resolve) => { w.resolve = resolve; });
    this.waiters.push(w);
    return withTimeout(p, WAIT_MS, what).finally(() => {
      const j = this.waiters.indexOf(w);
      if (j >= 0) this.waiters.splice(j, 1);
    });
  }

  // final response to the request with this Call-ID and CSeq number (provisional ones skipped)
  response(callId, cseq, what) {
    return this.next((m) => m.status >= 200 && m.get('call-id') === callId && m.cseq === cseq, what);
  }

  request(method, what) {
    return this.next((m) => m.method === method, what);
  }

  buildRequest(method, uri, { callId, cseq, fromTag, to, extra = [], body = '', contentType }) {
    return [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.viaHost};branch=z9hG4bK${rnd(8)}`,
      'Max-Forwards: 70',
      `To: ${to}`,
      `From: <sip:${this.user}@${REALM}>;tag=${fromTag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      ...extra,
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  // answers a received request: copies Via/From/To/Call-ID/CSeq (and Record-Route if asked)
  reply(req, status, reason, { toTag, extra = [], body = '', contentType } = {}) {
    const to = req.get('to') + (toTag && !/;tag=/.test(req.get('to')) ? `;tag=${toTag}` : '');
    this.send([
      `SIP/2.0 ${status} ${reason}`,
      ...req.all('via').map((v) => `Via: ${v}`),
      `From: ${req.get('from')}`,
      `To: ${to}`,
      `Call-ID: ${req.get('call-id')}`,
      `CSeq: ${req.get('cseq')}`,
      ...extra,
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'));
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
  return new SipWs(port, user).open();
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
  for (const ws of openSockets) ws.terminate();
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
      assert.doesNotMatch(final.raw, /gruu=/i, 'no GRUU in the 200 OK');
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
