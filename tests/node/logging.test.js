// The log levels are real. With logLevel 3 and 4 the shim loads sipshield-core-debug.wasm, which
// has every level: a register, a MESSAGE (in and out), an OPTIONS, a call, a wrong password, HA1s
// and a short-lived credential each log what happened, a line a step (info, 3), and level 4 adds
// every SIP message in and out as its start line, Call-ID, CSeq and size (debug). logLevel 2 and
// below give none of it, the release page core has it compiled out, and no secret (password, HA1
// of each algorithm, digest response, cnonce, short-lived or TURN credential, ICE password)
// appears in any line at any level, as it is or as hex or base64. Scripted servers
// (support/log-scenario.js), one process per level: the core, and its log level, is one per
// process; then the same at logLevel 4 in this process against real Kamailio (a register and a
// wrong password). C side: test_ua_log_levels.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Phone } from '../../shim/index.js';
import { WASM_NAMES } from '../../shim/wasm.js';
import { ROOT, startKamailio, USERS, REALM as KAM_REALM, TestWebSocket, within } from './support/servers.js';
import { PASSWORD, WRONG, TURN, REALM, ha1s } from './support/log-scenario.js';

const SCENARIO = path.join(ROOT, 'tests/node/support/log-scenario.js');
const CORE = path.join(ROOT, 'dist/sipshield-core.wasm');
const DEBUG_CORE = path.join(ROOT, 'dist/sipshield-core-debug.wasm');

/** Run the scenario at `level` in a node of its own (bounded) */
function run(level, wasmUrl) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCENARIO, String(level), ...(wasmUrl ? [wasmUrl] : [])],
      { cwd: ROOT, timeout: 60000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`log-scenario.js ${level} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      });
  });
}

/** The log lines of operation `op`, as "module: text" with their shim level */
function section(out, op) {
  const i = out.marks.findIndex((m) => m.op === op);
  return out.lines.slice(out.marks[i].at, out.marks[i + 1].at);
}

/** What each operation must log at info (shim level 1: "what happened") */
const INFO = {
  register: [
    /^flow: opening \(a message must go out\)$/,
    /^reg: REGISTER sent \(Expires 600\)$/,
    /^flow: open$/,
    /^reg: REGISTER answered 401 Unauthorized$/,
    /^auth: answering server realm "example\.com": SHA-256, qop auth$/,
    /^reg: 401: challenge answered \(answer 1 of at most 2\)$/,
    /^reg: REGISTER sent \(Expires 600, with the answer\)$/,
    /^reg: REGISTER answered 200 OK$/,
    /^reg: registered for 300 s; refresh scheduled in 270000 ms$/,
  ],
  message: [
    /^message: MESSAGE 1 sent \(body 9 bytes\)$/,
    /^message: MESSAGE 1 answered 407 Proxy Authentication Required$/,
    /^auth: answering proxy realm "example\.com": SHA-256, qop auth$/,
    /^message: MESSAGE 1 sent \(body 9 bytes, with the answer\)$/,
    /^message: MESSAGE 1 answered 200 OK$/,
    /^message: MESSAGE received \(11 bytes of text\/plain\): 200$/,
  ],
  options: [
    /^message: OPTIONS 2 sent \(body 0 bytes\)$/,
    /^message: OPTIONS 2 answered 200 OK$/,
  ],
  refused: [
    /^check: refused a message: bad-cseq \(EBADMSG\)$/,
    /^message: OPTIONS 3 answered 200 OK$/,
  ],
  call: [
    /^call: call (\d+): outgoing, asking the browser for an offer$/,
    /^call: call \d+: INVITE with offer sent$/,
    /^call: call \d+: ringing \(180 Ringing\)$/,
    /^call: call \d+: INVITE answered 200 OK$/,
    /^call: call \d+: established$/,
    /^call: call \d+: ended: local-hangup \(status 0\)$/,
  ],
  reopen: [
    /^flow: closed \(WebSocket code 1006\)$/,
    /^flow: reopen in \d+ ms \(attempt 1\)$/,
    /^reg: the flow closed$/,
    /^reg: failed: transport-closed \(status 0\); binding lost, the flow reopens in \d+ ms \(attempt 1\)$/,
    /^flow: reopening \(attempt 1\)$/,
    /^flow: open: replaces the lost one$/,
    /^reg: a new flow opened: the lost binding goes out on it$/,
    /^reg: registered for 300 s; refresh scheduled in 270000 ms$/,
  ],
  close: [
    /^reg: un-REGISTER sent \(Expires 0\)$/,
    /^reg: un-REGISTER answered 200 OK$/,
    /^reg: unregistered$/,
    /^transp: flow \d+: closing \(its phone closes\)$/,
  ],
  'wrong-password': [
    /^auth: answering server realm "example\.com": MD5, qop auth$/,
    /^reg: REGISTER sent \(Expires 600, with the answer\)$/,
    /^auth: realm "example\.com": answer refused$/,
    /^reg: 401: challenge not answered \(EAUTH\)$/,
    /^reg: failed: auth-failed \(status 401\)$/,
  ],
  ha1: [
    /^auth: answering server realm "example\.com": SHA-512-256, qop auth$/,
    /^reg: registered for 300 s; refresh scheduled in 270000 ms$/,
  ],
  'short-lived': [
    /^reg: 401: waiting for a credential from the app \(missing\)$/,
    /^ua: the app gave a credential, valid (59\d|600) s \(0: no expiry\)$/,
    /^auth: answering server realm "example\.com": SHA-256, qop auth$/,
    /^reg: registered for 300 s; refresh scheduled in 270000 ms$/,
  ],
};

/** The messages each operation must log at debug (shim level 0), in and out */
const MSG = '\\(Call-ID ([^,]+), CSeq (\\d+ [A-Z]+), (\\d+) bytes\\)$';
const DEBUG = {
  register: [`sent REGISTER sip:example\\.com SIP/2\\.0 ${MSG}`, `received SIP/2\\.0 401 Unauthorized ${MSG}`,
    `received SIP/2\\.0 200 OK ${MSG}`],
  message: [`sent MESSAGE sip:bob@example\\.com SIP/2\\.0 ${MSG}`,
    `received SIP/2\\.0 407 Proxy Authentication Required ${MSG}`,
    `received MESSAGE sip:alice@x\\.invalid;transport=ws SIP/2\\.0 ${MSG}`, `sent SIP/2\\.0 200 OK ${MSG}`],
  options: [`sent OPTIONS sip:example\\.com SIP/2\\.0 ${MSG}`],
  call: [`sent INVITE sip:bob@example\\.com SIP/2\\.0 ${MSG}`, `received SIP/2\\.0 180 Ringing ${MSG}`,
    `received SIP/2\\.0 200 OK ${MSG}`, `sent ACK sip:bob@b\\.invalid;transport=ws SIP/2\\.0 ${MSG}`,
    `sent BYE sip:bob@b\\.invalid;transport=ws SIP/2\\.0 ${MSG}`],
};
/** The one warning of a run: the message the check refused */
const WARNING = [2, 'transp: dropped a refused message (EBADMSG)'];
const DEBUG_LINE = new RegExp(`^transp: flow \\d+: (sent|received) (.+) ${MSG}`);

/** A value as it is and in the encodings it could take in a line */
function encodings(s) {
  const b = Buffer.from(s);
  const out = [s, b.toString('hex'), b.toString('base64'), b.toString('base64url')];
  if (/^[0-9a-f]+$/.test(s)) {
    const raw = Buffer.from(s, 'hex');
    out.push(s.toUpperCase(), raw.toString('base64'), raw.toString('base64url'));
  }
  return out.map((x) => x.replace(/=+$/, ''));
}

/** The secrets of a run: configured, derived, and what the answers on the wire carried */
function secretsOf(out) {
  const s = [PASSWORD, WRONG, TURN, ...Object.values(ha1s('alice', REALM, PASSWORD)),
    ...Object.values(ha1s('alice', REALM, WRONG)), ...out.secrets];
  for (const m of out.wire) {
    for (const g of m.matchAll(/\b(response|cnonce)="([^"]+)"|^a=(ice-pwd):(\S+)/gm)) {
      const [name, v] = [g[1] ?? g[3], g[2] ?? g[4]];
      assert.ok(v.length >= 16, `a short ${name}`);
      s.push(v);
    }
  }
  return s;
}

describe('Logging: the levels are real, and no secret is ever logged', () => {
  /** @type {Record<string, any>} */
  const runs = {};
  before(async () => {
    for (const level of [0, 1, 2, 3, 4]) runs[level] = await run(level);
    runs.release = await run(4, new URL(`file://${CORE}`).href);
  });

  it('the debug core is the page core with every level: same exports, its imports and spjs_log, bigger', () => {
    const face = (file) => {
      const m = new WebAssembly.Module(fs.readFileSync(file));
      return [WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}:${i.kind}`).sort(),
        WebAssembly.Module.exports(m).map((e) => `${e.name}:${e.kind}`).sort()];
    };
    const [debugImports, debugExports] = face(DEBUG_CORE);
    const [imports, exports] = face(CORE);
    assert.deepEqual(debugExports, exports);
    // the page core logs nothing (errors only, and it has none): no spjs_log to import
    const log = `${WASM_NAMES.modules.env}.${WASM_NAMES.imports.env.spjs_log}:function`;
    assert.deepEqual(debugImports.filter((i) => i !== log), imports);
    assert.ok(debugImports.includes(log));
    assert.ok(fs.statSync(DEBUG_CORE).size > fs.statSync(CORE).size);
  });

  for (const level of [3, 4]) {
    it(`logLevel ${level}: each operation says what happened, a line a step`, () => {
      const out = runs[level];
      for (const [op, want] of Object.entries(INFO)) {
        const texts = section(out, op).filter(([l]) => l === 1).map(([, t]) => t);
        for (const re of want) assert.ok(texts.some((t) => re.test(t)), `${op}: no line ${re}\n${texts.join('\n')}`);
        assert.ok(texts.length >= want.length, op);
      }
      // warnings and errors are the levels above: the refused message's, and nothing else
      assert.deepEqual(out.lines.filter(([l]) => l >= 2), [WARNING]);
    });
  }

  it('logLevel 4: every SIP message in and out, start line, Call-ID, CSeq and size', () => {
    const out = runs[4];
    for (const [op, want] of Object.entries(DEBUG)) {
      const texts = section(out, op).filter(([l]) => l === 0).map(([, t]) => t);
      for (const re of want) {
        assert.ok(texts.some((t) => new RegExp(`^transp: flow \\d+: ${re}`).test(t)), `${op}: no line ${re}\n${texts.join('\n')}`);
      }
    }
    // each debug line is a message on the wire (same start line, Call-ID, CSeq, size), each message has one
    const debug = out.lines.filter(([l]) => l === 0).map(([, t]) => t);
    assert.ok(debug.every((t) => DEBUG_LINE.test(t)), debug.find((t) => !DEBUG_LINE.test(t)));
    const key = (start, callid, cseq, size) => `${start}|${callid}|${cseq}|${size}`;
    // the refused message is logged by its reason (info), not as a message
    const onWire = out.wire.filter((m) => !m.includes('CSeq: one ')).map((m) => key(m.slice(0, m.indexOf('\r\n')), /^Call-ID: (.+)$/m.exec(m)[1].trim(),
      /^CSeq: (.+)$/m.exec(m)[1].trim(), Buffer.byteLength(m)));
    const logged = debug.map((t) => { const x = DEBUG_LINE.exec(t); return key(x[2], x[3], x[4], Number(x[5])); });
    assert.deepEqual([...logged].sort(), [...onWire].sort());
  });

  it('logLevel 3 has no debug line; 2 the warning and none of the info lines; 1 and 0 nothing', () => {
    assert.deepEqual(runs[3].lines.filter(([l]) => l === 0), []);
    assert.deepEqual(runs[2].lines, [WARNING]);
    assert.deepEqual(runs[1].lines, []);
    assert.deepEqual(runs[0].lines, []);
  });

  it('the release page core (its own wasmUrl) has warnings, info and debug compiled out', () => {
    assert.deepEqual(runs.release.lines, []);
  });

  it('no secret in any line at any level, as text, hex or base64', () => {
    for (const [level, out] of Object.entries(runs)) {
      const secrets = secretsOf(out);
      assert.ok(secrets.length >= 20, `${level}: ${secrets.length} secrets`);
      assert.ok(out.wire.some((m) => /^a=ice-pwd:/m.test(m)), 'no SDP on the wire');
      const text = out.lines.map(([, t]) => t).join('\n');
      for (const s of secrets) {
        for (const e of encodings(s)) assert.ok(!text.includes(e), `logLevel ${level}: a secret in the log`);
      }
      // nothing of an answer either, whatever its value
      assert.doesNotMatch(text, /Authorization|response=|cnonce|nonce="/i);
    }
  });
});

describe('Logging against Kamailio at logLevel 4: a register and a wrong password', () => {
  const T = 15000;
  /** @type {[number, string][]} */
  const lines = [];
  let kam;
  before(async () => { kam = await startKamailio({ alg: 'SHA-256' }); });
  after(async () => { await kam?.stop(); });

  it('each says what happened, each message is logged, no secret is', async () => {
    const core = { logLevel: /** @type {4} */ (4), log: (l, t) => lines.push([l, t]) };
    const config = (password) => ({ server: kam.url, uri: `sip:alice@${KAM_REALM}`, password,
      WebSocket: TestWebSocket });
    const sent0 = TestWebSocket.sent.length;
    const recv0 = TestWebSocket.received.length;
    const alice = await Phone.create(config(USERS.get('alice')), core);
    await within(alice.register(), T, 'register');
    await alice.close();
    const wrong = await Phone.create(config(WRONG), core);
    await assert.rejects(within(wrong.register(), T, 'register'), { code: 'auth-failed' });
    await wrong.close();

    const info = lines.filter(([l]) => l === 1).map(([, t]) => t);
    const realm = KAM_REALM.replace(/\./g, '\\.');
    for (const re of [new RegExp(`^auth: answering server realm "${realm}": SHA-256, qop auth$`),
      /^reg: registered for \d+ s; refresh scheduled in \d+ ms$/, /^reg: unregistered$/,
      new RegExp(`^auth: realm "${realm}": answer refused$`), /^reg: failed: auth-failed \(status 401\)$/]) {
      assert.ok(info.some((t) => re.test(t)), `no line ${re}\n${info.join('\n')}`);
    }
    const wire = [...TestWebSocket.sent.slice(sent0), ...TestWebSocket.received.slice(recv0)];
    const debug = lines.filter(([l]) => l === 0).map(([, t]) => t);
    assert.equal(debug.length, wire.length, debug.join('\n'));
    for (const t of debug) {
      const [, , , callid, cseq] = DEBUG_LINE.exec(t) ?? assert.fail(t);
      assert.ok(wire.some((m) => m.includes(`Call-ID: ${callid}\r\n`) && m.includes(`CSeq: ${cseq}\r\n`)), t);
    }
    const text = lines.map(([, t]) => t).join('\n');
    const secrets = secretsOf({ wire, secrets: [USERS.get('alice'), ...Object.values(ha1s('alice', KAM_REALM,
      USERS.get('alice'))), ...Object.values(ha1s('alice', KAM_REALM, WRONG))] });
    for (const v of secrets) for (const e of encodings(v)) assert.ok(!text.includes(e), 'a secret in the log');
    assert.doesNotMatch(text, /Authorization|response=|cnonce|nonce="/i);
  });
});
