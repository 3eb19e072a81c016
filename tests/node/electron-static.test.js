// The desktop app's code as the tools see it: TypeScript's checker over the main process,
// preload and page against Electron's own declarations (the `electron` package is installed
// for them only, without its binary), and Electronegativity over web/electron/ with no
// finding. The checks Electronegativity skips are listed, each with the reason, in
// web/electron/electronegativity.json; one that stops firing must leave that list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './support/servers.js';

const require = createRequire(import.meta.url);
const APP = path.join(ROOT, 'web/electron');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/** tsc --checkJs --strict over @p files; returns its diagnostics */
function tsc(files, { lib, module = 'commonjs', types = ['node'] }) {
  const r = spawnSync(process.execPath, [TSC, '--noEmit', '--allowJs', '--checkJs', '--strict',
    '--target', 'es2022', '--lib', lib, '--module', module, '--moduleResolution', 'node',
    '--types', types.join(','), '--skipLibCheck', 'false', ...files],
  { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  return (r.stdout + r.stderr).trim();
}

describe('TypeScript checks the desktop app against Electron\'s declarations', () => {
  it('the main process, the preload and the packaging script: tsc --checkJs --strict, no error', () => {
    const files = [...fs.readdirSync(path.join(APP, 'main')).filter((f) => f.endsWith('.js')).map((f) => `web/electron/main/${f}`),
      'web/electron/preload/preload.js', 'web/electron/build/package.js', 'web/electron/desktop-api.d.ts'];
    assert.ok(files.includes('web/electron/main/app.js') && files.includes('web/electron/main/dial-link.js'));
    assert.ok(fs.existsSync(path.join(ROOT, 'node_modules/electron/electron.d.ts')), 'electron\'s declarations');
    assert.equal(tsc(files, { lib: 'es2022,dom' }), '');  // electron.d.ts names DOM types
  });

  it('the page: tsc --checkJs --strict with the DOM and the widget\'s declarations (dist/types), no error', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist/types/widget/sip-phone.d.ts')), 'make dist made the declarations');
    assert.equal(tsc(['web/electron/renderer/renderer.js'], { lib: 'es2022,dom' }), '');
  });

  it('a type error in the main process is caught (the check is not vacuous)', () => {
    fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    const tmp = path.join(ROOT, 'build', 'electron-typecheck-probe.js');
    fs.writeFileSync(tmp, "'use strict';\nconst { app } = require('electron');\napp.requestSingleInstanceLock(42, 43);\n");
    try {
      assert.match(tsc([tmp], { lib: 'es2022,dom' }), /error TS/);
    } finally {
      fs.rmSync(tmp);
    }
  });
});

/** Electronegativity's check classes: class name (what it excludes by) -> the id its findings carry */
function checkIds() {
  const dist = '@doyensec/electronegativity/dist/finder/checks';
  const { CHECKS } = require(`${dist}/AtomicChecks`);
  const { GLOBAL_CHECKS } = require(`${dist}/GlobalChecks`);
  const had = Object.hasOwn(globalThis, '__');
  // the checks' constructors translate their descriptions with the global __ its runner sets up
  if (!had) globalThis.__ = (/** @type {string} */ s) => s;
  try {
    return new Map([...CHECKS, ...GLOBAL_CHECKS].map((C) => [C.name, new C().id]));
  } finally {
    if (!had) delete globalThis.__;
  }
}

describe('Electronegativity over web/electron/', () => {
  it('finds nothing outside the reviewed exclusions, and every exclusion still fires', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(APP, 'electronegativity.json'), 'utf8'));
    const ids = checkIds();
    assert.ok(ids.size >= 40, `${ids.size} checks known`);
    for (const [name, why] of Object.entries(config.exclude)) {
      // an unknown name would make the runner exit the process
      assert.ok(ids.has(name), `${name}: not an Electronegativity check class`);
      assert.ok(typeof why === 'string' && why.length >= 40, `${name}: a written reason`);
    }
    const excluded = Object.keys(config.exclude);
    // the runner, not the CLI: the CLI needs the commander version npm happens to hoist
    const run = require('@doyensec/electronegativity/dist/runner.js');
    const scan = async (exclude) => {
      const log = console.log;
      console.log = () => {};  // its progress text
      try {
        return await run({ input: APP, isRelative: true, customScan: [], excludeFromScan: exclude,
          parserPlugins: [] }, false);
      } finally {
        console.log = log;
      }
    };
    const found = (r) => r.issues.map((i) => `${i.id} ${i.file}:${i.location.line} ${i.description}`);

    const strict = await scan(excluded);
    assert.deepEqual(strict.errors, [], 'every file parsed');
    assert.deepEqual(found(strict), []);
    assert.ok(strict.atomicChecks >= 30, `${strict.atomicChecks} checks ran`);

    // each exclusion is still needed (the network one only reports when online)
    const offline = 'AvailableSecurityFixesGlobalCheck';
    const all = await scan([offline]);
    const fired = new Set(all.issues.map((i) => i.id));
    for (const name of excluded.filter((x) => x !== offline)) {
      assert.ok(fired.has(ids.get(name)), `${name} no longer fires: remove it from electronegativity.json`);
    }
  });
});
