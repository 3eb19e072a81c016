// The desktop app's main process and preload (web/electron/), one describe per item of the
// issue's checklist, run against a recording stand-in for the `electron` module
// (support/fake-electron.js): what each handler answers for the app origin, another origin, a
// sub-frame, a file: URL, a navigation, a popup, an IPC call from a wrong frame, the basic_text
// keyring. The real Electron binary cannot run here; the page itself runs in Chromium in
// tests/e2e/electron-renderer.test.js.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { ROOT } from './support/servers.js';
import { fakeElectron, fakeEvent, removeFakeDirs, APP_PAGE } from './support/fake-electron.js';

const require = createRequire(import.meta.url);
const APP_DIR = path.join(ROOT, 'web/electron');
const { startApp, CHANNELS } = require(path.join(APP_DIR, 'main/app.js'));

const ACCOUNT = {
  server: 'wss://pbx.example.com:8443/ws', uri: 'sip:alice@example.com', displayName: 'Alice',
  privacy: 'mdns', username: 'alice', password: 'correct horse battery staple',
};

after(removeFakeDirs);

/** A started app with its fake Electron, the window ready */
async function started(fakeOptions = {}, appOptions = {}) {
  const fake = fakeElectron(fakeOptions);
  const app = startApp(fake.electron, { appDir: APP_DIR, widgetDir: path.join(ROOT, 'dist'),
    argv: ['electron', '.'], defaultApp: false, quitUnregisterMs: 200, ...appOptions });
  if (app) await app.ready;
  return { fake, app };
}

/** Let promise callbacks (dialogs, IPC) run */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('1. Loading: app:// only, with the strict CSP', () => {
  it('registers app: as a privileged standard, secure scheme before ready, and serves the page through it', async () => {
    const { fake } = await started();
    assert.equal(fake.rec.privilegedBeforeReady, true);
    assert.deepEqual(fake.rec.privileged, [{ scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    assert.equal(fake.rec.sandbox, true, 'app.enableSandbox()');
    assert.ok(fake.rec.handlers.has('app'), 'protocol.handle(app)');
    assert.equal(fake.win().url, APP_PAGE, 'the window loads app://sipshield/index.html');
    assert.ok(!/^file:/.test(fake.win().url));
  });

  it('every response carries the CSP, connect-src only the configured server and credentials endpoint', async () => {
    const { fake } = await started();
    const handler = fake.rec.handlers.get('app');
    const before = (await handler(new Request(`${APP_PAGE}`))).headers.get('content-security-policy');
    assert.match(before, /connect-src 'self'(;|$)/, 'no account: nothing but the app itself');
    const saved = await fake.invoke(CHANNELS.saveAccount, 'app',
      { ...ACCOUNT, password: null, credentialsUrl: 'https://login.example.com/sip-credentials?x=1' });
    assert.equal(saved.ok, true, saved.reason);
    for (const p of ['/index.html', '/sipshield-widget.js', '/sipshield-core.wasm', '/nonexistent']) {
      const res = await handler(new Request(`app://sipshield${p}`));
      const csp = res.headers.get('content-security-policy');
      assert.ok(csp, `CSP on ${p} (${res.status})`);
      const connect = /connect-src ([^;]*)/.exec(csp)[1].trim().split(/\s+/);
      assert.deepEqual(connect.sort(), ["'self'", 'https://login.example.com', 'wss://pbx.example.com:8443'].sort());
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
      assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
    }
  });
});

describe('2. Renderer isolation and IPC', () => {
  it('the window: contextIsolation, sandbox, webSecurity on; nodeIntegration, webviewTag off; our preload', async () => {
    const { fake } = await started();
    const wp = fake.win().options.webPreferences;
    assert.equal(wp.contextIsolation, true);
    assert.equal(wp.sandbox, true);
    assert.equal(wp.webSecurity, true);
    assert.equal(wp.nodeIntegration, false);
    assert.equal(wp.nodeIntegrationInSubFrames, false);
    assert.equal(wp.nodeIntegrationInWorker, false);
    assert.equal(wp.webviewTag, false);
    assert.equal(wp.allowRunningInsecureContent, false);
    assert.equal(wp.experimentalFeatures, false);
    assert.equal(wp.preload, path.join(APP_DIR, 'preload/preload.js'));
  });

  it('the preload exposes one frozen object of functions; a listener gets the command, never the IPC event', () => {
    const fake = fakeElectron();
    const source = fs.readFileSync(path.join(APP_DIR, 'preload/preload.js'), 'utf8');
    const mod = { exports: {} };
    vm.runInNewContext(source, { module: mod, exports: mod.exports, TypeError,
      require: (name) => {
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return fake.electron;
      } });
    assert.equal(fake.rec.exposed.length, 1);
    const [{ name, api }] = fake.rec.exposed;
    assert.equal(name, 'sipshieldDesktop');
    assert.ok(Object.isFrozen(api));
    assert.deepEqual(Object.keys(api).sort(), ['account', 'clearAccount', 'credentials', 'notifyIncoming',
      'onCommand', 'quitReady', 'reportState', 'saveAccount']);
    for (const v of Object.values(api)) assert.equal(typeof v, 'function');
    // every channel the preload uses is one app.js handles, and the other way round
    const used = new Set([...source.matchAll(/'(desktop:[a-z-]+)'/g)].map((m) => m[1]));
    assert.deepEqual([...used].sort(), Object.values(CHANNELS).sort());
    const got = [];
    const off = api.onCommand((c) => got.push(c));
    const relay = fake.rec.rendererListeners.get(CHANNELS.command)[0];
    relay({ sender: fake.electron.ipcRenderer }, { type: 'answer' });
    assert.deepEqual(got, [{ type: 'answer' }]);
    off();
    assert.equal(fake.rec.rendererListeners.get(CHANNELS.command).length, 0);
    assert.throws(() => api.onCommand('not a function'), TypeError);
    api.credentials('expired');
    assert.deepEqual(fake.rec.invoked.at(-1), { channel: CHANNELS.credentials, args: ['expired'] });
  });

  it('every IPC handler refuses a sub-frame, another origin, another window and a missing frame', async () => {
    const { fake } = await started();
    assert.deepEqual([...fake.rec.ipcHandle.keys()].sort(),
      [CHANNELS.account, CHANNELS.clearAccount, CHANNELS.credentials, CHANNELS.saveAccount].sort());
    for (const channel of fake.rec.ipcHandle.keys()) {
      for (const from of ['subframe', 'other-origin', 'other-window', 'no-frame']) {
        await assert.rejects(fake.invoke(channel, from, ACCOUNT), /refused/, `${channel} from ${from}`);
      }
    }
    assert.equal(fake.rec.dialogs.length, 0);
    // the app's own top frame is answered
    assert.equal(await fake.invoke(CHANNELS.account, 'app'), null);
    // sends from a wrong frame change nothing
    fake.send(CHANNELS.state, 'subframe', { registration: 'registered', call: 'active' });
    fake.send(CHANNELS.incoming, 'other-origin', { from: 'sip:mallory@evil.example', displayName: null });
    assert.equal(fake.rec.blockers.length, 0);
    assert.equal(fake.rec.notifications.length, 0);
  });

  it('arguments are checked: a bad reason, state or caller is refused or ignored', async () => {
    const { fake, app } = await started();
    await assert.rejects(fake.invoke(CHANNELS.credentials, 'app', 'please'), /refused/);
    await assert.rejects(fake.invoke(CHANNELS.credentials, 'app', { reason: 'missing' }), /refused/);
    assert.deepEqual(await fake.invoke(CHANNELS.saveAccount, 'app', 'x'), { ok: false, reason: 'settings must be an object' });
    assert.match((await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, server: 'ws://pbx.example.com/ws' })).reason,
      /only wss/);
    for (const bad of [null, 'registered', { registration: 'owned', call: 'idle' }, { registration: 'registered', call: 'on' }]) {
      fake.send(CHANNELS.state, 'app', bad);
    }
    assert.equal(app.state.registration, 'unregistered');
    for (const bad of [null, { from: 42 }, { from: 'x'.repeat(300), displayName: null }, { from: 'a', displayName: {} }]) {
      fake.send(CHANNELS.incoming, 'app', bad);
    }
    assert.equal(fake.rec.notifications.length, 0);
  });
});

describe('3. Permissions', () => {
  const request = (fake, permission, details) => new Promise((resolve) =>
    fake.rec.session.request(fake.win().webContents, permission, resolve, details));

  it('the request handler: microphone and notifications for the app\'s top frame, nothing else', async () => {
    const { fake } = await started();
    const top = { isMainFrame: true, requestingUrl: APP_PAGE, securityOrigin: 'app://sipshield' };
    assert.equal(await request(fake, 'media', { ...top, mediaTypes: ['audio'] }), true);
    assert.equal(await request(fake, 'notifications', top), true);
    assert.equal(await request(fake, 'media', { ...top, mediaTypes: ['video'] }), false, 'camera: no video call');
    assert.equal(await request(fake, 'media', { ...top, mediaTypes: ['audio', 'video'] }), false);
    assert.equal(await request(fake, 'media', { ...top, mediaTypes: [] }), false);
    for (const p of ['geolocation', 'display-capture', 'clipboard-read', 'midiSysex', 'openExternal', 'hid', 'serial', 'usb', 'fullscreen']) {
      assert.equal(await request(fake, p, top), false, p);
    }
    const sub = { isMainFrame: false, requestingUrl: APP_PAGE, securityOrigin: 'app://sipshield', mediaTypes: ['audio'] };
    assert.equal(await request(fake, 'media', sub), false, 'a sub-frame');
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'not a url']) {
      assert.equal(await request(fake, 'media', { isMainFrame: true, requestingUrl: url, securityOrigin: url, mediaTypes: ['audio'] }),
        false, url);
      assert.equal(await request(fake, 'notifications', { isMainFrame: true, requestingUrl: url }), false, url);
    }
  });

  it('the camera only while the user\'s own video call runs', async () => {
    const { fake } = await started();
    const top = { isMainFrame: true, requestingUrl: APP_PAGE, securityOrigin: 'app://sipshield', mediaTypes: ['audio', 'video'] };
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'active', video: true });
    assert.equal(await request(fake, 'media', top), true);
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'idle', video: true });
    assert.equal(await request(fake, 'media', top), false, 'call over: camera off again');
  });

  it('the check handler agrees; device permissions and screen capture are refused', async () => {
    const { fake } = await started();
    const check = fake.rec.session.check;
    const wc = fake.win().webContents;
    assert.equal(check(wc, 'media', 'app://sipshield', { isMainFrame: true, mediaType: 'audio', securityOrigin: 'app://sipshield' }), true);
    assert.equal(check(wc, 'media', 'app://sipshield', { isMainFrame: true, mediaType: 'video', securityOrigin: 'app://sipshield' }), false);
    assert.equal(check(wc, 'notifications', 'app://sipshield', { isMainFrame: true }), true);
    assert.equal(check(wc, 'notifications', 'https://evil.example', { isMainFrame: true }), false);
    assert.equal(check(wc, 'media', 'app://sipshield', { isMainFrame: false, mediaType: 'audio' }), false);
    assert.equal(check(null, 'geolocation', 'app://sipshield', { isMainFrame: true }), false);
    assert.equal(fake.rec.session.device({ deviceType: 'usb', origin: 'app://sipshield' }), false);
    let streams = 'untouched';
    fake.rec.session.displayMedia({}, (s) => { streams = s; });
    assert.equal(streams, null);
  });
});

describe('4. Navigation', () => {
  it('no navigation, no frame navigation, no redirect, no webview, no popup', async () => {
    const { fake } = await started();
    const wc = fake.win().webContents;
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of [APP_PAGE, 'app://sipshield/other.html', 'https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
        const e = fakeEvent({ url, isMainFrame: true });
        wc.emit(ev, e);
        assert.equal(e.defaultPrevented, true, `${ev} ${url}`);
      }
    }
    const w = fakeEvent();
    wc.emit('will-attach-webview', w);
    assert.equal(w.defaultPrevented, true);
    for (const url of [APP_PAGE, 'https://example.com/', 'about:blank']) {
      assert.deepEqual(wc.openHandler({ url, frameName: '', features: '' }), { action: 'deny' });
    }
  });

  it('links open in the system browser only when https:, without user info, on the allowlist', async () => {
    const { fake } = await started();
    const saved = await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, externalLinks: ['help.example.com'] });
    assert.equal(saved.ok, true, saved.reason);
    const wc = fake.win().webContents;
    const tries = ['https://help.example.com/faq', 'https://HELP.example.com/x', 'http://help.example.com/',
      'https://user:pw@help.example.com/', 'https://help.example.com.evil.example/', 'https://evil.example/',
      'file:///etc/passwd', 'javascript:alert(1)', 'sip:bob@example.com', 'https://help.example.com@evil.example/'];
    for (const url of tries) assert.deepEqual(wc.openHandler({ url, frameName: '', features: '' }), { action: 'deny' });
    assert.deepEqual(fake.rec.opened, ['https://help.example.com/faq', 'https://help.example.com/x']);
  });
});

describe('5. Secrets', () => {
  /** Every file under the app's userData, read as text */
  const allFiles = (dir) => fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f)))
    .filter((f) => fs.statSync(f).isFile()).map((f) => ({ f, text: fs.readFileSync(f).toString('latin1') }));

  it('a keyring: the credential is encrypted with safeStorage, owner-only, and survives a restart', async () => {
    const { fake } = await started({ backend: 'gnome_libsecret' });
    const r = await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
    assert.equal(r.ok, true, r.reason);
    assert.equal(r.account.storage, 'encrypted');
    assert.equal(r.account.warning, null);
    assert.ok(!('password' in r.account) && !JSON.stringify(r.account).includes(ACCOUNT.password));
    const bin = path.join(fake.dir, 'credential.bin');
    assert.equal(fs.statSync(bin).mode & 0o777, 0o600);
    for (const { f, text } of allFiles(fake.dir)) assert.ok(!text.includes(ACCOUNT.password), f);
    assert.deepEqual(await fake.invoke(CHANNELS.credentials, 'app', 'missing'),
      { username: 'alice', password: ACCOUNT.password });
    // a second start of the app with the same keyring and userData
    const again = fakeElectron({ backend: 'gnome_libsecret', userData: fake.dir });
    again.electron.safeStorage = fake.electron.safeStorage;
    const app2 = startApp(again.electron, { appDir: APP_DIR, widgetDir: path.join(ROOT, 'dist'), argv: [] });
    await app2.ready;
    assert.equal((await again.invoke(CHANNELS.account, 'app')).storage, 'encrypted');
    assert.equal((await again.invoke(CHANNELS.credentials, 'app', 'expired')).password, ACCOUNT.password);
  });

  it('Linux basic_text: nothing written, kept for this session, with a visible warning', async () => {
    const { fake } = await started({ backend: 'basic_text' });
    const r = await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
    assert.equal(r.ok, true, r.reason);
    assert.equal(r.account.storage, process.platform === 'linux' ? 'session' : 'encrypted');
    if (process.platform === 'linux') {
      assert.match(r.account.warning, /basic_text/);
      assert.ok(!fs.existsSync(path.join(fake.dir, 'credential.bin')));
      for (const { f, text } of allFiles(fake.dir)) assert.ok(!text.includes(ACCOUNT.password), f);
    }
    assert.equal((await fake.invoke(CHANNELS.credentials, 'app', 'missing')).password, ACCOUNT.password);
  });

  it('with the realm only HA1s are stored; with a credentials URL nothing is', async () => {
    const { fake } = await started();
    const r = await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, realm: 'example.com' });
    assert.equal(r.ok, true, r.reason);
    const c = await fake.invoke(CHANNELS.credentials, 'app', 'missing');
    const h = (alg) => crypto.createHash(alg).update(`alice:example.com:${ACCOUNT.password}`).digest('hex');
    assert.deepEqual(c, { username: 'alice', ha1: { md5: h('md5'), sha256: h('sha256'), sha512_256: h('sha512-256') } });
    const u = await fake.invoke(CHANNELS.saveAccount, 'app',
      { ...ACCOUNT, password: null, credentialsUrl: 'https://login.example.com/sip-credentials' });
    assert.equal(u.ok, true, u.reason);
    assert.equal(u.account.storage, 'none');
    assert.ok(!fs.existsSync(path.join(fake.dir, 'credential.bin')), 'the old credential is gone');
    await assert.rejects(fake.invoke(CHANNELS.credentials, 'app', 'missing'), /no stored credential/);
    await fake.invoke(CHANNELS.clearAccount, 'app');
    assert.equal(await fake.invoke(CHANNELS.account, 'app'), null);
  });

  it('settings saved without a new password keep the stored one, unless it no longer fits', async () => {
    const { fake } = await started();
    assert.match((await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, password: null })).reason,
      /password/, 'nothing stored yet: a password is needed');
    assert.equal((await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT)).ok, true);
    const r = await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, password: undefined, displayName: 'Alice A.' });
    assert.equal(r.ok, true, r.reason);
    assert.equal(r.account.displayName, 'Alice A.');
    assert.equal(r.account.storage, 'encrypted');
    assert.equal((await fake.invoke(CHANNELS.credentials, 'app', 'missing')).password, ACCOUNT.password);
    // a stored credential answers for one user name and realm
    for (const change of [{ username: 'alice2' }, { realm: 'example.com' }]) {
      assert.match((await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, password: null, ...change })).reason,
        /enter the password again/, JSON.stringify(change));
    }
    assert.equal((await fake.invoke(CHANNELS.credentials, 'app', 'missing')).password, ACCOUNT.password);
  });

  it('nothing is logged while credentials are saved and handed out', async () => {
    const lines = [];
    const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const k of Object.keys(saved)) console[k] = (...a) => lines.push(a.join(' '));
    try {
      for (const backend of ['gnome_libsecret', 'basic_text']) {
        const { fake } = await started({ backend });
        await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
        await fake.invoke(CHANNELS.credentials, 'app', 'missing');
        await fake.invoke(CHANNELS.credentials, 'subframe', 'missing').catch(() => {});
      }
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(lines, []);
  });
});

describe('6. OS integration', () => {
  it('handles sip:, sips:, tel: and callto:, one instance only', async () => {
    const { fake } = await started();
    assert.deepEqual(fake.rec.protocolClients.map((p) => p.scheme), ['sip', 'sips', 'tel', 'callto']);
    const second = fakeElectron({ singleInstance: false });
    const app = startApp(second.electron, { appDir: APP_DIR, widgetDir: path.join(ROOT, 'dist'), argv: [] });
    assert.equal(app, null);
    assert.equal(second.rec.quit, 1);
    assert.equal(second.rec.windows.length, 0);
  });

  it('a link asks the user first: Call dials, Cancel does not, a hostile link never does', async () => {
    const { fake } = await started();
    await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
    fake.rec.dialogAnswers.push(0);
    fake.electron.app.emit('second-instance', fakeEvent(), ['electron', '.', 'sip:bob@example.com'], '/');
    await settle();
    assert.match(fake.rec.dialogs.at(-1).message, /^Call .*bob/);
    assert.deepEqual(fake.commands(), [{ type: 'dial', target: 'sip:bob@example.com' }]);
    fake.rec.dialogAnswers.push(1);
    const e = fakeEvent();
    fake.electron.app.emit('open-url', e, 'tel:+1 (555) 010-9999');
    await settle();
    assert.equal(e.defaultPrevented, true);
    assert.equal(fake.rec.dialogs.length, 2);
    assert.equal(fake.commands().length, 1, 'Cancel: no dial');
    for (const hostile of ['javascript:alert(1)', 'sip:bob@example.com?X=a%0d%0aVia:%20evil', 'sip:bob\u0000@example.com',
      `sip:${'a'.repeat(5000)}@example.com`]) {
      fake.rec.dialogAnswers.push(0);
      fake.electron.app.emit('open-url', fakeEvent(), hostile);
      await settle();
    }
    assert.equal(fake.commands().length, 1, 'no hostile link dialled');
    assert.ok(fake.rec.dialogs.slice(2).every((d) => d.type === 'warning' && d.buttons.length === 1));
    // without an account: no dial, the user is told why
    const bare = (await started()).fake;
    bare.rec.dialogAnswers.push(0);
    bare.electron.app.emit('open-url', fakeEvent(), 'sip:bob@example.com');
    await settle();
    assert.equal(bare.commands().length, 0);
    assert.match(bare.rec.dialogs[0].message, /account first/);
    // a second instance without a link only brings the window up
    const shown = fake.win().shown;
    fake.electron.app.emit('second-instance', fakeEvent(), ['electron', '.'], '/');
    assert.equal(fake.win().shown, shown + 1);
  });

  it('a link on the command line is dialled (after asking) once the page has loaded', async () => {
    const fake = fakeElectron();
    fake.rec.dialogAnswers.push(0);
    const app = startApp(fake.electron, { appDir: APP_DIR, widgetDir: path.join(ROOT, 'dist'),
      argv: ['sipshield', 'callto:bob'] });
    await app.ready;
    await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
    assert.equal(fake.rec.dialogs.length, 0, 'not before the page can take it');
    fake.win().webContents.emit('did-finish-load');
    await settle();
    assert.equal(fake.rec.dialogs.length, 1);
    assert.deepEqual(fake.commands(), [{ type: 'dial', target: 'bob' }]);
  });

  it('the tray shows the registration state; an incoming call notifies with Answer and Decline', async () => {
    const { fake } = await started();
    const [tray] = fake.rec.trays;
    assert.match(tray.image.path, /tray-offline\.png$/);
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'idle' });
    assert.match(tray.image.path, /tray-registered\.png$/);
    assert.match(tray.tooltip, /registered/);
    fake.send(CHANNELS.incoming, 'app', { from: 'sip:bob@example.com', displayName: 'Bob\u0007' });
    const [n] = fake.rec.notifications;
    assert.equal(n.shown, true);
    assert.equal(n.options.body, 'Bob');
    assert.deepEqual(n.options.actions.map((a) => a.text), ['Answer', 'Decline']);
    n.emit('action', { actionIndex: 0 });
    n.emit('action', { actionIndex: 1 });
    assert.deepEqual(fake.commands(), [{ type: 'answer' }, { type: 'decline' }]);
    for (const icon of ['tray-registered.png', 'tray-offline.png']) {
      assert.ok(fs.existsSync(path.join(APP_DIR, 'icons', icon)), icon);
    }
  });

  it('resume and unlock re-register; no system sleep during a call', async () => {
    const { fake } = await started();
    fake.electron.powerMonitor.emit('resume');
    fake.electron.powerMonitor.emit('unlock-screen');
    assert.deepEqual(fake.commands(), [{ type: 'reregister' }, { type: 'reregister' }]);
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'active' });
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'active' });
    assert.deepEqual(fake.rec.blockers.map((b) => [b.type, b.stopped]), [['prevent-app-suspension', false]]);
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'idle' });
    assert.equal(fake.rec.blockers[0].stopped, true);
  });

  it('quitting un-REGISTERs first and waits a bounded time only; closing the window only hides it', async () => {
    const { fake } = await started();
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'idle' });
    fake.electron.app.quit();
    assert.equal(fake.rec.quit, 0, 'held back');
    assert.deepEqual(fake.commands(), [{ type: 'unregister' }]);
    fake.electron.app.quit();
    assert.deepEqual(fake.commands(), [{ type: 'unregister' }], 'a second Quit does not ask again');
    fake.send(CHANNELS.quitReady, 'app');
    assert.equal(fake.rec.quit, 1, 'quit once the page unregistered');

    // closing the window before quitting keeps the phone in the tray; after, the window may close
    const closing = (await started()).fake;
    const close = fakeEvent();
    closing.win().emit('close', close);
    assert.equal(close.defaultPrevented, true);
    assert.equal(closing.win().hidden, true);
    closing.electron.app.quit();
    assert.equal(closing.rec.quit, 1, 'not registered: quits at once');
    const closeNow = fakeEvent();
    closing.win().emit('close', closeNow);
    assert.equal(closeNow.defaultPrevented, false);

    const slow = (await started()).fake;
    slow.send(CHANNELS.state, 'app', { registration: 'registered', call: 'idle' });
    slow.electron.app.quit();
    assert.equal(slow.rec.quit, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(slow.rec.quit, 1, 'quit after quitUnregisterMs without an answer');
  });

  it('start at login and global shortcuts only when the user asks for them', async () => {
    const { fake } = await started();
    await fake.invoke(CHANNELS.saveAccount, 'app', ACCOUNT);
    assert.deepEqual(fake.rec.loginItem, { openAtLogin: false });
    assert.equal(fake.rec.shortcuts.length, 0);
    const r = await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, startAtLogin: true,
      shortcuts: { answer: 'CommandOrControl+Shift+A', hangup: 'CommandOrControl+Shift+H' } });
    assert.equal(r.ok, true, r.reason);
    assert.deepEqual(fake.rec.loginItem, { openAtLogin: true });
    assert.deepEqual(fake.rec.shortcuts.map((s) => s.accel), ['CommandOrControl+Shift+A', 'CommandOrControl+Shift+H']);
    fake.rec.shortcuts[0].fn();
    assert.deepEqual(fake.commands(), [], 'answer: nothing is ringing');
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'ringing' });
    fake.rec.shortcuts[0].fn();
    fake.send(CHANNELS.state, 'app', { registration: 'registered', call: 'active' });
    fake.rec.shortcuts[1].fn();
    assert.deepEqual(fake.commands(), [{ type: 'answer' }, { type: 'hangup' }]);
    assert.match((await fake.invoke(CHANNELS.saveAccount, 'app', { ...ACCOUNT, shortcuts: { reboot: 'F1' } })).reason,
      /preferences/);
  });
});
