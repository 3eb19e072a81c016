// A config error names the key at fault in the page core ("invalid-config: keepAlive") and says
// what the value must be in the debug core that logLevel 2 and up load (wasm/include/why.h): the
// sentences cost the page 0.25 KB. One process per core (a process loads one core).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './support/servers.js';

/** configs, each with one fault, and the key each must name */
const BAD = [
  [{ keepAlive: 5 }, 'keepAlive'],
  [{ failbackAfter: 5 }, 'failbackAfter'],
  [{ registerExpires: 10 }, 'registerExpires'],
  [{ reconnectAttempts: 101 }, 'reconnectAttempts'],
  [{ uri: 'alice' }, 'uri'],
  [{ privacy: 'none' }, 'privacy'],
  [{ instanceId: 'x' }, 'instanceId'],
  [{ displayName: 'a"b' }, 'displayName'],
  [{ minAlgorithm: 'SHA-1' }, 'minAlgorithm'],
  [{ password: null, ha1: { md5: 'zz' }, realm: 'r' }, 'ha1'],
  [{ password: null }, 'password'],
];

/** The messages of Phone.create() for each of BAD, in a process of its own at logLevel */
function messages(logLevel) {
  const script = `
    import { Phone } from ${JSON.stringify(path.join(ROOT, 'shim/index.js'))};
    const out = [];
    for (const c of ${JSON.stringify(BAD.map(([c]) => c))}) {
      const config = { server: 'wss://sip.example.com', uri: 'sip:alice@example.com', password: 'pw',
        WebSocket: class {}, ...c };
      for (const k of Object.keys(c)) if (c[k] === null) delete config[k];
      try { await Phone.create(config, { logLevel: ${logLevel}, log: () => {} }); out.push('created'); }
      catch (e) { out.push(e.message); }
    }
    console.log(JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))));
  });
}

describe('Config errors (wasm/include/why.h)', () => {
  it('the page core names the key at fault, nothing more', async () => {
    assert.deepEqual(await messages(0), BAD.map(([, key]) => `invalid-config: ${key}`));
  });

  it('the debug core (logLevel 2) says what the value must be', async () => {
    const got = await messages(2);
    BAD.forEach(([, key], i) => {
      assert.match(got[i], /^invalid-config: /, got[i]);
      assert.ok(got[i].length > `invalid-config: ${key}`.length + 10, `${key}: ${got[i]}`);
      assert.ok(got[i].includes(key === 'password' ? 'password' : key), `${key}: ${got[i]}`);
    });
    assert.match(got[0], /keepAlive 0 or 10\.\.3600/);
    assert.match(got[4], /uri must be sip:user@domain/);
  });
});
