// Test support for tests/node/logging.test.js: every kind of session a phone has, against
// scripted servers in this process, at one log level. The core (and so its log level and which
// .wasm was loaded) is one per process: the test runs this file once per level.
//
//   node tests/node/support/log-scenario.js LEVEL [WASM_URL]
//
// Prints one JSON object: { lines: [[level, text]...], marks: [{ op, at }...], wire: [text...],
// secrets: [string...] }. marks[i].at is the index of the first log line of operation op.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../../shim/index.js';
import { fakePeerConnection, fakeStream } from './fake-media.js';
import { respond } from './fake-server.js';
import { ROOT } from './servers.js';

export const REALM = 'example.com';
export const PASSWORD = 'alice-Pa55-secret!';
export const WRONG = 'not-the-Pa55word';
export const TURN = 'turn-Cred-secret-9';

const ANSWER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/asterisk20-audio-answer-dtls.sdp'), 'utf8');
const OFFER = fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp/chrome-audio-offer-host-ipv6-tcp.aiortc.sdp'), 'utf8');

/** HA1 = H(user:realm:password) in hex, as RFC 7616 3.4.2 has it, for each algorithm */
export function ha1s(user, realm, password) {
  const h = (alg, s) => crypto.createHash(alg).update(s).digest('hex');
  const a1 = `${user}:${realm}:${password}`;
  return { md5: h('md5', a1), sha256: h('sha256', a1), sha512_256: h('sha512-256', a1) };
}

/**
 * A WebSocket class whose far end is a scripted SIP server: `script(req)` gives the responses
 * to send back (a string, an array of them, or null), one at a time in order.
 */
function scripted(script, wire) {
  return class FakeWebSocket {
    static last;
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      FakeWebSocket.last = this;
      setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 1);
    }
    send(data) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      wire.push(text);
      this.push(script(text));
    }
    push(answers) {
      [answers ?? []].flat().forEach((a, i) => setTimeout(() => {
        if (this.readyState !== 1) return;
        wire.push(a);
        this.onmessage?.({ data: a });
      }, 2 + i * 5));
    }
    close(code = 1000) {
      if (this.readyState > 1) return;
      this.readyState = 3;
      setTimeout(() => this.onclose?.({ code }), 1);
    }
    /** the server side drops the connection */
    drop(code = 1006) {
      this.readyState = 3;
      this.onclose?.({ code });
    }
  };
}

/**
 * A registrar and proxy: REGISTER is challenged (WWW-Authenticate, `alg`) and then accepted,
 * or challenged again with a new nonce when `refuse` (a wrong password); MESSAGE is challenged
 * once (Proxy-Authenticate) then 200; OPTIONS 200; INVITE 180 then 200 with an SDP answer;
 * BYE 200.
 */
function registrar(alg, { refuse = false } = {}) {
  let n = 0;
  const chall = (hdr) => `${hdr}: Digest realm="${REALM}", nonce="${crypto.randomBytes(12).toString('hex')}-${++n}", `
    + `qop="auth", algorithm=${alg}`;
  const authorized = (req) => /^(Proxy-)?Authorization: Digest /m.test(req);
  return (req) => {
    const method = req.slice(0, req.indexOf(' '));
    switch (method) {
      case 'REGISTER':
        if (!authorized(req) || refuse) return respond(req, 401, 'Unauthorized', chall('WWW-Authenticate'));
        return respond(req, 200, 'OK', 'Contact: <sip:alice@x.invalid;transport=ws>;expires=300');
      case 'MESSAGE':
        if (!authorized(req)) return respond(req, 407, 'Proxy Authentication Required', chall('Proxy-Authenticate'));
        return respond(req, 200, 'OK');
      case 'OPTIONS':
        return respond(req, 200, 'OK', 'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE');
      case 'INVITE':
        return [respond(req, 180, 'Ringing'),
          respond(req, 200, 'OK', 'Contact: <sip:bob@b.invalid;transport=ws>')
            .replace('Content-Length: 0\r\n\r\n', 'Content-Type: application/sdp\r\n'
              + `Content-Length: ${Buffer.byteLength(ANSWER)}\r\n\r\n${ANSWER}`)];
      case 'BYE':
        return respond(req, 200, 'OK');
      default:
        return null;
    }
  };
}

/** A MESSAGE from bob to alice, sent by the server */
function messageIn(text) {
  return ['MESSAGE sip:alice@x.invalid;transport=ws SIP/2.0',
    'Via: SIP/2.0/WSS srv.invalid;branch=z9hG4bKlogmsg1', 'From: <sip:bob@example.com>;tag=b1',
    'To: <sip:alice@example.com>', 'Call-ID: log-message-in-1', 'CSeq: 1 MESSAGE', 'Max-Forwards: 70',
    'Content-Type: text/plain', `Content-Length: ${Buffer.byteLength(text)}`, '', text].join('\r\n');
}

const once = (emitter, name) => new Promise((resolve) => emitter.once(name, resolve));

/**
 * Run every operation at `level`; the first Phone decides the core (and its .wasm)
 * @param {0|1|2|3|4} level
 * @param {string} [wasmUrl]
 */
export async function scenario(level, wasmUrl) {
  const lines = [];
  const marks = [];
  const wire = [];
  const secrets = [];
  const core = { logLevel: level, log: (l, t) => lines.push([l, t]), ...(wasmUrl ? { wasmUrl } : {}) };
  const mark = (op) => marks.push({ op, at: lines.length });
  const base = { server: 'wss://sip.example.com/ws', uri: `sip:alice@${REALM}` };
  const media = (WebSocket, extra = {}) => ({ WebSocket, getUserMedia: async () => fakeStream,
    RTCPeerConnection: fakePeerConnection({ sdp: OFFER }), iceGatheringTimeoutMs: 200, ...extra });

  // register with a password (SHA-256), a MESSAGE and an OPTIONS
  mark('register');
  const ws = scripted(registrar('SHA-256'), wire);
  const alice = await Phone.create({ ...base, password: PASSWORD, ...media(ws, {
    iceServers: [{ urls: 'turn:turn.example.com', username: 'alice', credential: TURN }] }) }, core);
  await alice.register();
  mark('message');
  await alice.message('sip:bob@example.com', 'hello bob');
  const got = once(alice, 'message');
  ws.last.push(messageIn('hello alice'));
  await got;
  mark('options');
  await alice.options(`sip:${REALM}`);

  // a message the check refuses (a CSeq without a number) is dropped, and an OPTIONS after it
  // shows it went nowhere
  mark('refused');
  ws.last.push(messageIn('dropped').replace('CSeq: 1 MESSAGE', 'CSeq: one MESSAGE'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await alice.options(`sip:${REALM}`);

  // a call: ringing, answered, hung up
  mark('call');
  const call = await alice.call('bob');
  await once(call, 'accepted');
  const ended = once(call, 'ended');
  await call.hangup();
  await ended;

  // the server drops the connection: the flow reopens after its wait, the binding comes back
  mark('reopen');
  const back = once(alice, 'registered');
  ws.last.drop();
  await back;
  mark('close');
  await alice.close();

  // a wrong password: the answer is refused
  mark('wrong-password');
  const wrong = await Phone.create({ ...base, password: WRONG, ...media(scripted(registrar('MD5', { refuse: true }), wire)) },
    core);
  await wrong.register().catch((e) => { if (e.code !== 'auth-failed') throw e; });
  await wrong.close();

  // HA1s instead of the password (realm pinned), answered with SHA-512-256
  mark('ha1');
  const ha1 = await Phone.create({ ...base, realm: REALM, ha1: ha1s('alice', REALM, PASSWORD),
    ...media(scripted(registrar('SHA-512-256'), wire)) }, core);
  await ha1.register();
  await ha1.close();

  // a short-lived credential from the app
  mark('short-lived');
  const eph = await Phone.create({ ...base, ...media(scripted(registrar('SHA-256'), wire)),
    credentials: async () => {
      const username = `${Math.floor(Date.now() / 1000) + 600}:alice`;
      const password = crypto.createHmac('sha1', crypto.randomBytes(16)).update(username).digest('base64');
      secrets.push(password, ...Object.values(ha1s(username, REALM, password)));
      return { username, password, ttl: 600 };
    } }, core);
  await eph.register();
  await eph.close();
  mark('end');

  return { lines, marks, wire, secrets };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const level = /** @type {0|1|2|3|4} */ (Number(process.argv[2]));
  const out = await scenario(level, process.argv[3]);
  process.stdout.write(JSON.stringify(out));
}
