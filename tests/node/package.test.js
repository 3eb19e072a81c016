// The npm package as a user gets it: the tarball `npm pack` makes, installed into a scratch
// project (tests/node/support/pack.js), never the work tree. What is in it, what publint
// and arethetypeswrong say, Node ESM and CommonJS, TypeScript consumers, licenses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/servers.js';
import { installPacked, tarballFiles } from './support/pack.js';

/**
 * Everything the tarball may hold, as globs (`*` stays within a folder). A file that
 * matches none fails the test (tests, build/, tools/, C sources, fuzz, vectors never
 * ship); an entry that matches nothing fails too. New shipped files join here.
 */
const PACKAGE_FILES = [
  'package.json', 'README.md', 'LICENSE', 'SECURITY.md',
  'shim/*.js',                    // the ES modules: 'sipshield', 'sipshield/check', the CLI
  'check/package.json',           // 'sipshield/check' for resolvers without "exports"
  'record/package.json',          // 'sipshield/record' for resolvers without "exports"
  'dist/sipshield-core.wasm',     // the page core
  'dist/sipshield-core-debug.wasm', // the page core with every log level (logLevel 3, 4)
  'dist/sipshield-check.wasm',    // the check build (CLI, 'sipshield/check')
  'dist/sipshield-recorder.wasm', // call recording, loaded when one starts (shim/recorder-core.js)
  'dist/THIRD-PARTY-NOTICES.txt', // licenses of what the wasm links (tools/notices.sh)
  'dist/types/*.d.ts',            // declarations for import
  'dist/cjs/*.cjs',               // the CommonJS bundles for require
  'dist/cjs/*.d.cts',             // declarations for require
  'web/widget/*.js',              // 'sipshield/widget': the <sip-phone> element (ES modules)
  'widget/package.json',          // 'sipshield/widget' for resolvers without "exports"
  'dist/cjs/widget/*.d.cts',      // its declarations for require
  'dist/types/widget/*.d.ts',     // its declarations for import
  'dist/sipshield-widget.js',     // the script-tag build of <sip-phone> (tools/widget.js)
  'dist/integrity.json',          // sha384 of that script and of the core, for integrity=
  'dist/sipshield-record*.js',    // the recorder's files the script imports when a recording starts
];

const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const PUBLINT = path.join(ROOT, 'node_modules/publint/src/cli.js');
const ATTW = path.join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');

/** A minimal valid SIP request, for the check build */
const OPTIONS_REQUEST = ['OPTIONS sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'From: <sip:a@example.com>;tag=1',
  'To: <sip:bob@example.com>', 'Call-ID: pack-test', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70',
  'Content-Length: 0', '', ''].join('\r\n');

/** Run node with `args` in `cwd`; the scratch project, not the work tree, resolves imports */
function node(args, cwd, input) {
  const r = spawnSync(process.execPath, args, { cwd, input, encoding: 'utf8', timeout: 60000,
    env: { ...process.env, NODE_PATH: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

function globRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

describe('The npm package as a user installs it', () => {
  let proj;
  before(() => { proj = installPacked('pkg'); });
  after(() => proj?.remove());

  it('holds only what a user needs: every file on the allowlist, every entry present', () => {
    const files = tarballFiles(proj.tarball);
    const globs = PACKAGE_FILES.map((g) => [g, globRegExp(g)]);
    const unexpected = files.filter((f) => !globs.some(([, re]) => re.test(f)));
    assert.deepEqual(unexpected, [], 'files in the tarball that no PACKAGE_FILES entry allows');
    const missing = globs.filter(([, re]) => !files.some((f) => re.test(f))).map(([g]) => g);
    assert.deepEqual(missing, [], 'PACKAGE_FILES entries with no file in the tarball');
  });

  it('publint reports nothing, suggestions included', () => {
    const r = node([PUBLINT, 'run', proj.tarball, '--level', 'suggestion', '--strict'], proj.dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /All good!/);
  });

  it('arethetypeswrong finds no problem in any JavaScript entry point, node10 to bundler', () => {
    // ./wasm, ./wasm-check and ./wasm-recorder are the .wasm files themselves (for bundlers' asset handling):
    // not modules, so there are no types to resolve for them
    const assets = Object.entries(JSON.parse(fs.readFileSync(path.join(proj.pkg, 'package.json'), 'utf8')).exports)
      .filter(([, target]) => typeof target === 'string' && target.endsWith('.wasm')).map(([sub]) => sub);
    assert.deepEqual(assets, ['./wasm', './wasm-check', './wasm-recorder']);
    const r = node([ATTW, proj.tarball, '--format', 'json', '--profile', 'strict',
      '--exclude-entrypoints', ...assets], proj.dir);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.analysis.problems, [], r.stdout);
    assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), ['.', './check', './package.json', './record', './widget']);
    for (const sub of ['.', './check', './record']) {
      const { resolutions } = report.analysis.entrypoints[sub];
      assert.deepEqual(Object.keys(resolutions).sort(), ['bundler', 'node10', 'node16-cjs', 'node16-esm']);
      // require() gets CommonJS declarations, import gets ES module ones
      assert.match(resolutions['node16-cjs'].resolution.fileName, /\/dist\/cjs\/[a-z]+\.d\.cts$/);
      assert.match(resolutions['node16-esm'].resolution.fileName, /\/dist\/types\/[a-z]+\.d\.ts$/);
      assert.match(resolutions.node10.resolution.fileName, /\.d\.cts$/);
    }
    assert.equal(r.status, 0, r.out);
  });

  it('import from an ES module loads the wasm core: ws:// is refused by the core', () => {
    const r = node(['--input-type=module', '-e', `
      import { Phone, PhoneError } from 'sipshield';
      const ws = { server: 'ws://127.0.0.1', uri: 'sip:a@b.example', password: 'x', WebSocket: class {} };
      await Phone.create(ws).then(() => console.log('accepted'), (e) => console.log(e instanceof PhoneError, e.code));
    `], proj.dir);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.stdout.trim(), 'true insecure-transport');
  });

  it('require from CommonJS loads the wasm core: ws:// is refused by the core', () => {
    const r = node(['-e', `
      const { Phone, PhoneError } = require('sipshield');
      const ws = { server: 'ws://127.0.0.1', uri: 'sip:a@b.example', password: 'x', WebSocket: class {} };
      Phone.create(ws).then(() => console.log('accepted'), (e) => console.log(e instanceof PhoneError, e.code));
    `], proj.dir);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.stdout.trim(), 'true insecure-transport');
    assert.match(node(['-p', 'require.resolve("sipshield")'], proj.dir).stdout, /dist\/cjs\/index\.cjs$/m);
  });

  for (const [kind, load] of [
    ['import', `const { loadSipCheck, checkSdp, loadCheckCore } = await import('sipshield/check');`],
    ['require', `const { loadSipCheck, checkSdp, loadCheckCore } = require('sipshield/check');`],
  ]) {
    it(`sipshield/check by ${kind}: the check build reports and gives SDP verdicts, errors are PhoneError`, () => {
      const r = node([kind === 'import' ? '--input-type=module' : '--input-type=commonjs', '-e', `
        (async () => {
          ${load}
          const checkSip = await loadSipCheck();
          const report = checkSip(new TextEncoder().encode(${JSON.stringify(OPTIONS_REQUEST)}));
          const sdp = checkSdp(await loadCheckCore(), 'v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\ns=-\\r\\nt=0 0\\r\\n'
            + 'm=audio 9 RTP/AVP 0\\r\\nc=IN IP4 0.0.0.0\\r\\n');
          // one PhoneError class for both entry points, as a catch block expects
          const { PhoneError } = ${kind === 'import' ? "await import('sipshield')" : "require('sipshield')"};
          const missing = await loadSipCheck({ wasmUrl: 'file:///nonexistent/sipshield-check.wasm' })
            .then(() => 'loaded', (e) => e instanceof PhoneError && e.code);
          console.log(JSON.stringify([report.ok, report.method, sdp.reason, missing]));
        })();
      `], proj.dir);
      assert.equal(r.status, 0, r.out);
      assert.deepEqual(JSON.parse(r.stdout), [true, 'OPTIONS', 'plain-rtp', 'core-failed']);
      if (kind === 'require') {
        assert.match(node(['-p', 'require.resolve("sipshield/check")'], proj.dir).stdout, /dist\/cjs\/check\.cjs$/m);
      }
    });
  }

  for (const kind of ['import', 'require']) {
    it(`sipshield/record by ${kind}: call.record() says what to import until it is imported, then checks its options`, () => {
      const load = kind === 'import' ? "await import('sipshield/record')" : "require('sipshield/record')";
      const main = kind === 'import' ? "await import('sipshield')" : "require('sipshield')";
      const r = node([kind === 'import' ? '--input-type=module' : '--input-type=commonjs', '-e', `
        (async () => {
          const { Call, PhoneError } = ${main};
          const call = { state: 'ended', recording: null, peerConnection: null, remoteStream: null };
          const attempt = (o) => Call.prototype.record.call(call, o)
            .then(() => 'recorded', (e) => (e instanceof PhoneError) + ' ' + e.code);
          const before = await attempt({ key: new Uint8Array(32) });
          const { configureRecording } = ${load};
          console.log(JSON.stringify([before, await attempt({}), await attempt({ key: new Uint8Array(32) }),
            typeof configureRecording]));
        })();
      `], proj.dir);
      assert.equal(r.status, 0, r.out);
      assert.deepEqual(JSON.parse(r.stdout), ['true recording-unavailable', 'true invalid-argument',
        'true invalid-state', 'function']);
      if (kind === 'require') {
        assert.match(node(['-p', 'require.resolve("sipshield/record")'], proj.dir).stdout, /dist\/cjs\/record\.cjs$/m);
      }
    });
  }

  it('the sipshield command runs from node_modules/.bin', () => {
    const r = spawnSync(path.join(proj.dir, 'node_modules/.bin/sipshield'), ['check-sip', '-'],
      { cwd: proj.dir, input: OPTIONS_REQUEST, encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).method, 'OPTIONS');
  });

  describe('a TypeScript consumer compiles under --strict', () => {
    const consumer = `
      import { Phone, PhoneError, Call } from 'sipshield';
      import { loadSipCheck, checkSdp, loadCheckCore } from 'sipshield/check';
      import { configureRecording } from 'sipshield/record';

      export async function refusal(): Promise<string> {
        try {
          await Phone.create({ server: 'ws://127.0.0.1', uri: 'sip:a@b.example', password: 'x' });
          return 'accepted';
        } catch (e) {
          if (e instanceof PhoneError) return e.code;
          throw e;
        }
      }
      export async function check(bytes: Uint8Array): Promise<Record<string, unknown>> {
        return (await loadSipCheck())(bytes);
      }
      export async function verdict(sdp: string): Promise<boolean> {
        return checkSdp(await loadCheckCore(), sdp).ok;
      }
      export async function record(call: Call): Promise<Blob> {
        configureRecording({ workerUrl: '/record-worker.js' });
        const rec = await call.record({ recipient: 'sipshield-x25519-v1:...', bitrate: 24000 });
        rec.on('data', (chunk: Uint8Array) => void chunk.length);
        call.on('recording', ({ state }) => void state);
        return rec.stop();
      }
      // @ts-expect-error the server URL is a string: the declarations are real, not any
      export const wrong = Phone.create({ server: 42, uri: 'sip:a@b.example' });
    `;
    const compilerOptions = { strict: true, target: 'es2022', lib: ['es2022', 'dom'], types: [],
      noEmit: true, skipLibCheck: false };

    function tsc(name, options, files) {
      for (const f of files) fs.writeFileSync(path.join(proj.dir, f), consumer);
      const config = path.join(proj.dir, `tsconfig.${name}.json`);
      fs.writeFileSync(config, JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }));
      const r = node([TSC, '-p', config, '--traceResolution'], proj.dir);
      assert.equal(r.status, 0, r.out.split('\n').filter((l) => /error TS/.test(l)).join('\n'));
      // what each import resolved to, consumer file by consumer file
      return [...r.stdout.matchAll(/Module name '(sipshield[^']*)' was successfully resolved to '([^']+)'/g)]
        .map(([, spec, file]) => `${spec} -> ${path.relative(proj.pkg, file)}`);
    }

    it('moduleResolution node16: an ES module (.mts) and a CommonJS module (.cts)', () => {
      const resolved = tsc('node16', { module: 'node16', moduleResolution: 'node16' },
        ['consumer.mts', 'consumer.cts']);
      assert.deepEqual(resolved.sort(), [
        'sipshield -> dist/cjs/index.d.cts', 'sipshield -> dist/types/index.d.ts',
        'sipshield/check -> dist/cjs/check.d.cts', 'sipshield/check -> dist/types/check.d.ts',
        'sipshield/record -> dist/cjs/record.d.cts', 'sipshield/record -> dist/types/record.d.ts',
      ]);
    });

    it('moduleResolution bundler', () => {
      const resolved = tsc('bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['consumer.ts']);
      assert.deepEqual(resolved.sort(), ['sipshield -> dist/types/index.d.ts',
        'sipshield/check -> dist/types/check.d.ts', 'sipshield/record -> dist/types/record.d.ts']);
    });
  });

  it('ships the BSD-3-Clause LICENSE and the notices of each pinned dependency, license text included', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(proj.pkg, 'package.json'), 'utf8'));
    assert.equal(manifest.license, 'BSD-3-Clause');
    const license = fs.readFileSync(path.join(proj.pkg, 'LICENSE'), 'utf8');
    assert.match(license, /^BSD 3-Clause License\n\nCopyright \(c\) 2026 The sipshield authors\n/);
    assert.match(license, /Neither the name of the copyright holder/);

    const notices = fs.readFileSync(path.join(proj.pkg, 'dist/THIRD-PARTY-NOTICES.txt'), 'utf8');
    const pins = fs.readFileSync(path.join(ROOT, 'tools/deps.pins'), 'utf8').split('\n')
      .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(pins.map(([name]) => name), ['libre', 'mbedtls', 'opus']);
    for (const [name, debver, orig, sha256, spdx, file] of pins) {
      const version = debver.replace(/-[^-]+$/, '');
      assert.ok(notices.includes(`\n${name} ${version} (${spdx})\n`), `${name} ${version} named`);
      assert.ok(notices.includes(`sha256 of ${orig}: ${sha256}`), `${name}: the orig tarball's sha256`);
      const text = fs.readFileSync(path.join(ROOT, 'build/src', name, file), 'utf8');
      assert.ok(notices.includes(text), `${name}: ${file} in full`);
    }
    assert.match(notices, /Redistribution and use in source and binary forms/);   // libre, BSD
    assert.match(notices, /Apache License\s+Version 2\.0, January 2004/);          // mbedTLS
    assert.match(notices, /Copyright 2001-2011 Xiph\.Org, Skype Limited/);          // Opus (recorder)
    assert.match(notices, /\nmusl as in Emscripten [0-9.]+ \(MIT\)\n/);             // the C library
  });

  it('SECURITY.md points only at files and C tests that exist', () => {
    const text = fs.readFileSync(path.join(proj.pkg, 'SECURITY.md'), 'utf8');
    const paths = [...text.matchAll(/`((?:wasm|shim|tests|tools|web)\/[^`\s]*)`/g)].map(([, p]) => p);
    assert.ok(paths.length >= 20, `${paths.length} paths`);
    assert.deepEqual(paths.filter((p) => !fs.existsSync(path.join(ROOT, p))), []);
    const cTests = fs.readdirSync(path.join(ROOT, 'tests/c')).filter((f) => f.endsWith('.c'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'tests/c', f), 'utf8')).join('\n');
    const names = [...text.matchAll(/`(test_[a-z0-9_]+)`/g)].map(([, n]) => n);
    assert.deepEqual(names.filter((n) => !cTests.includes(`int ${n}(void)`)), []);
  });
});
