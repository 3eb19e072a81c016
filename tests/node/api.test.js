// The API report (shim/api.md) is the public API as tsc declares it: a
// change to the API must show in review, so the committed report has to
// match the declarations `make dist` emits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { apiReport } from '../../tools/api-report.js';

describe('API report', () => {
  it('shim/api.md matches the declarations in dist/types', () => {
    const committed = fs.readFileSync(new URL('../../shim/api.md', import.meta.url), 'utf8');
    const current = apiReport();
    assert.ok(current.includes('export class Phone'), 'the report lists Phone');
    assert.ok(current.includes('export function loadSipCheck'), 'and sipshield/check');
    assert.equal(committed, current,
      'the public API changed: review it, then run `node tools/api-report.js --write`');
  });

  it('shows no internals: the core\'s messages, the wasm module, what Phone, Call and Core pass each other', () => {
    const report = apiReport();
    for (const name of ['## abi.js', '## wasm.js', '## internal.js', 'CoreCommand', 'CoreReply', 'CoreEvent',
      'ReplyTo', 'CoreModule', 'instantiateCore', 'sp_cmd', 'onCoreEvent', 'whenSent', 'attach(', 'detach(',
      'callEvent', 'cmd(']) {
      assert.ok(!report.includes(name), `${name} is in the API report`);
    }
    // Call and Core are made by the shim only
    assert.equal([...report.matchAll(/private constructor\(\);/g)].length, 3, 'Call, Core and Recording');
  });
});
