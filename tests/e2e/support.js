// E2E support: headless Debian Chromium driven by playwright-core, and the page server
// (tools/serve.js) on 127.0.0.1, both started and stopped by the tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, freePort } from '../node/support/servers.js';
import { createServer, demoUsers } from '../../tools/serve.js';
import { credentialsBackend } from '../../tools/credentials.js';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags that work on this kind of machine (see shared DESIGN.md). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--ignore-certificate-errors', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
  '--proxy-server=http://127.0.0.1:9',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
}

/** Serve web/, shim/, dist/ on 127.0.0.1; `config` becomes /demo-config.json. */
/**
 * One phone in its own browser context (with a microphone) on the page harness
 * (tests/e2e/pages/phone.html), opened with `config`: `do(fn, ...args)` runs window.sipPeer[fn],
 * `waitFor(name, ms, since)` waits for its event `name` (after event number `since`), `errors`
 * collects the page's uncaught errors.
 */
export async function openPhonePage(browser, webUrl, user, config) {
  const ctx = await browser.newContext({ permissions: ['microphone'] });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${webUrl}/tests/e2e/pages/phone.html`);
  await page.waitForFunction(() => window.sipPeer, null, { timeout: 10000 });
  await page.evaluate((cfg) => window.sipPeer.open(cfg), config);
  return { ctx, page, errors, user,
    do: (fn, ...args) => page.evaluate(([f, a]) => window.sipPeer[f](...a), [fn, args]),
    waitFor: (name, ms, since = 0) => page.evaluate(([n, m, s]) => window.sipPeer.waitFor(n, m, s),
      [name, ms, since]),
  };
}

export async function startPageServer(config = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'tools/serve.js'), String(port), JSON.stringify(config)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('page server did not start in 10 s')), 10000);
    child.stdout.on('data', (d) => { if (String(d).includes('serving on')) { clearTimeout(t); resolve(); } });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`page server exited ${code}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(t); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

/**
 * Bundle tests/e2e/pages/jssip-page.js with npm jssip (esbuild, IIFE for a classic <script>)
 * into build/e2e/jssip-page.js (+ .map), which tests/e2e/pages/jssip.html loads. Rebuilt at
 * each call (well under a second), written by rename so a concurrent run never serves half a
 * file; never committed.
 * @returns {Promise<string>} the page's path for the page server, '/tests/e2e/pages/jssip.html'
 */
export async function bundleJssipPage() {
  const esbuild = await import('esbuild');
  const outfile = path.join(ROOT, 'build/e2e/jssip-page.js');
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, 'tests/e2e/pages/jssip-page.js')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    sourcemap: 'linked',
    logLevel: 'error',
    write: false,
  });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  for (const f of r.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.contents);
    fs.renameSync(tmp, f.path);
  }
  return '/tests/e2e/pages/jssip.html';
}

/**
 * The page server (tools/serve.js) in this process with the site's credentials backend
 * (tools/credentials.js) mounted, as make demo runs it: `backend` is its live options (tests
 * set `down`, `secret`, `ttl`); `config` becomes /demo-config.json.
 * @param {{ secret: string, config?: object, uris?: string[], ttl?: number }} options
 */
export async function startSiteServer({ secret, config = {}, uris = [], ttl = 3600 }) {
  const backend = { secret, users: demoUsers(), uris, ttl, down: false };
  const server = createServer({ config: JSON.stringify(config), backend: credentialsBackend(backend) });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`, port, backend,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}
