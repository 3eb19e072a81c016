// The package from CommonJS: require('sipshield') resolves to dist/cjs/index.cjs and
// loads the same wasm core.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { ROOT } from './support/servers.js';

it('require() gives Phone and PhoneError, and the core refuses ws://', () => {
  // a fresh process: CommonJS only, resolving through package.json "exports"
  const script = `
    const { Phone, PhoneError } = require('sipshield');
    Phone.create({ server: 'ws://127.0.0.1', uri: 'sip:a@b.example', password: 'x', WebSocket: class {} })
      .then(() => { console.log('accepted'); process.exit(1); },
            (e) => { console.log(e instanceof PhoneError, e.code); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20000,
    env: { ...process.env, NODE_PATH: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'true insecure-transport');
});

it('the CommonJS entry is the one package.json names', () => {
  const require = createRequire(`${ROOT}/package.json`);
  assert.match(require.resolve('sipshield'), /dist\/cjs\/index\.cjs$/);
});

it('require(\'sipshield/check\').checkSdp() reaches a core from either bundle', () => {
  // two bundles, two copies of the shim's modules: the commands must still reach the core
  const script = `
    const { loadCore, PhoneError } = require('sipshield');
    const { checkSdp, loadCheckCore } = require('sipshield/check');
    (async () => {
      const core = await loadCheckCore();
      const bad = checkSdp(core, 'v=0\\r\\n');
      const huge = checkSdp(core, 'v=0\\r\\n' + 'a=x\\r\\n'.repeat(70000));
      let typed = false, page = false;
      try { checkSdp(core, 'v=0', { direction: 'sideways' }); }
      catch (e) { typed = e instanceof PhoneError && e.code === 'invalid-argument'; }
      // the page core (require('sipshield')) has no sdp.check: a typed answer, not a hang
      try { checkSdp(await loadCore(), 'v=0\\r\\n'); }
      catch (e) { page = e instanceof PhoneError && e.code === 'bad-command'; }
      console.log(JSON.stringify([bad.ok, bad.reason, huge.reason, typeof bad.detail, typed, page]));
    })().catch((e) => { console.log(e.message); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20000,
    env: { ...process.env, NODE_PATH: '' } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [false, 'malformed-sdp', 'too-large', 'string', true, true]);
});
