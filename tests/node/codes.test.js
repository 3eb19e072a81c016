// The stable codes are spelled once, in C (wasm/include/codes.h; the tables from SIP statuses
// and errno values in wasm/codes/codes.c), and JS has the same ones: the ErrorCode, Cause and
// PolicyReason unions of shim/errors.js as tsc emits them (dist/types/errors.d.ts). This fails
// when a union lacks a code the core can emit, when a union has a code nothing emits, when C
// writes a code as a literal instead of naming it, or when the README's tables say otherwise;
// the last describe shows each rule firing on a changed copy of the sources. Needs `make dist`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/servers.js';
import { unionMembers } from './support/dts.js';

/** The line in codes.h after which codes never end a call */
const ERRORS_ONLY = '/* Error codes that never end a call */';
/** Where codes are handed on, for the search for codes written as literals */
const CODE_DIRS = ['abi', 'ua', 'reg', 'call', 'auth', 'policy', 'codes'];
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
  'null', 'true', 'false',       // JSON
  'error',                       // a log level's name
]);
/** A literal that spells a code but is not one: credentials.need's reason "rejected" */
const NOT_A_CODE_USE = /\bpark\(reg, msg, "rejected"\)/;
/** Folders with vocabularies of their own: the check report's and the SDP policy's reasons */
const OWN_WORDS = /^wasm\/(check|policy)\//;
/** Causes the shim gives a call itself (it ends it: no media, no ICE, the core died) */
const SHIM_CAUSES = ['media-failed', 'media-unavailable', 'ice-failed', 'core-failed'];

/** Every .c and .h under @p dir, as [path from ROOT, text] */
function cFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...cFiles(p));
    else if (/\.[ch]$/.test(e.name)) out.push([p, fs.readFileSync(path.join(ROOT, p), 'utf8')]);
  }
  return out;
}

/** Comments blanked, line breaks kept (so line numbers hold) */
const uncomment = (text) => text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));

/** The sources the checks read, each as text, so that a test can change a copy */
function sources() {
  const read = (p) => fs.readFileSync(path.join(ROOT, p), 'utf8');
  return {
    wasm: cFiles('wasm'),
    dts: read('dist/types/errors.d.ts'),
    shim: fs.readdirSync(path.join(ROOT, 'shim')).filter((n) => n.endsWith('.js'))
      .map((n) => [`shim/${n}`, read(`shim/${n}`)]),
    readme: read('README.md'),
  };
}

/** A union of the emitted types, or null if it (or an alias it names) is missing */
function union(dts, name) {
  try {
    return unionMembers(dts, name);
  } catch {
    return null;
  }
}

/** What C says: codes.h's codes (causes apart), the tables, the policy's reasons */
function cCodes(src) {
  const file = (p) => src.wasm.find(([f]) => f === p)?.[1] ?? '';
  const h = file('wasm/include/codes.h');
  const cut = h.indexOf(ERRORS_ONLY);
  const names = new Map();
  const causes = new Set();
  const codes = new Set();
  for (const m of h.matchAll(/^#define (CODE_\w+)\s+"([^"]*)"/gm)) {
    names.set(m[1], m[2]);
    codes.add(m[2]);
    if (cut < 0 || m.index < cut) causes.add(m[2]);
  }
  const c = file('wasm/codes/codes.c');
  const statuses = [...c.matchAll(/\{(\d{3}), (true|false),\s+(CODE_\w+)\}/g)]
    .map((m) => ({ status: Number(m[1]), reg: m[2] === 'true', name: m[3] }));
  const body = /codes_status\([^)]*\)\n\{([\s\S]*?)\n\}/.exec(c)?.[1] ?? '';
  const statusCodes = [...statuses.map((r) => r.name), ...body.match(/CODE_\w+/g) ?? []];

  // the policy's reasons: its table, its named strings, the reasons it sets
  const policy = new Set();
  for (const [p, text] of src.wasm.filter(([f]) => /^wasm\/policy\/.*\.c$/.test(f))) {
    const t = uncomment(text);
    const table = /reason_code\[[^\]]*\]\s*=\s*\{([^}]*)\}/.exec(t);
    for (const m of (table?.[1] ?? '').matchAll(/"([a-z-]+)"/g)) policy.add(m[1]);
    for (const m of t.matchAll(/REASON_\w+\[\]\s*=\s*"([a-z-]+)"/g)) policy.add(m[1]);
    for (const m of t.matchAll(/\breason = "([a-z-]+)"/g)) policy.add(m[1]);
    void p;
  }
  return { h, cut, names, causes, codes, statuses, statusCodes, policy };
}

/** Every problem with the codes; [] when C, JS and the README agree */
function problems(src) {
  const out = [];
  const C = cCodes(src);
  const errorCode = union(src.dts, 'ErrorCode');
  const cause = union(src.dts, 'Cause');
  const policyReason = union(src.dts, 'PolicyReason');
  if (!errorCode || !cause || !policyReason) return ['errors.d.ts lacks ErrorCode, Cause or PolicyReason'];
  if (C.cut < 0) out.push(`codes.h lacks the line ${ERRORS_ONLY}`);

  // codes.h: one spelling, named after itself
  for (const [name, code] of C.names) {
    if (name !== `CODE_${code.toUpperCase().replace(/-/g, '_')}`) out.push(`codes.h: ${name} spells "${code}"`);
  }
  if (C.names.size !== C.codes.size) out.push('codes.h: a code is spelled twice');

  // C -> JS: every code the core can emit is in the unions
  for (const c of C.codes) if (!errorCode.has(c)) out.push(`ErrorCode lacks "${c}" (codes.h)`);
  for (const c of C.causes) if (!cause.has(c)) out.push(`Cause lacks "${c}" (codes.h)`);
  for (const c of C.policy) if (!policyReason.has(c)) out.push(`PolicyReason lacks "${c}" (wasm/policy/)`);
  for (const c of policyReason) if (!cause.has(c)) out.push(`Cause lacks the policy reason "${c}"`);

  // JS -> C: every code of the unions is emitted by someone
  const shimMade = new Map();
  for (const [f, text] of src.shim) {
    for (const m of text.matchAll(/new PhoneError\('([a-z-]+)'/g)) shimMade.set(m[1], f);
  }
  for (const c of SHIM_CAUSES) if (!shimMade.has(c)) out.push(`no shim file makes the cause "${c}"`);
  for (const c of errorCode) {
    if (!C.codes.has(c) && !C.policy.has(c) && !shimMade.has(c)) out.push(`ErrorCode has "${c}": nothing emits it`);
  }
  for (const c of cause) {
    if (!C.causes.has(c) && !C.policy.has(c) && !SHIM_CAUSES.includes(c)) {
      out.push(`Cause has "${c}": no call ends with it (a cause in codes.h is above ${ERRORS_ONLY})`);
    }
  }
  for (const c of policyReason) if (!C.policy.has(c)) out.push(`PolicyReason has "${c}": the policy has no such reason`);

  // C: codes are named, never written; what a call ends with is a cause
  for (const [f, text] of src.wasm) {
    if (f === 'wasm/include/codes.h') continue;
    const lines = uncomment(text).split('\n');
    const dir = f.split('/')[1];
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/"([^"\\]*)"/g)) {
        const s = m[1];
        const at = `${f}:${i + 1}`;
        if (C.codes.has(s) && !OWN_WORDS.test(f) && !NOT_A_CODE_USE.test(line)) {
          out.push(`${at}: "${s}" written as a literal: name it (codes.h)`);
        }
        else if (CODE_DIRS.includes(dir) && !C.codes.has(s) && /^[a-z]+(-[a-z0-9]+)*$/.test(s) &&
            !NOT_CODES.has(s) && !(dir === 'policy' && C.policy.has(s)) &&
            (s.includes('-') || CODE_CONTEXT.test(`${lines[i - 1] ?? ''}\n${line}`))) {
          out.push(`${at}: "${s}" looks like a new code: add it to codes.h and the unions`);
        }
      }
      for (const [name] of line.matchAll(/\bCODE_[A-Z0-9_]+\b/g)) {
        if (!C.names.has(name)) out.push(`${f}:${i + 1}: ${name} is not in codes.h`);
        else if (/^wasm\/call\//.test(f) && !C.causes.has(C.names.get(name))) {
          out.push(`${f}:${i + 1}: a call ends with ${name}, which is not a cause in codes.h`);
        }
      }
    });
  }
  for (const name of C.statusCodes) {
    if (!C.causes.has(C.names.get(name))) out.push(`codes.c: the status table's ${name} is not a cause`);
  }

  // the README says what the tables do
  const para = /`ended\.cause` is one stable string:([\s\S]*?)\n\n/.exec(src.readme)?.[1] ?? '';
  for (const { status, reg, name } of C.statuses) {
    const code = C.names.get(name);
    if (!new RegExp(`\`${code}\` (\\d{3}/)*${status}\\b`).test(para)) {
      out.push(`README's ended.cause table lacks ${status} -> \`${code}\``);
    }
    const regs = /a registration with ([^)]*?) from it/.exec(para)?.[1] ?? '';
    if (reg && !regs.includes(`\`${code}\``)) out.push(`README: a registration's ${status} is \`${code}\``);
  }
  const errorsSection = /### Error codes\n([\s\S]*?)\n### /.exec(src.readme)?.[1] ?? '';
  for (const c of errorCode) {
    if (!errorsSection.includes(`\`${c}\``) && !para.includes(`\`${c}\``) && !C.policy.has(c)) {
      out.push(`README's error codes lack \`${c}\``);
    }
  }
  return out;
}

describe('The stable codes: one spelling in C, the same in JS', () => {
  const src = sources();

  it('codes.h names the codes and the tables use them', () => {
    const C = cCodes(src);
    assert.ok(C.codes.size >= 30, `${C.codes.size} codes in codes.h: the extraction broke`);
    for (const known of ['busy', 'forbidden', 'invalid-state', 'not-initialized', 'credentials-needed']) {
      assert.ok(C.codes.has(known), `codes.h lacks ${known}`);
    }
    assert.ok(C.causes.has('forbidden') && !C.causes.has('bad-command'), 'the causes end where they should');
    assert.ok(C.statuses.length >= 15, `${C.statuses.length} rows in the status table`);
    assert.ok(C.policy.size >= 10 && C.policy.has('sdes-offered') && C.policy.has('too-large'),
      `${C.policy.size} policy reasons found: the extraction broke`);
  });

  it('403 is forbidden for a call and for a registration alike', () => {
    const rows = cCodes(src).statuses.filter((r) => r.status === 403);
    assert.deepEqual(rows, [{ status: 403, reg: true, name: 'CODE_FORBIDDEN' }]);
  });

  it('C and JS agree, C writes no code as a literal, and the README follows', () => {
    assert.deepEqual(problems(src), []);
  });
});

describe('The check fails when they drift', () => {
  const src = sources();
  const withFile = (p, edit) => ({ ...src, wasm: src.wasm.map(([f, t]) => [f, f === p ? edit(t) : t]) });
  const addCode = (line, before) => withFile('wasm/include/codes.h', (t) => t.replace(before, `${line}\n${before}`));

  it('a C code without the JS one', () => {
    const p = problems(addCode('#define CODE_NEW_THING\t\t"new-thing"', '#define CODE_TOO_LARGE'));
    assert.ok(p.includes('ErrorCode lacks "new-thing" (codes.h)'), p.join('\n'));
  });

  it('a C cause without the JS one', () => {
    const p = problems(addCode('#define CODE_NEW_END\t\t"new-end"', ERRORS_ONLY));
    assert.ok(p.includes('Cause lacks "new-end" (codes.h)'), p.join('\n'));
  });

  it('a JS code that nothing emits, and a code missing from a union', () => {
    const stale = problems({ ...src, dts: src.dts.replace('"recording-failed"', '"recording-failed" | "stale-code"') });
    assert.ok(stale.includes('ErrorCode has "stale-code": nothing emits it'), stale.join('\n'));
    const lost = problems({ ...src, dts: src.dts.replace('"forbidden" | ', '') });
    assert.ok(lost.includes('Cause lacks "forbidden" (codes.h)'), lost.join('\n'));
  });

  it('a code written as a literal, or a new one in a code context', () => {
    const known = problems(withFile('wasm/abi/callcmd.c', (t) => t.replace('CODE_BAD_COMMAND', '"bad-command"')));
    assert.ok(known.some((x) => /callcmd\.c:\d+: "bad-command" written as a literal/.test(x)), known.join('\n'));
    const fresh = problems(withFile('wasm/reg/reg.c', (t) => t.replace('CODE_CREDENTIALS_UNAVAILABLE', '"brand-new"')));
    assert.ok(fresh.some((x) => /reg\.c:\d+: "brand-new" looks like a new code/.test(x)), fresh.join('\n'));
  });

  it('a call ending with a code that is not a cause', () => {
    const p = problems(withFile('wasm/call/call.c', (t) => t.replace('end(call, CODE_LOCAL_HANGUP', 'end(call, CODE_INTERNAL')));
    assert.ok(p.some((x) => /call\.c:\d+: a call ends with CODE_INTERNAL/.test(x)), p.join('\n'));
  });

  it('a README that says something else than the table', () => {
    const p = problems({ ...src, readme: src.readme.replace('`forbidden` 403', '`forbidden` 401') });
    assert.ok(p.includes("README's ended.cause table lacks 403 -> `forbidden`"), p.join('\n'));
  });
});
