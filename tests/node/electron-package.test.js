// Packaging the desktop app (web/electron/build/package.js): the fuse states, the staged app
// that installs the sipshield tarball `npm pack` makes (as users get it), the clear failure
// when Electron cannot be had, and a whole packaging run against a stand-in Electron zip (a
// file carrying a fuse wire, since the real Electron cannot be downloaded here) to see what
// goes into app.asar and which fuses end up flipped. Needs dist/ (make dist).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion, FuseState, getCurrentFuseWire } from '@electron/fuses';
import { ROOT } from './support/servers.js';

const require = createRequire(import.meta.url);
const { FUSES, APP_FILES, APP_NAME, PackageError, fuseConfig, electronBinary, electronVersion,
  packTarball, stageApp, packageApp } = require('../../web/electron/build/package.js');
const asar = require('@electron/asar');

const APP_DIR = path.join(ROOT, 'web/electron');
const PACK_TIMEOUT_MS = 180000;
const ELECTRON_VERSION = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'package.json'), 'utf8'))
  .devDependencies.electron;
const SIPSHIELD_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** The fuse sentinel Electron binaries carry (@electron/fuses' SENTINEL) */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A scratch folder, removed by the returned function */
function scratch(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipshield-${name}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An app folder like web/electron, with the files the other parts will add, plus a test and build/ */
function fixtureApp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(APP_DIR, 'package.json'), path.join(dir, 'package.json'));
  const files = {
    'main/main.js': "require('./app.js');\n", 'main/app.js': "require('sipshield');\n",
    'preload/preload.js': '\n', 'renderer/index.html': '<!doctype html>\n', 'icons/tray-offline.png': '\n',
    'tests/app.test.js': '\n', 'build/package.js': '\n', 'desktop-api.d.ts': '\n',
    'main/notes.d.ts': '\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('The desktop app\'s fuses', () => {
  it('have exactly the states the issue asks for', () => {
    assert.equal(FUSES[FuseV1Options.RunAsNode], false);
    assert.equal(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable], false);
    assert.equal(FUSES[FuseV1Options.EnableNodeCliInspectArguments], false);
    assert.equal(FUSES[FuseV1Options.OnlyLoadAppFromAsar], true);
    assert.equal(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], true);
    assert.equal(FUSES[FuseV1Options.EnableCookieEncryption], true);
    assert.equal(FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges], false);
  });

  it('state every fuse this @electron/fuses knows, the rest at Electron\'s defaults', () => {
    const options = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    assert.deepEqual(Object.keys(FUSES).map(Number).sort(), options.sort());
    assert.equal(FUSES[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot], false);
    assert.equal(FUSES[FuseV1Options.WasmTrapHandlers], true);
    assert.ok(Object.isFrozen(FUSES));
  });

  it('are flipped strictly, resetting the ad-hoc signature on darwin arm64 only', () => {
    assert.deepEqual(fuseConfig('linux', 'x64'),
      { version: FuseVersion.V1, strictlyRequireAllFuses: true, resetAdHocDarwinSignature: false, ...FUSES });
    assert.equal(fuseConfig('darwin', 'arm64').resetAdHocDarwinSignature, true);
    assert.equal(fuseConfig('darwin', 'universal').resetAdHocDarwinSignature, true);
    assert.equal(fuseConfig('darwin', 'x64').resetAdHocDarwinSignature, false);
    assert.equal(fuseConfig('win32', 'arm64').resetAdHocDarwinSignature, false);
  });

  it('are flipped in the binary packager made for each platform', () => {
    assert.equal(electronBinary('/o', 'linux'), path.join('/o', APP_NAME));
    assert.equal(electronBinary('/o', 'win32'), path.join('/o', `${APP_NAME}.exe`));
    assert.equal(electronBinary('/o', 'darwin'), path.join('/o', `${APP_NAME}.app`));
  });
});

describe('The app is staged with the sipshield package as users get it', () => {
  let work;
  let tarball;
  before(() => {
    work = scratch('electron-stage');
    tarball = packTarball(work.dir);
  }, { timeout: PACK_TIMEOUT_MS });
  after(() => work?.remove());

  it('installs the packed tarball: widget and core are those of dist/', { timeout: PACK_TIMEOUT_MS }, () => {
    const dir = path.join(work.dir, 'app');
    const staged = stageApp({ tarball, dir });
    assert.equal(staged.version, SIPSHIELD_VERSION);
    for (const file of ['dist/sipshield-widget.js', 'dist/sipshield-core.wasm']) {
      const installed = path.join(dir, 'node_modules/sipshield', file);
      assert.ok(fs.existsSync(installed), `${file} is installed`);
      assert.equal(sha256(installed), sha256(path.join(ROOT, file)), file);
    }
    assert.ok(!fs.lstatSync(path.join(dir, 'node_modules/sipshield')).isSymbolicLink(), 'a copy, not a link');
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules/sipshield/tests')), 'only what the tarball holds');

    const text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    const manifest = JSON.parse(text);
    assert.doesNotMatch(text, /file:/);
    assert.deepEqual(manifest.dependencies, { sipshield: SIPSHIELD_VERSION });
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(manifest.main, 'main/main.js');
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules/.package-lock.json')));
    assert.ok(!fs.existsSync(path.join(dir, 'package-lock.json')));

    const allowed = new Set([...APP_FILES, 'node_modules']);
    for (const entry of fs.readdirSync(dir)) {
      assert.ok(allowed.has(entry), `${entry} is not staged (only ${[...allowed]})`);
    }
  });

  it('copies only the app\'s files: no tests, build/ or declarations of the contract', { timeout: PACK_TIMEOUT_MS }, () => {
    const source = fixtureApp(path.join(work.dir, 'source'));
    const dir = path.join(work.dir, 'app2');
    stageApp({ tarball, dir, source });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['icons', 'main', 'node_modules', 'package.json', 'preload', 'renderer']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'main')).sort(), ['app.js', 'main.js', 'notes.d.ts']);
  });

  it('refuses a staging folder that is not empty', () => {
    const dir = path.join(work.dir, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'left-over'), '');
    assert.throws(() => stageApp({ tarball, dir }), (e) => e instanceof PackageError && e.code === 'bad-staging-dir');
  });

  it('reads the exact Electron version the app pins', () => {
    assert.match(ELECTRON_VERSION, /^[0-9]+\.[0-9]+\.[0-9]+$/);
    assert.equal(electronVersion(), ELECTRON_VERSION);
  });
});

describe('Without an Electron zip, packaging fails at once and says what to do', () => {
  let work;
  before(() => { work = scratch('electron-nozip'); });
  after(() => work?.remove());

  for (const [what, zipDir] of [['an empty zip folder', () => fs.mkdtempSync(path.join(work.dir, 'zips-'))],
    ['a zip folder that does not exist', () => path.join(work.dir, 'no-such-folder')]]) {
    it(`with ${what}`, { timeout: 10000 }, async () => {
      const out = path.join(work.dir, 'out');
      const started = Date.now();
      await assert.rejects(packageApp({ out, platform: 'linux', arch: 'x64', electronZipDir: zipDir(), quiet: true }),
        (e) => {
          assert.ok(e instanceof PackageError);
          assert.equal(e.code, 'no-electron');
          assert.match(e.message, new RegExp(`Electron ${ELECTRON_VERSION.replace(/\./g, '\\.')} for linux-x64`));
          assert.match(e.message, new RegExp(`electron-v${ELECTRON_VERSION}-linux-x64\\.zip`));
          assert.match(e.message, /electronZipDir \(--electron-zip-dir\)/);
          return true;
        });
      assert.ok(Date.now() - started < 5000, 'before staging anything');
      assert.ok(!fs.existsSync(out), 'nothing written');
    });
  }

  it('an unknown platform or arch is refused before anything is fetched', { timeout: 10000 }, async () => {
    for (const [platform, arch] of [['beos', 'x64'], ['linux', 'sparc'], ['mas', 'ia32']]) {
      await assert.rejects(packageApp({ out: path.join(work.dir, 'out'), platform, arch, quiet: true }),
        (e) => e instanceof PackageError && e.code === 'bad-target' && e.message.includes(`${platform}-${arch}`));
    }
  });

  it('the command line prints that message and exits 1', { timeout: 30000 }, () => {
    const r = spawnSync(process.execPath, [path.join(APP_DIR, 'build/package.js'), '--out', path.join(work.dir, 'cli-out'),
      '--platform', 'linux', '--arch', 'x64', '--electron-zip-dir', work.dir], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^package\.js: Could not get Electron .* has no electron-v.*-linux-x64\.zip/);
  });
});

describe('Packaging against a stand-in Electron zip', () => {
  it('has the zip command (tools/setup.sh installs it)', () => assert.ok(hasZip(), 'zip is missing'));

  let work;
  let tarball;
  let appPaths;
  before(async () => {
    work = scratch('electron-package');
    tarball = packTarball(work.dir);
    const zips = path.join(work.dir, 'zips');
    standInElectronZip(path.join(zips, `electron-v${ELECTRON_VERSION}-linux-x64.zip`), path.join(work.dir, 'electron'));
    appPaths = await packageApp({ out: path.join(work.dir, 'out'), platform: 'linux', arch: 'x64', electronZipDir: zips,
      tarball, source: fixtureApp(path.join(work.dir, 'source')), quiet: true });
  }, { timeout: PACK_TIMEOUT_MS });
  after(() => work?.remove());

  it('makes one app folder whose binary has every fuse as FUSES says', async () => {
    assert.deepEqual(appPaths, [path.join(work.dir, 'out', `${APP_NAME}-linux-x64`)]);
    const wire = await getCurrentFuseWire(path.join(appPaths[0], APP_NAME));
    for (const [option, on] of Object.entries(FUSES)) {
      assert.equal(wire[option], on ? FuseState.ENABLE : FuseState.DISABLE, FuseV1Options[option]);
    }
  });

  it('puts the app in app.asar only, with the package\'s runtime files and nothing else', () => {
    const resources = path.join(appPaths[0], 'resources');
    assert.deepEqual(fs.readdirSync(resources), ['app.asar'], 'no app/ folder, no default_app');
    const files = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false })
      .map((f) => f.split(path.sep).join('/'));
    for (const f of ['/package.json', '/main/main.js', '/main/app.js', '/preload/preload.js', '/renderer/index.html',
      '/node_modules/sipshield/package.json', '/node_modules/sipshield/LICENSE',
      '/node_modules/sipshield/dist/THIRD-PARTY-NOTICES.txt', '/node_modules/sipshield/dist/sipshield-widget.js',
      '/node_modules/sipshield/dist/sipshield-core.wasm', '/node_modules/sipshield/shim/index.js',
      '/node_modules/sipshield/web/widget/sip-phone.js', '/node_modules/sipshield/dist/cjs/index.cjs']) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    for (const f of files) {
      assert.doesNotMatch(f, /\.d\.c?ts$|\.map$|^\/tests|^\/build|^\/node_modules\/\.|sipshield-check|\/shim\/(cli|check)\.js$|package-lock/, f);
    }
    const manifest = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString());
    assert.deepEqual(manifest.dependencies, { sipshield: SIPSHIELD_VERSION });
    assert.equal(manifest.devDependencies, undefined);
  });

  it('a zip that is not one fails as no-electron, with the unzip error as cause', { timeout: PACK_TIMEOUT_MS }, async () => {
    const zips = path.join(work.dir, 'bad-zips');
    fs.mkdirSync(zips);
    fs.writeFileSync(path.join(zips, `electron-v${ELECTRON_VERSION}-linux-x64.zip`), 'not a zip');
    await assert.rejects(packageApp({ out: path.join(work.dir, 'bad-out'), platform: 'linux', arch: 'x64',
      electronZipDir: zips, tarball, source: fixtureApp(path.join(work.dir, 'source2')), quiet: true }),
    (e) => e instanceof PackageError && e.code === 'no-electron' && e.cause instanceof Error
      && e.message.includes(e.cause.message));
  });
});

function hasZip() {
  return spawnSync('zip', ['-v'], { stdio: 'ignore', timeout: 10000 }).status === 0;
}

/**
 * A zip laid out like Electron's for linux: an `electron` file carrying a fuse wire with
 * Electron's defaults (V1, nine fuses) and resources/default_app.asar.
 */
function standInElectronZip(zipPath, dir) {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const wire = Buffer.from('101100011');   // RunAsNode ... WasmTrapHandlers as Electron ships them
  fs.writeFileSync(path.join(dir, 'electron'), Buffer.concat([Buffer.alloc(64, 0x7f),
    Buffer.from(FUSE_SENTINEL), Buffer.from([1, wire.length]), wire, Buffer.alloc(64, 0x7f)]), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'resources/default_app.asar'), 'default app');
  fs.writeFileSync(path.join(dir, 'version'), ELECTRON_VERSION);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  const r = spawnSync('zip', ['-qr', zipPath, '.'], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
}
