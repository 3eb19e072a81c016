// E2E: a user's page (tests/e2e/pages/bundled/) depending on the packed tarball, built by
// esbuild, Vite and webpack with their usual configuration, served as static files: each
// page finds its .wasm in the bundle's output and registers to Kamailio in Chromium. Vite and
// webpack also put call recording ('sipshield/record', imported on first use) in chunks of its
// own: the recorder's Worker, worklet and wasm, none of it in the page's entry chunk.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, freePort, startKamailio, USERS, REALM, within } from '../node/support/servers.js';
import { installPacked } from '../node/support/pack.js';
import { launchBrowser } from './support.js';

const APP = path.join(ROOT, 'tests/e2e/pages/bundled');
const BIN = path.join(ROOT, 'node_modules/.bin');
const T = 20000;

/** Build as a user would: the bundler's own command line, in the app's folder */
function bundle(dir, command, args) {
  return execFileSync(path.join(BIN, command), args, { cwd: dir, encoding: 'utf8', timeout: 120000,
    env: { ...process.env, NODE_PATH: '', NO_COLOR: '1' } });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Serve one folder of static files on 127.0.0.1 (a web host for the bundle's output) */
async function serveStatic(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html');
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** `vite` (the dev server) in the app's folder on 127.0.0.1, as a developer runs it */
async function startViteDev(dir) {
  const port = await freePort();
  const child = spawn(path.join(BIN, 'vite'), ['--config', 'vite.config.mjs', '--host', '127.0.0.1',
    '--port', String(port), '--strictPort'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: '', NO_COLOR: '1' } });
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`vite dev server not ready in 20 s:\n${log}`)), 20000);
    const seen = (d) => { log += d; if (log.includes(url)) { clearTimeout(t); resolve(); } };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`vite exited ${code}:\n${log}`)); });
  });
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(t); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

describe('A page bundled by esbuild, Vite and webpack registers to Kamailio in Chromium', { timeout: 180000 }, () => {
  let proj, kam, browser;
  /** @type {{ stop: () => Promise<void> }[]} */
  const servers = [];
  before(async () => {
    proj = installPacked('bundlers');
    fs.cpSync(APP, proj.dir, { recursive: true });
    kam = await startKamailio({ alg: 'SHA-256' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
    await kam?.stop();
    proj?.remove();
  });

  const account = () => ({ server: kam.url, uri: `sip:alice@${REALM}`, password: USERS.get('alice') });

  /**
   * Open the built page; return it with the .wasm responses it got.
   * @param {string | { url: string, stop: () => Promise<void> }} out the bundle's output
   *   folder, or a server already serving the page
   */
  async function open(out) {
    const web = typeof out === 'string' ? await serveStatic(out) : out;
    servers.push(web);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const wasm = [];
    page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status() }); });
    await page.goto(`${web.url}/`);
    await page.waitForFunction(() => 'sipshieldApp' in window, null, { timeout: T });
    return { page, errors, wasm, origin: web.url };
  }

  /** The .wasm the bundler wrote: the package's core, byte for byte, under a name of its own */
  function emittedWasm(out, { recorder = false } = {}) {
    const core = fs.readFileSync(path.join(proj.pkg, 'dist/sipshield-core.wasm'));
    const found = fs.readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.wasm'));
    assert.equal(found.length, recorder ? 2 : 1, `.wasm in ${path.basename(out)}: ${found}`);
    const cores = found.filter((f) => fs.readFileSync(path.join(out, f)).equals(core));
    assert.equal(cores.length, 1, 'one emitted .wasm is the core');
    return cores[0];
  }

  /**
   * Call recording in chunks of its own: the recorder wasm byte for byte, a Worker chunk with
   * the recorder's loader, the worklet (a file, or a data: URL Vite inlines), and nothing of
   * them in the entry chunk `entry`
   */
  function emittedRecorder(out, entry) {
    const files = fs.readdirSync(out, { recursive: true }).map(String);
    const recorder = fs.readFileSync(path.join(proj.pkg, 'dist/sipshield-recorder.wasm'));
    assert.equal(files.filter((f) => f.endsWith('.wasm') && fs.readFileSync(path.join(out, f)).equals(recorder)).length, 1,
      'the recorder wasm is emitted');
    const js = Object.fromEntries(files.filter((f) => f.endsWith('.js')).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
    const inlined = Object.values(js).flatMap((t) => [...t.matchAll(/data:text\/javascript;base64,([A-Za-z0-9+/=]+)/g)])
      .map(([, b64]) => Buffer.from(b64, 'base64').toString('utf8'));
    assert.ok(Object.values(js).some((t) => t.includes('rec_open') && !t.includes('AudioWorkletNode')), 'a Worker chunk with the recorder');
    assert.ok([...Object.values(js), ...inlined].some((t) => t.includes('registerProcessor(')), 'the worklet');
    assert.ok(!/rec_open|AudioWorkletNode|registerProcessor/.test(js[entry]), `the entry chunk ${entry} holds none of it`);
    return { inlinedWorklet: inlined.length > 0 };
  }

  async function registers({ page, errors, wasm, origin }, file, coreOptions) {
    const reply = await within(page.evaluate(([config, options]) => window.sipshieldApp.register(config, options),
      [account(), coreOptions]), T, 'register from the page');
    assert.ok(reply.expires > 0, `registered for ${reply.expires} s`);
    assert.deepEqual(wasm.filter((w) => w.status === 200).map((w) => w.url), [`${origin}/${file}`]);
    assert.deepEqual(errors, []);
    await page.close();
  }

  it('esbuild: the .wasm by the file loader, its URL passed as { wasmUrl }; without it, a clear core-failed', async () => {
    const out = path.join(proj.dir, 'out/esbuild');
    bundle(proj.dir, 'esbuild', ['main-esbuild.js', '--bundle', '--format=esm', '--loader:.wasm=file',
      `--outdir=${out}`, '--log-level=warning']);
    fs.copyFileSync(path.join(proj.dir, 'esbuild.html'), path.join(out, 'index.html'));
    const file = emittedWasm(out);
    const site = await open(out);
    // what a user who skipped the recipe sees: a typed error naming the fix; the page goes on
    const refused = await within(site.page.evaluate((config) => window.sipshieldApp.register(config)
      .then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message })), account()),
    T, 'register without { wasmUrl }');
    assert.equal(refused?.code, 'core-failed');
    assert.equal(refused.name, 'PhoneError');
    assert.match(refused.message, /could not fetch the wasm core from .*\{ wasmUrl \}/);
    assert.ok(!refused.message.includes(USERS.get('alice')));
    const wasmUrl = await site.page.evaluate(() => window.sipshieldApp.wasmUrl);
    assert.equal(wasmUrl, `./${file}`);
    site.wasm.length = 0;
    await registers(site, file, { wasmUrl });
  });

  it('Vite: vite build finds the .wasm by itself (new URL(..., import.meta.url))', async () => {
    const log = bundle(proj.dir, 'vite', ['build', '--config', 'vite.config.mjs']);
    assert.doesNotMatch(log, /warn/i, log);
    const out = path.join(proj.dir, 'out/vite');
    const file = emittedWasm(out, { recorder: true });
    assert.match(file, /^assets\/sipshield-core-[\w-]+\.wasm$/);
    const entry = fs.readdirSync(path.join(out, 'assets')).find((f) => /^index-.*\.js$/.test(f));
    // Vite inlines files under 4 KB as data: URLs, the worklet among them (README: a strict CSP
    // needs workletUrl or assetsInlineLimit)
    assert.deepEqual(emittedRecorder(out, `assets/${entry}`), { inlinedWorklet: true });
    await registers(await open(out), file);
  });

  it('Vite: the dev server serves the .wasm from the package as it is', async () => {
    const site = await open(await startViteDev(proj.dir));
    await registers(site, 'node_modules/sipshield/dist/sipshield-core.wasm');
  });

  it('webpack: webpack 5 finds the .wasm by itself (asset module), with no warning', async () => {
    const log = bundle(proj.dir, 'webpack', ['--config', 'webpack.config.cjs']);
    assert.match(log, /compiled successfully/, log);
    const out = path.join(proj.dir, 'out/webpack');
    fs.copyFileSync(path.join(proj.dir, 'webpack.html'), path.join(out, 'index.html'));
    const file = emittedWasm(out, { recorder: true });
    assert.deepEqual(emittedRecorder(out, 'main.js'), { inlinedWorklet: false });
    await registers(await open(out), file);
  });
});
