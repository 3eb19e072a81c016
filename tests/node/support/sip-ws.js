// A minimal SIP-over-WebSocket client for the tests that talk to the Kamailio fixtures directly
// (kamailio-fixture, kamailio-outbound): enough SIP to register, send, wait for and answer
// messages. The product parses SIP in C; this is test tooling only.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { within, USERS, REALM } from './servers.js';

export const WAIT_MS = 4000;
export const rnd = (n = 8) => crypto.randomBytes(n).toString('hex');

/** Every socket a client opened and has not closed: closeAll() ends them */
const openSockets = new Set();

export function closeAll() {
  for (const ws of openSockets) ws.terminate();
  openSockets.clear();
}

/** A SIP message: start line, headers (lowercase names, in order), body; get(), all(), cseq */
export function parseSip(text) {
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

/** The parameters of a Digest challenge, names lowercased */
export function digestParams(header) {
  const out = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/([\w-]+)\s*=\s*("([^"]*)"|[^,\s]+)/g)) {
    out[m[1].toLowerCase()] = m[3] ?? m[2];
  }
  return out;
}

/** The Authorization value answering a challenge with qop=auth (MD5 or SHA-256) */
export function digestAnswer(challengeHeader, { user, password = USERS.get(user), method, uri }) {
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

/** One WSS connection to a fixture's port, as `user`; messages queue until a next() takes them */
export class SipWs {
  constructor(port, user) {
    this.port = port;
    this.user = user;
    this.viaHost = `${rnd(6)}.invalid`;
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
    await within(new Promise((resolve, reject) => {
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

  /** The first message (queued or coming) for which pred is true, within `ms` */
  next(pred, what, ms = WAIT_MS) {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    const w = { pred };
    const p = new Promise((resolve) => { w.resolve = resolve; });
    this.waiters.push(w);
    return within(p, ms, what).finally(() => {
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
}
