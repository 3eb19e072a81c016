// The desktop app's app:// handler (web/electron/main/protocol.js) in plain Node: what it
// serves (an allowlist only), what it refuses (other hosts, methods, every path traversal
// spelling), the types, the security headers on every response, and the CSP it builds from
// account settings, valid and hostile.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './support/servers.js';

const require = createRequire(import.meta.url);
const { APP_SCHEME, APP_HOST, APP_ORIGIN, contentSecurityPolicy, createAppHandler } =
  require('../../web/electron/main/protocol.js');

const CSP = contentSecurityPolicy({ server: 'wss://pbx.example.com/ws', credentialsUrl: null, iceServersUrl: null });

/** The headers every response must carry, whatever its status */
function assertSecurityHeaders(res, csp = CSP) {
  assert.equal(res.headers.get('content-security-policy'), csp);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const pp = res.headers.get('permissions-policy');
  assert.match(pp, /(^|, )microphone=\(self\)(,|$)/);
  assert.match(pp, /(^|, )camera=\(self\)(,|$)/);
}

/** The directives of a CSP string, by name */
function directives(csp) {
  const map = new Map();
  for (const d of csp.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    assert.ok(!map.has(name), `directive ${name} appears twice in ${csp}`);
    map.set(name, values);
  }
  return map;
}

describe('app:// handler', () => {
  let dir, rendererDir, widgetDir, handle;
  const get = (p, init) => handle(new Request(`${APP_ORIGIN}${p}`, init));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-protocol-'));
    rendererDir = path.join(dir, 'renderer');
    widgetDir = path.join(dir, 'dist');
    fs.mkdirSync(path.join(rendererDir, 'sub'), { recursive: true });
    fs.mkdirSync(widgetDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>index</title>');
    fs.writeFileSync(path.join(rendererDir, 'renderer.js'), '/* renderer */');
    fs.writeFileSync(path.join(rendererDir, 'renderer.css'), '/* css */');
    fs.writeFileSync(path.join(rendererDir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(rendererDir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    // present but not servable: wrong type, hidden, in a subfolder, a link out of the folder
    fs.writeFileSync(path.join(rendererDir, 'notes.txt'), 'not served');
    fs.writeFileSync(path.join(rendererDir, 'renderer.js.map'), '{}');
    fs.writeFileSync(path.join(rendererDir, '.env.js'), 'SECRET');
    fs.writeFileSync(path.join(rendererDir, 'sub', 'deep.js'), 'deep');
    fs.writeFileSync(path.join(dir, 'outside.js'), 'OUTSIDE');
    fs.symlinkSync(path.join(dir, 'outside.js'), path.join(rendererDir, 'link.js'));
    fs.writeFileSync(path.join(widgetDir, 'sipshield-widget.js'), '/* widget */');
    fs.writeFileSync(path.join(widgetDir, 'sipshield-core.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    fs.writeFileSync(path.join(widgetDir, 'integrity.json'), '{}');
    fs.writeFileSync(path.join(widgetDir, 'index.js'), 'not the widget');
    handle = createAppHandler({ rendererDir, widgetDir, csp: CSP });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the scheme, host and origin', () => {
    assert.deepEqual([APP_SCHEME, APP_HOST, APP_ORIGIN], ['app', 'sipshield', 'app://sipshield']);
  });

  it('serves the renderer and the widget with their types', async () => {
    const cases = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>index</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>index</title>'],
      ['/renderer.js', 'text/javascript; charset=utf-8', '/* renderer */'],
      ['/renderer.css', 'text/css; charset=utf-8', '/* css */'],
      ['/icon.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['/sipshield-widget.js', 'text/javascript; charset=utf-8', '/* widget */'],
    ];
    for (const [p, type, body] of cases) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), type, p);
      assert.equal(await res.text(), body, p);
      assertSecurityHeaders(res);
    }
    const png = await get('/icon.png');
    assert.equal(png.headers.get('content-type'), 'image/png');
    const wasm = await get('/sipshield-core.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    assertSecurityHeaders(wasm);
  });

  it('ignores the query string', async () => {
    const res = await get('/renderer.js?v=1&x=../../etc/passwd#frag');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '/* renderer */');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/sipshield-widget.js', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await res.text(), '');
    assertSecurityHeaders(res);
  });

  it('serves nothing outside the allowlist', async () => {
    for (const p of ['/notes.txt', '/renderer.js.map', '/.env.js', '/sub/deep.js', '/sub/', '/link.js',
      '/outside.js', '/integrity.json', '/index.js', '/missing.js', '/RENDERER.JS', '/index.html/',
      '//index.html', '/renderer.js%20']) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assertSecurityHeaders(res);
      const body = await res.text();
      assert.ok(!/SECRET|OUTSIDE|deep|not served|not the widget/.test(body), `${p} leaked ${body}`);
    }
  });

  it('refuses every spelling of a path traversal', async () => {
    const attempts = [
      '/../outside.js', '/%2e%2e/outside.js', '/%2E%2E/outside.js', '/.%2e/outside.js',
      '/..%2foutside.js', '/..%2Foutside.js', '/%2e%2e%2foutside.js', '/..\\outside.js', '/%5c..%5coutside.js',
      '/..%5coutside.js', '/%252e%252e/outside.js', '/%252e%252e%252foutside.js', '/renderer.js%00.png',
      '/%00', '/index.html%00', '/sub/..%2f..%2foutside.js', '/..%c0%afoutside.js', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/sipshield-widget.js%2f..%2f..%2foutside.js', '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    ];
    for (const p of attempts) {
      const res = await get(p);
      // a URL the parser resolves back into the allowlist is that file; anything else is refused
      if (res.status === 200) {
        assert.notEqual(await res.text(), 'OUTSIDE', p);
        continue;
      }
      assert.equal(res.status, 404, p);
      assertSecurityHeaders(res);
      assert.ok(!/OUTSIDE|root:/.test(await res.text()), p);
    }
    // '..' segments resolved by URL parsing land on allowlisted names only
    assert.equal(await (await get('/sub/../renderer.js')).text(), '/* renderer */');
    assert.equal((await get('/%2e%2e/%2e%2e/etc/passwd')).status, 404);
  });

  it('answers only its own host', async () => {
    for (const url of ['app://other/index.html', 'app://SIPSHIELD/index.html', 'app://sipshield:8080/index.html',
      'app://user@sipshield/index.html', 'app://user:pw@sipshield/index.html', 'app://sipshield.evil.example/',
      'app:///index.html', 'https://sipshield/index.html', 'file:///index.html']) {
      // a WHATWG Request refuses user info in its URL; the handler reads only method and url
      const res = await handle(/user/.test(url) ? { method: 'GET', url } : new Request(url));
      assert.equal(res.status, 404, url);
      assertSecurityHeaders(res);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await get('/index.html', { method, ...(method === 'POST' || method === 'PUT' ? { body: 'x' } : {}) });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assertSecurityHeaders(res);
    }
  });

  it('reads the CSP per request when given a function, and falls back to the strict one', async () => {
    let account = null;
    const h = createAppHandler({ rendererDir, widgetDir, csp: () => contentSecurityPolicy(account) });
    const first = await h(new Request(`${APP_ORIGIN}/`));
    assert.deepEqual(directives(first.headers.get('content-security-policy')).get('connect-src'), ["'self'"]);
    account = { server: 'wss://pbx.example.com/ws' };
    const second = await h(new Request(`${APP_ORIGIN}/`));
    assert.deepEqual(directives(second.headers.get('content-security-policy')).get('connect-src'),
      ["'self'", 'wss://pbx.example.com']);
    for (const csp of [() => { throw new Error('settings unreadable'); }, () => '', () => "default-src 'none'\r\nX-Evil: 1"]) {
      const res = await createAppHandler({ rendererDir, widgetDir, csp })(new Request(`${APP_ORIGIN}/`));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-security-policy'), contentSecurityPolicy(null));
      assert.equal(res.headers.get('x-evil'), null);
    }
  });

  it('serves the real renderer folder and the built widget', { skip: !fs.existsSync(path.join(ROOT, 'dist/sipshield-widget.js')) && 'run make dist first' }, async () => {
    const h = createAppHandler({ rendererDir: path.join(ROOT, 'web/electron/renderer'), widgetDir: path.join(ROOT, 'dist'), csp: CSP });
    const index = await h(new Request(`${APP_ORIGIN}/`));
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.match(html, /<script src="\/sipshield-widget\.js"><\/script>/);
    for (const p of ['/renderer.js', '/renderer.css', '/sipshield-widget.js', '/sipshield-core.wasm']) {
      assert.equal((await h(new Request(`${APP_ORIGIN}${p}`))).status, 200, p);
    }
    assert.equal((await h(new Request(`${APP_ORIGIN}/integrity.json`))).status, 404);
  });
});

describe('the page CSP', () => {
  const STRICT = {
    'default-src': ["'none'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'style-src': ["'self'"],
    'media-src': ["'self'", 'blob:'],
    'img-src': ["'self'", 'data:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };

  function assertStrict(csp, connect) {
    const d = directives(csp);
    for (const [name, values] of Object.entries(STRICT)) assert.deepEqual(d.get(name), values, name);
    assert.deepEqual(d.get('connect-src'), connect);
    assert.deepEqual([...d.keys()].sort(), [...Object.keys(STRICT), 'connect-src'].sort());
    assert.ok(!/'unsafe-eval'|'unsafe-inline'|\*/.test(csp), csp);
  }

  it('allows only this app to connect when there is no account', () => {
    assertStrict(contentSecurityPolicy(null), ["'self'"]);
    assertStrict(contentSecurityPolicy(undefined), ["'self'"]);
    assertStrict(contentSecurityPolicy({}), ["'self'"]);
  });

  it('adds the server and the endpoints, as origins', () => {
    assertStrict(contentSecurityPolicy({
      server: 'wss://PBX.Example.com:7443/ws?x=1#y',
      credentialsUrl: 'https://id.example.com/sip-credentials?user=a',
      iceServersUrl: 'https://turn.example.com:8443/turn',
    }), ["'self'", 'wss://pbx.example.com:7443', 'https://id.example.com', 'https://turn.example.com:8443']);
    // the default port disappears, the same origin twice is listed once
    assertStrict(contentSecurityPolicy({
      server: 'wss://pbx.example.com:443/ws',
      credentialsUrl: 'https://api.example.com/sip', iceServersUrl: 'https://api.example.com/turn',
    }), ["'self'", 'wss://pbx.example.com', 'https://api.example.com']);
    // loopback http: for test backends
    assertStrict(contentSecurityPolicy({
      server: 'wss://127.0.0.1:5061', credentialsUrl: 'http://127.0.0.1:8080/c', iceServersUrl: 'http://localhost:9/t',
    }), ["'self'", 'wss://127.0.0.1:5061', 'http://127.0.0.1:8080', 'http://localhost:9']);
    // an IDN ends up as punycode
    assertStrict(contentSecurityPolicy({ server: 'wss://bücher.example/ws' }), ["'self'", 'wss://xn--bcher-kva.example']);
  });

  it('leaves out anything that is not a plain origin of the right scheme', () => {
    const hostile = [
      'wss://a.example;script-src *', 'wss://a.example;script-src/', 'wss://a.example%3bscript-src%20*/',
      "wss://a.example'unsafe-inline'/", 'wss://a.example,b.example/', 'ws://pbx.example.com/ws',
      'javascript:alert(1)', 'data:text/plain,x', 'https://pbx.example.com/', 'wss://*', 'wss://*.example.com/',
      'wss://user:pw@pbx.example.com/', 'wss://[::1]:5061/', 'wss://', 'pbx.example.com', '', ' ',
      "wss://pbx.example.com\n; script-src 'unsafe-inline'", 42, { toString: () => 'wss://x.example' }, null,
    ];
    for (const server of hostile) {
      assertStrict(contentSecurityPolicy({ server }), ["'self'"]);
    }
    const endpoints = [
      'http://evil.example/creds', 'http://127.0.0.2/c', 'ftp://x.example/', 'javascript:fetch(1)',
      'https://a.example;connect-src */', 'https://*.example/', 'https://u:p@id.example/', 'wss://id.example/',
      "https://id.example'/", 'file:///etc/passwd', 'blob:https://id.example/x',
    ];
    for (const url of endpoints) {
      assertStrict(contentSecurityPolicy({ credentialsUrl: url, iceServersUrl: url }), ["'self'"]);
    }
    // one bad value does not take the good ones with it
    assertStrict(contentSecurityPolicy({ server: 'wss://pbx.example.com/', credentialsUrl: 'http://evil.example/c',
      iceServersUrl: 'https://turn.example.com/' }), ["'self'", 'wss://pbx.example.com', 'https://turn.example.com']);
  });
});
