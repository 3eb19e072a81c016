// The public types are complete: no `any` in what the entry points declare, and every
// error code and end cause the C core can emit is in the `ErrorCode` union (the codes are
// read from the C sources here, so a new one cannot be forgotten). Needs `make dist`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { publicDeclarations, declarations } from '../../tools/api-report.js';
import { ROOT } from './support/servers.js';

/** Where the core's stable codes are made: replies, end causes, failures, verdicts */
const CODE_DIRS = ['abi', 'ua', 'reg', 'call', 'auth', 'policy'];
const CODE_FILES = /^(abi|callcmd|ua|message|reg|call|creds|sdp|transport)\.c$/;
/** Lines that hand a code on: a reply, a return, a table row, an end or failure */
const CODE_CONTEXT = /\b(abi_reply_err|return|cause|code|end|end_later|fail|doneh)\b|\{\d{3}, "/;
/** Literals of those lines that are not codes */
const NOT_CODES = new Set([
  'none',                        // auth_fail_name() of "no failure": never emitted
  'refused',                     // Warning text when a verdict has no detail
  'auth-int', 'bundle-only',     // SIP and SDP tokens
  'sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512',
  'accepted', 'ringing', 'progress',  // event names
  'application', 'sdp',          // a Content-Type
  'relay', 'srflx', 'prflx',     // candidate types
  'mdns', 'off',                 // privacy modes
  'missing', 'expired',          // why credentials.need asks (its `reason`)
]);

/** Every code the C core can emit: hyphenated literals, and words in a code context */
function coreCodes() {
  const codes = new Map();
  for (const dir of CODE_DIRS) {
    for (const name of fs.readdirSync(path.join(ROOT, 'wasm', dir)).filter((n) => CODE_FILES.test(n))) {
      const text = fs.readFileSync(path.join(ROOT, 'wasm', dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        const context = `${lines[i - 1] ?? ''}\n${line}`;
        for (const [, s] of line.matchAll(/"([a-z]+(?:-[a-z0-9]+)*)"/g)) {
          if (NOT_CODES.has(s) || (!s.includes('-') && !CODE_CONTEXT.test(context))) continue;
          if (!codes.has(s)) codes.set(s, `wasm/${dir}/${name}:${i + 1}`);
        }
      });
    }
  }
  return codes;
}

/** The string literals of a union type alias in a .d.ts, names of other aliases expanded */
function unionMembers(text, name, seen = new Set()) {
  const m = new RegExp(`export type ${name} = ([^;]+);`).exec(text);
  assert.ok(m, `no type ${name}`);
  const out = new Set();
  for (const part of m[1].split('|').map((p) => p.trim())) {
    const lit = /^"([^"]+)"$/.exec(part);
    if (lit) out.add(lit[1]);
    else if (!seen.has(part)) {
      seen.add(part);
      for (const x of unionMembers(text, part, seen)) out.add(x);
    }
  }
  return out;
}

describe('Public types', () => {
  const decls = publicDeclarations();
  const errors = fs.readFileSync(path.join(ROOT, 'dist/types/errors.d.ts'), 'utf8');

  it('no `any` in a public declaration, and no internal reached', () => {
    assert.ok(decls.length >= 6, decls.map(([f]) => f).join());
    for (const [file, text] of decls) {
      const hits = declarations(text).split('\n').filter((l) => /\bany\b/.test(l));
      assert.deepEqual(hits, [], `${file} declares any`);
    }
    assert.ok(!decls.some(([f]) => f === 'internal.d.ts'), 'internal.d.ts is reachable');
    const report = decls.map(([, t]) => declarations(t)).join('\n');
    for (const name of ['onCoreEvent', 'whenSent', 'attach(', 'detach(', 'cmd(', 'internal.js']) {
      assert.ok(!report.includes(name), `${name} is public`);
    }
    assert.match(report, /private constructor\(\);[\s\S]*readonly handle/, 'Call has no public constructor');
  });

  it('every code the C core emits is in ErrorCode, every end cause in Cause', () => {
    const codes = coreCodes();
    assert.ok(codes.size >= 40, `${codes.size} codes found: the extraction broke`);
    for (const known of ['too-large', 'no-candidates', 'busy', 'declined', 'sdes-offered', 'not-initialized']) {
      assert.ok(codes.has(known), `extraction missed ${known}`);
    }
    const errorCodes = unionMembers(errors, 'ErrorCode');
    const missing = [...codes].filter(([c]) => !errorCodes.has(c)).map(([c, at]) => `${c} (${at})`);
    assert.deepEqual(missing, [], 'codes the core emits that ErrorCode lacks');

    // causes: call.c's status table, its own ends, and the policy's reasons
    const causes = unionMembers(errors, 'Cause');
    const callC = fs.readFileSync(path.join(ROOT, 'wasm/call/call.c'), 'utf8');
    const sdpC = fs.readFileSync(path.join(ROOT, 'wasm/policy/sdp.c'), 'utf8');
    const endCauses = [
      ...[...callC.matchAll(/\{\d{3}, "([a-z-]+)"\}|(?:cause = |end\(call, |end_later\(call, |return )"([a-z-]+)"/g)]
        .map((m) => m[1] ?? m[2]),
      ...[...callC.matchAll(/"([a-z-]+)" : "([a-z-]+)"/g)].flatMap((m) => [m[1], m[2]]),
      ...[...sdpC.matchAll(/^\t"([a-z]+-[a-z-]+)",$/gm)].map((m) => m[1]),
    ];
    assert.ok(endCauses.length >= 25, `${endCauses.length} causes found`);
    assert.deepEqual(endCauses.filter((c) => !causes.has(c)), [], 'end causes that Cause lacks');
  });
});
