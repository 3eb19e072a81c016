// The C style check (tools/ccheck.js, STYLE.md section 4) catches each rule it names, and
// passes code written to them; make test runs it over the whole tree (tools/test.sh).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './support/servers.js';

function ccheck(source) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-ccheck-'));
  const file = path.join(dir, 'x.c');
  fs.writeFileSync(file, source);
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/ccheck.js'), file], { encoding: 'utf8', timeout: 20000 });
    return { status: r.status, rules: [...r.stdout.matchAll(/^[^:]+:\d+: ([a-z -]+):/gm)].map((m) => m[1]) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

it('passes C written to the rules: tabs, labels, literals that look like comments or hex', () => {
  const good = [
    '/* "wss://" and 0xFF in a comment are not code */',
    'static int f(const char *s)',
    '{',
    '\tint i, n = 0;',
    '',
    '\tfor (i = 0; s[i]; ++i)',
    '\t\tn += s[i] == \'/\';',
    '\tif (n > 2)',
    '\t\tgoto out;',
    '\telse',
    '\t\tn = 0x7f;',
    '',
    ' out:',
    '\treturn n + (int)sizeof("wss://a//b 0xFF");',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(ccheck(good), { status: 0, rules: [] });
});

it('names every rule it checks', () => {
  const bad = [
    'static int g(int x)',
    '{',
    '    int i;',                           // spaces
    '\tfor (i = 0; i < x; i++) {}',        // post-increment step
    '\tif(x) return 0xAB; // no',           // keyword space, hex, double-slash comment
    '\tif (x) {',
    '\t\treturn 1;',
    '\t} else {',                           // else on the brace's line
    '\t\treturn 2;',
    '\t}',
    '}',
    '',
  ].join('\n');
  const r = ccheck(bad);
  assert.equal(r.status, 1);
  assert.deepEqual(r.rules.sort(), ['comment', 'else', 'hex', 'keyword space', 'pre-increment', 'tabs'].sort());
});

it('holds a .c file under wasm/ to 900 lines, and others to 3000', () => {
  // a hidden folder: the build's wasm/*/*.c does not see it
  const dir = fs.mkdtempSync(path.join(ROOT, 'wasm', '.ccheck-'));
  const run = (file, n) => {
    fs.writeFileSync(file, 'static int x;\n'.repeat(n));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/ccheck.js'), file], { encoding: 'utf8', timeout: 20000 });
    return [r.status, [...r.stdout.matchAll(/^[^:]+:\d+: ([a-z -]+):/gm)].map((m) => m[1])];
  };
  try {
    assert.deepEqual(run(path.join(dir, 'x.c'), 899), [0, []]);
    assert.deepEqual(run(path.join(dir, 'x.c'), 901), [1, ['lines']]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-ccheck-'));
  try {
    assert.deepEqual(run(path.join(tmp, 'x.c'), 901), [0, []]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

it('holds a line to 79 columns, a tab counting to the next multiple of 8', () => {
  const line = (n) => `static int f(void)\n{\n\treturn ${'1+'.repeat(n)}1;\n}\n`;
  // a tab (8) + "return " (7) + the sum + ";" (1)
  assert.deepEqual(ccheck(line(31)), { status: 0, rules: [] });   // 8 + 7 + 63 + 1 = 79
  assert.deepEqual(ccheck(line(32)), { status: 1, rules: ['columns'] });
});
