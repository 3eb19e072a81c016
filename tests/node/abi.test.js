// The shim and the real wasm core together, with a scripted in-process server:
// ABI round-trips, misuse, and the refusals that need no network. The message schema
// (tools/schema.js): the files made from it are current, the C writes no message that is
// not made from it, and the real core, driven into every event and reply the schema lists,
// writes each as the schema says (and nothing the schema does not list).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Phone, PhoneError, loadCore } from '../../shim/index.js';
import { loadSipCheck, loadCheckCore, checkSdp } from '../../shim/check.js';
import { internal } from '../../shim/internal.js';
import { instantiateCore } from '../../shim/wasm.js';
import { fakeServer, respond } from './support/fake-server.js';
import { fakePeerConnection, fakeStream } from './support/fake-media.js';
import { recorder, replyVariant } from './support/schema.js';
import { ROOT } from './support/servers.js';
import { COMMANDS, EVENTS, REPLIES } from '../../tools/schema.js';
import { abiJs, msgsH, ABI_JS, MSGS_H, eventMacro, replyMacro, commandVariants } from '../../tools/abi-gen.js';

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

/* --- the message schema --- */

/** Every .c file under wasm/, comments blanked */
function cSources() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.c')) {
        out.push([path.relative(ROOT, p), fs.readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ')]);
      }
    }
  };
  walk(path.join(ROOT, 'wasm'));
  return out;
}

/**
 * What the C source can write: the formats its abi_emitf() calls use, the
 * events' names, and any message written another way
 */
function emitSites() {
  const sites = { formats: new Set(), events: new Set(), byHand: [], raw: [] };
  let warnings = null;
  for (const [file, text] of cSources()) {
    for (const m of text.matchAll(/(?<!void )\babi_emitf\(([^;]*)\);/g)) {
      const fmt = m[1].split(',')[0].trim();
      if (!/^ABI_[A-Z_]+$/.test(fmt)) {
        sites.byHand.push(`${file}: abi_emitf(${fmt.slice(0, 40)}`);
        continue;
      }
      sites.formats.add(fmt);
      if (fmt === 'ABI_EV_BARE') {
        // the name is an argument: literals, or (a warning) its code
        for (const [, name] of m[1].matchAll(/"([a-z.-]+)"/g)) sites.events.add(name);
        if (/info->cause/.test(m[1])) warnings = true;
      }
      else if (fmt.startsWith('ABI_EV_')) {
        const name = Object.keys(EVENTS).find((n) => eventMacro(n) === fmt);
        sites.events.add(name ?? fmt);
      }
    }
    for (const m of text.matchAll(/\bspjs_emit\(/g)) sites.raw.push(`${file}:${text.slice(0, m.index).split('\n').length}`);
  }
  if (warnings) {
    // a warning's event is its code: `info.cause = CODE_X; emit(call, CALL_EV_WARNING, &info)`,
    // CODE_X spelled in wasm/include/codes.h
    const call = cSources().filter(([f]) => f.startsWith('wasm/call/')).map(([, t]) => t).join('\n');
    const codes = new Map([...fs.readFileSync(path.join(ROOT, 'wasm/include/codes.h'), 'utf8')
      .matchAll(/^#define (CODE_\w+)\s+"([a-z-]+)"/gm)].map((m) => [m[1], m[2]]));
    const all = [...call.matchAll(/emit\(call, CALL_EV_WARNING/g)].length;
    const named = [...call.matchAll(/\.cause\s*=\s*(CODE_\w+);\s*emit\(call, CALL_EV_WARNING/g)]
      .map((m) => codes.get(m[1])).filter(Boolean);
    assert.ok(all > 0 && named.length === all,
      'write each warning as `info.cause = CODE_X; emit(call, CALL_EV_WARNING, &info)`: its code is its event');
    for (const n of named) sites.events.add(n);
  }
  return sites;
}

describe('The message schema (tools/schema.js) is the one source', () => {
  it('shim/abi.js and wasm/abi/msgs.h are what the schema makes', () => {
    assert.equal(fs.readFileSync(ABI_JS, 'utf8'), abiJs(), 'shim/abi.js is stale: node tools/abi-gen.js --write');
    assert.equal(fs.readFileSync(MSGS_H, 'utf8'), msgsH(), 'wasm/abi/msgs.h is stale: node tools/abi-gen.js --write');
  });

  it('the C writes every message with a format made from the schema, and every event it can emit is in it', () => {
    const sites = emitSites();
    assert.deepEqual(sites.byHand, [], 'a message written by hand: add it to tools/schema.js, use its ABI_ format');
    // the two spjs_emit calls: abi_emitf itself, and sp_sip_check's report (not a message)
    assert.deepEqual(sites.raw.map((s) => s.replace(/:\d+$/, '')), ['wasm/abi/abi.c', 'wasm/abi/json.c']);
    const defined = new Set([...msgsH().matchAll(/#define (ABI_[A-Z_]+)/g)].map((m) => m[1]));
    assert.deepEqual([...sites.formats].filter((f) => !defined.has(f)), [], 'formats not in msgs.h');
    assert.ok(sites.events.size >= 20, `${sites.events.size} events found: the extraction broke`);
    const unknown = [...sites.events].filter((n) => !EVENTS[n] || EVENTS[n].shim);
    assert.deepEqual(unknown, [], 'events the C can emit that tools/schema.js lacks');
    const core = Object.keys(EVENTS).filter((n) => !EVENTS[n].shim);
    assert.deepEqual(core.filter((n) => !sites.events.has(n)), [], 'schema events no C emits');
    // every reply format is written somewhere (error and ok through abi_reply_err/_ok)
    const replies = Object.keys(REPLIES).map(replyMacro);
    assert.deepEqual(replies.filter((f) => !sites.formats.has(f)), [], 'reply formats no C writes');
  });
});

const SDP = (name) => fs.readFileSync(path.join(ROOT, 'tests/vectors/sdp', name), 'utf8');
const OFFER = SDP('chrome120-audio-offer-mdns-lf-only.sdp');           // .local host, srflx, relay
const HOST_ONLY = SDP('chrome-audio-offer-host-ipv6-tcp.aiortc.sdp');  // raw-IP host candidates only
const ANSWER = SDP('asterisk20-audio-answer-dtls.sdp');
const SDES = SDP('HOSTILE-legacy-snom-rtpsavp-sdes.sdp');

const header = (msg, name) => new RegExp(`^${name}: *(.*?)\r$`, 'mi').exec(msg)?.[1];
const tag = (value) => /;tag=([^;>\s]+)/.exec(value ?? '')?.[1];

/** A response to `req` carrying a body */
function withBody(req, code, reason, body, ctype = 'application/sdp') {
  return respond(req, code, reason, 'Contact: <sip:bob@b.invalid;transport=ws>')
    .replace('Content-Length: 0\r\n\r\n', `Content-Type: ${ctype}\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

let branches = 0;
/** A request from the far end (Bob, or the server) to Alice */
function request(method, { callId, from, to, cseq = 1, ctype, body = '' }) {
  return [
    `${method} sip:alice@x.invalid;transport=ws SIP/2.0`,
    `Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKs${++branches}`, 'Max-Forwards: 69',
    `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`,
    'Contact: <sip:bob@b.invalid;transport=ws>',
    ...(ctype ? [`Content-Type: ${ctype}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
}

/** Wait (bounded) until `fn` is truthy */
async function until(fn, what, ms = 3000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const registrar = (req) => {
  if (!req.startsWith('REGISTER ')) return undefined;
  const expires = /^Expires: (\d+)/m.exec(req)?.[1];
  return respond(req, 200, 'OK', expires === '0' ? '' : 'Contact: <sip:alice@x.invalid;transport=ws>;expires=600');
};

function phoneWith(srv, extra = {}) {
  return Phone.create({
    server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com', password: 'pw-schema-1',
    WebSocket: srv.WebSocket, RTCPeerConnection: fakePeerConnection({ sdp: OFFER }),
    getUserMedia: async () => fakeStream, mediaTimeoutMs: 20000, ...extra,
  });
}

describe('Every message the real core writes has the shape the schema gives it', () => {
  const log = recorder();
  before(() => log.install());
  after(() => log.uninstall());

  it('Alice is asked for credentials, registers, messages, asks OPTIONS and is messaged', async () => {
    const CHALLENGE = 'WWW-Authenticate: Digest realm="example.com", nonce="n1", qop="auth", algorithm=SHA-256';
    const srv = fakeServer((req) => {
      if (req.startsWith('REGISTER ') && !req.includes('Authorization:')) return respond(req, 401, 'Unauthorized', CHALLENGE);
      if (req.startsWith('MESSAGE ')) return req.includes('nobody@') ? respond(req, 404, 'Not Found') : respond(req, 200, 'OK');
      if (req.startsWith('OPTIONS ')) return respond(req, 200, 'OK', 'Allow: INVITE, ACK\r\nSupported: outbound');
      return registrar(req) ?? null;
    });
    const phone = await phoneWith(srv, { password: undefined,
      credentials: async () => ({ username: 'alice', password: 'pw-schema-2' }) });
    await phone.register();
    assert.deepEqual(await phone.message('bob', 'hi'), { status: 200 });
    await assert.rejects(phone.message('nobody', 'hi'), { code: 'not-found' });
    assert.deepEqual((await phone.options('sip:example.com')).allow, ['INVITE', 'ACK']);
    const got = [];
    phone.on('message', (m) => got.push(m.contentType));
    const ws = srv.state.sockets[0];
    for (const [i, ctype] of [[1, 'text/plain'], [2, undefined]]) {
      ws.onmessage({ data: request('MESSAGE', { callId: `m${i}@example.com`, from: '<sip:bob@example.com>;tag=m',
        to: '<sip:alice@example.com>', ctype, body: ctype ? 'hello' : '' }) });
    }
    await until(() => got.length === 2, 'two messages');
    assert.deepEqual(got, ['text/plain', null]);
    await phone.unregister();
    await phone.unregister();  // not registered: unregistered at once
    await phone.close();
  });

  it('a credentials callback that fails, a refused registration, a dropped flow', async () => {
    const CHALLENGE = 'WWW-Authenticate: Digest realm="example.com", nonce="n2", qop="auth", algorithm=MD5';
    const srv = fakeServer((req) => (req.startsWith('REGISTER ') ? respond(req, 401, 'Unauthorized', CHALLENGE) : null));
    const phone = await phoneWith(srv, { password: undefined, credentials: async () => { throw new Error('backend down'); } });
    await assert.rejects(phone.register(), { code: 'credentials-unavailable' });
    await phone.close();

    const srv2 = fakeServer((req) => (req.startsWith('REGISTER ') ? respond(req, 403, 'Forbidden') : null));
    const phone2 = await phoneWith(srv2);
    await assert.rejects(phone2.register(), (e) => e instanceof PhoneError && e.status === 403);
    await phone2.close();

    const srv3 = fakeServer((req) => registrar(req) ?? null);
    const phone3 = await phoneWith(srv3);
    await phone3.register();
    const lost = new Promise((resolve) => phone3.once('reconnecting', resolve));
    srv3.state.sockets[0].drop(1006);
    assert.ok((await lost).retryIn > 0);
    await phone3.close();
  });

  it('Alice calls Bob: ringing, progress, answer, INFO both ways, hold, a refused resume, hang-up', async () => {
    let invites = 0;
    const srv = fakeServer((message) => {
      const ws = srv.state.sockets[0];
      // one To tag for every response of the dialog
      const req = message.replace(/^(To: [^\r;]*)\r$/m, '$1;tag=bob1\r');
      if (req.startsWith('INVITE ')) {
        invites++;
        if (invites === 1) {
          setTimeout(() => ws.onmessage({ data: respond(req, 180, 'Ringing') }), 2);
          setTimeout(() => ws.onmessage({ data: respond(req, 183, 'Session Progress') }), 4);
          setTimeout(() => ws.onmessage({ data: withBody(req, 200, 'OK', ANSWER) }), 6);
          return null;
        }
        return invites === 2 ? withBody(req, 200, 'OK', ANSWER) : respond(req, 488, 'Not Acceptable Here');
      }
      if (req.startsWith('INFO ') || req.startsWith('BYE ')) return respond(req, 200, 'OK');
      return null;
    });
    const phone = await phoneWith(srv);
    const call = await phone.call('bob');
    await new Promise((resolve) => call.once('accepted', resolve));
    call.sendDtmf('1');  // no RTCDTMFSender in the fake: SIP INFO
    const invite = srv.state.received.find((r) => r.startsWith('INVITE '));
    const infos = [];
    call.on('info', (e) => infos.push(e));
    for (const [cseq, ctype] of [[2, 'application/dtmf-relay'], [3, undefined]]) {
      srv.state.sockets[0].onmessage({ data: request('INFO', { callId: header(invite, 'Call-ID'), cseq,
        from: '<sip:bob@example.com>;tag=bob1', to: `<sip:alice@example.com>;tag=${tag(header(invite, 'From'))}`,
        ctype, body: ctype ? 'Signal=5\r\nDuration=100\r\n' : '' }) });
    }
    await until(() => infos.length === 2, 'two INFOs');
    assert.deepEqual(infos.map((i) => i.ctype), ['application/dtmf-relay', null]);
    await call.hold();
    assert.equal(call.held, true);
    await assert.rejects(call.unhold(), { code: 'rejected' });
    const ended = new Promise((resolve) => call.once('ended', resolve));
    await call.hangup();
    assert.equal((await ended).cause, 'local-hangup');
    await phone.close();
  });

  it('a dropped flow mid-call: reconnecting, registered again and a re-INVITE on the new socket, reconnected; '
    + 'lost media restarts ICE; a network change pings', async () => {
    const srv = fakeServer((req) => {
      if (req === '\r\n\r\n') return '\r\n';  // the keep-alive's pong
      if (req.startsWith('INVITE ')) return withBody(req, 200, 'OK', ANSWER);
      if (req.startsWith('BYE ')) return respond(req, 200, 'OK');
      return registrar(req) ?? null;
    });
    // the page's network events, as a browser's window has them
    const net = new Map();
    globalThis.addEventListener = (n, h) => net.set(n, h);
    globalThis.removeEventListener = (n) => net.delete(n);
    const pcs = { configs: [], closed: 0, offers: [], pcs: [] };
    let phone;
    try {
      phone = await phoneWith(srv, { RTCPeerConnection: fakePeerConnection({ sdp: OFFER, log: pcs }),
        mediaTimeoutMs: 300 });
    } finally {
      delete globalThis.addEventListener;
    }
    await phone.register();
    assert.match(phone.instanceId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const call = await phone.call('bob');
    await new Promise((resolve) => call.once('accepted', resolve));
    // the media comes up (ICE and DTLS, as the browser would say)
    const pc = pcs.pcs[0];
    const setState = (connection, ice) => {
      pc.connectionState = connection;
      pc.iceConnectionState = ice;
      pc.dispatch('connectionstatechange');
    };
    const secured = new Promise((resolve) => call.once('security', resolve));
    setState('connected', 'connected');
    await secured;
    const lost = new Promise((resolve) => phone.once('reconnecting', resolve));
    const callLost = new Promise((resolve) => call.once('reconnecting', resolve));
    const back = new Promise((resolve) => phone.once('reconnected', resolve));
    const callBack = new Promise((resolve) => call.once('reconnected', resolve));
    srv.state.sockets[0].drop(1006);
    const ev = await lost;
    assert.deepEqual({ ...ev, retryIn: ev.retryIn > 0 }, { cause: 'transport-closed', attempt: 1, retryIn: true });
    assert.deepEqual(await callLost, { cause: 'transport-closed', attempt: 1 });
    assert.equal(call.state, 'active');
    await back;
    await callBack;
    assert.equal(srv.state.sockets.length, 2);
    const onNew = srv.state.received.slice(srv.state.received.findIndex((r, i) => i > 0 && r.startsWith('REGISTER ') &&
      srv.state.received.slice(0, i).some((x) => x.startsWith('INVITE '))));
    // the same instance in the REGISTER on the new socket, then the re-INVITE that moves the route
    assert.ok(onNew[0].includes(`+sip.instance="<urn:uuid:${phone.instanceId}>";reg-id=1`));
    assert.match(onNew[0], /^Supported: outbound, path, gruu\r$/m);
    assert.ok(onNew.some((r) => r.startsWith('INVITE ')), 're-INVITE on the new socket');

    // the media fails: an ICE restart offer goes out by re-INVITE, and the media back up is
    // `reconnected`
    const invites = srv.state.received.filter((r) => r.startsWith('INVITE ')).length;
    const restarting = new Promise((resolve) => call.once('reconnecting', resolve));
    setState('failed', 'disconnected');
    assert.deepEqual(await restarting, { cause: 'ice-disconnected', attempt: 1 });
    await until(() => srv.state.received.filter((r) => r.startsWith('INVITE ')).length > invites, 're-INVITE');
    assert.equal(pcs.offers.at(-1)?.iceRestart, true);
    const restarted = new Promise((resolve) => call.once('reconnected', resolve));
    setState('connected', 'connected');
    await restarted;
    assert.equal(call.state, 'active');

    // the network changed: the connection is pinged (and answered: nothing else happens)
    const sent = srv.state.received.length;
    net.get('online')(new Event('online'));
    assert.equal(srv.state.received[sent], '\r\n\r\n');
    // a hang-up while a re-INVITE may still be open: libre sends the BYE once that
    // transaction is done (its 200 acknowledged), so the BYE may come after the `ended` event
    const ended = new Promise((resolve) => call.once('ended', resolve));
    await call.hangup();
    assert.equal((await ended).cause, 'local-hangup');
    await until(() => srv.state.received.at(-1).startsWith('BYE '), 'BYE');
    await phone.close();
    assert.equal(net.size, 0, 'the phone stopped listening');
    delete globalThis.removeEventListener;
  });

  it('Bob calls Alice: she answers, he hangs up; a refused offer; a rejected call', async () => {
    const srv = fakeServer((req) => registrar(req) ?? null);
    const phone = await phoneWith(srv);
    await phone.register();
    const ws = srv.state.sockets[0];
    const invite = (callId, body) => request('INVITE', { callId, from: '"Bob" <sip:bob@example.com>;tag=b1',
      to: '<sip:alice@example.com>', ctype: 'application/sdp', body: body.replace(/\r?\n/g, '\r\n') });

    const incoming = new Promise((resolve) => phone.once('incoming', resolve));
    ws.onmessage({ data: invite('in-1@example.com', OFFER) });
    const call = await incoming;
    await call.answer();
    const ok = await until(() => srv.state.received.find((r) => r.startsWith('SIP/2.0 200 ') && r.includes('in-1@')), '200 OK');
    const accepted = new Promise((resolve) => call.once('accepted', resolve));
    const dialog = { callId: 'in-1@example.com', from: '"Bob" <sip:bob@example.com>;tag=b1', to: header(ok, 'To') };
    ws.onmessage({ data: request('ACK', dialog) });
    await accepted;
    const ended = new Promise((resolve) => call.once('ended', resolve));
    ws.onmessage({ data: request('BYE', { ...dialog, cseq: 2 }) });
    assert.equal((await ended).cause, 'remote-hangup');

    const refused = new Promise((resolve) => phone.once('call-refused', resolve));
    ws.onmessage({ data: invite('in-2@example.com', SDES) });
    assert.equal((await refused).cause, 'sdes-offered');

    const incoming3 = new Promise((resolve) => phone.once('incoming', resolve));
    ws.onmessage({ data: invite('in-3@example.com', OFFER) });
    const call3 = await incoming3;
    const ended3 = new Promise((resolve) => call3.once('ended', resolve));
    call3.reject(486);
    await ended3;
    await phone.close();
  });

  it('calls that cannot connect: no candidate left (a warning), relay mode with no relay', async () => {
    const srv = fakeServer((req) => (req.startsWith('INVITE ') ? respond(req, 180, 'Ringing') : null));
    const phone = await phoneWith(srv, { RTCPeerConnection: fakePeerConnection({ sdp: HOST_ONLY }) });
    const call = await phone.call('bob');
    assert.deepEqual(call.warnings.map((w) => w.code), ['no-candidates']);
    await call.hangup();
    await phone.close();

    const phone2 = await phoneWith(srv, { privacy: 'relay', RTCPeerConnection: fakePeerConnection({ sdp: HOST_ONLY }) });
    await assert.rejects(phone2.call('bob'), { code: 'relay-unavailable' });
    await phone2.close();
  });

  it('commands the core refuses get the error reply', async () => {
    const core = await loadCore();
    assert.equal(internal.cmd(core, { cmd: 'phone.register', phone: 4242 }).err, 'not-found');
    assert.equal(internal.cmd(core, { cmd: 'call.hangup', call: 4242 }).err, 'not-found');
    assert.equal(internal.cmd(core, { cmd: 'sdp.check', sdp: 'v=0\r\n', bytes: 5 }).err, 'bad-command');  // page core
  });

  it('the check build: sdp.check verdicts (remote, local, refused, a NUL byte)', async () => {
    const core = await loadCheckCore();
    assert.equal(checkSdp(core, ANSWER).ok, true);
    assert.equal(typeof checkSdp(core, OFFER, { direction: 'local', privacy: 'mdns' }).sdp, 'string');
    assert.equal(checkSdp(core, SDES).reason, 'sdes-offered');
    assert.deepEqual(checkSdp(core, 'v=0\r\n\0'), { ok: false, reason: 'malformed-sdp', line: 2,
      detail: 'NUL byte in the SDP' });
  });

  it('the core fails: its phones get core-failed (made by the shim)', async () => {
    // the clock throws inside the core (a timer starts): the instance is dead
    const srv = fakeServer(() => null);
    const phone = await phoneWith(srv);
    const { cmd } = internal;
    internal.cmd = (core, command) => {
      const now = performance.now;
      performance.now = () => { throw new Error('no clock'); };
      try {
        return cmd(core, command);
      } finally {
        performance.now = now;
        internal.cmd = cmd;
      }
    };
    const failed = new Promise((resolve) => phone.once('error', resolve));
    await assert.rejects(phone.message('bob', 'hi'), { code: 'core-failed' });
    assert.equal((await failed).code, 'core-failed');
  });

  it('every event and reply seen fits the schema, and every one it lists was seen', () => {
    assert.deepEqual(log.misfits, []);
    assert.deepEqual(Object.keys(EVENTS).filter((n) => !log.events.has(n)), [], 'events never seen');
    const commands = Object.keys(COMMANDS).flatMap((n) => commandVariants(n).map((_, i) => `${n}#${i}`));
    assert.deepEqual(commands.filter((c) => !log.commands.has(c)), [], 'commands (#variant) never run');
    const replies = Object.entries(COMMANDS).flatMap(([n, c]) => c.replies.map((r) => `${n}:${r}`));
    assert.deepEqual(replies.filter((r) => !log.variants.has(r)), [], 'replies never seen');
    assert.ok([...log.variants].some((v) => v.endsWith(':error')), 'no error reply seen');
  });
});

describe('The envelope: a command refused before its id is read', () => {
  it('is the error reply with id 0 (not initialised, not JSON, too large)', async () => {
    const bytes = fs.readFileSync(path.join(ROOT, 'dist/sipshield-core.wasm'));
    const texts = [];
    const m = await instantiateCore(bytes, { emit: (t) => texts.push(t), wsOpen: () => 1, wsSend: () => 1,
      wsClose: () => {}, log: () => {} });
    const send = (text) => {
      const b = new TextEncoder().encode(text);
      const ptr = m.sp_malloc(b.length);
      m.heap.set(b, ptr);
      m.sp_cmd(ptr, b.length);
      m.sp_free(ptr);
      return JSON.parse(texts.at(-1));
    };
    const replies = [send('{"v":1,"id":3,"cmd":"phone.close","phone":1}')];
    assert.equal(m.sp_init(0, 0), 0);
    replies.push(send('{"v":1,"id":'), send(`{"v":1,"id":4,"cmd":"x","pad":"${'x'.repeat(262144)}"}`));
    assert.deepEqual(replies.map((r) => [r.id, r.err]), [[0, 'not-initialized'], [0, 'bad-command'], [0, 'too-large']]);
    for (const r of replies) assert.deepEqual(replyVariant('phone.close', r), { variant: 'error', misfits: [] });
  });
});
