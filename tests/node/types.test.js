// The public types are complete: no `any` in what the entry points declare, and no internal
// reached. That every error code and end cause the C core can emit is in the `ErrorCode` and
// `Cause` unions is tests/node/codes.test.js (it reads wasm/include/codes.h). Needs `make dist`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { publicDeclarations, declarations } from '../../tools/api-report.js';

describe('Public types', () => {
  const decls = publicDeclarations();

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
});
