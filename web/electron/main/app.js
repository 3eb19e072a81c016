/**
 * @file app.js  The desktop app's main process: one locked-down window, the OS around it
 *
 * startApp(electron, options) wires Electron's security checklist and the
 * OS integration around one window that shows the page in renderer/ (a
 * `<sip-phone>` from the sipshield package). `electron` is passed in, so
 * the unit tests run all of this with a recording stand-in
 * (tests/node/support/fake-electron.js); main.js passes the real module.
 *
 *   Loading      app://sipshield/ (protocol.handle, a privileged standard
 *                scheme), never file:// or a remote origin; every response
 *                carries the widget's strict CSP (protocol.js)
 *   Isolation    contextIsolation, sandbox, webSecurity on; nodeIntegration,
 *                webviewTag off; the preload exposes one API object
 *   IPC          every message: from the app's own top frame, arguments checked
 *   Permissions  media (camera only during the user's video call) and
 *                notifications, app origin only; devices never (security.js)
 *   Navigation   none; new windows none; https: links on the allowlist go
 *                to the system browser
 *   Secrets      settings in the main process; the credential via
 *                safeStorage or for the session only (secrets.js); the page
 *                gets it only when the core asks (`credentials`)
 *   OS           sip:/sips:/tel:/callto: links (asked before dialling),
 *                one instance, tray with the registration state, incoming
 *                call notifications, re-register on resume/unlock, no
 *                sleep during calls, closing the window leaves the phone
 *                in the tray, un-REGISTER on quit (bounded), start at
 *                login and global shortcuts only if the user asks
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { APP_ORIGIN, APP_SCHEME, APP_HOST, createAppHandler, contentSecurityPolicy } = require('./protocol');
const { parseDialLink } = require('./dial-link');
const { permissionAllowed, navigationAllowed, externalLink, fromAppFrame } = require('./security');
const { validateAccount, validatePreferences, loadSettings, saveSettings } = require('./settings');
const { createCredentialStore } = require('./secrets');

/** @typedef {import('./settings').Settings} Settings */
/** @typedef {import('../desktop-api').DesktopCommand} DesktopCommand */
/** @typedef {import('../desktop-api').DesktopState} DesktopState */
/** @typedef {import('../desktop-api').DesktopAccount} DesktopAccount */

/** The IPC channels; preload/preload.js names the same (a sandboxed preload cannot require this file) */
const CHANNELS = Object.freeze({
  account: 'desktop:account',
  saveAccount: 'desktop:save-account',
  clearAccount: 'desktop:clear-account',
  credentials: 'desktop:credentials',
  state: 'desktop:state',
  incoming: 'desktop:incoming',
  quitReady: 'desktop:quit-ready',
  command: 'desktop:command',
});

const LINK_SCHEMES = ['sip', 'sips', 'tel', 'callto'];
const QUIT_UNREGISTER_MS = 3000;
const CREDENTIAL_REASONS = ['missing', 'expired', 'rejected'];
const REGISTRATION = ['registering', 'registered', 'unregistered', 'failed'];
const CALL = ['idle', 'ringing', 'active'];

/**
 * @typedef {object} AppOptions
 * @property {string} appDir web/electron (or the packaged app's root)
 * @property {string} [widgetDir] the sipshield package's dist/ (default: resolved from node_modules)
 * @property {string[]} [argv] the command line (default process.argv)
 * @property {boolean} [defaultApp] run as `electron .` (default process.defaultApp)
 * @property {number} [quitUnregisterMs] how long quitting waits for the un-REGISTER (default 3000)
 */

/**
 * Start the app. Call once, before Electron is ready.
 * @param {typeof import('electron')} electron
 * @param {AppOptions} options
 */
function startApp(electron, options) {
  const { app, protocol, session, BrowserWindow, ipcMain, dialog, shell, Notification, Tray,
    Menu, nativeImage, powerMonitor, powerSaveBlocker, globalShortcut, safeStorage } = electron;
  const argv = options.argv ?? process.argv;
  const widgetDir = options.widgetDir ??
    path.dirname(require.resolve('sipshield/wasm', { paths: [options.appDir] }));

  // app:// is a standard, secure origin: fetch, the wasm's streaming
  // compile and the page's CSP behave as on https
  protocol.registerSchemesAsPrivileged([{
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true },
  }]);
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  /** @type {import('electron').BrowserWindow | null} */
  let win = null;
  /** @type {import('electron').Tray | null} */
  let tray = null;
  /** @type {Settings | null} */
  let settings = null;
  /** @type {DesktopState} */
  let state = { registration: 'unregistered', call: 'idle', video: false };
  /** @type {number | null} */
  let blocker = null;
  /** the app is on its way out: the window may close */
  let quitting = false;
  /** the page unregistered (or the wait ran out): quitting goes on */
  let unregistered = false;
  /** @type {(() => void) | null} */
  let quitDone = null;
  /** @type {string[]} links that arrived before the window */
  const pendingLinks = [];
  /** @type {ReturnType<typeof createCredentialStore> | null} */
  let store = null;
  let settingsFile = '';

  /** @param {DesktopCommand} command */
  function send(command) {
    if (win && !win.isDestroyed()) win.webContents.send(CHANNELS.command, command);
  }

  function showWindow() {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  // --- navigation and windows: for every web contents, now and later ----
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => {
      if (!navigationAllowed(e.url)) e.preventDefault();
    });
    contents.on('will-frame-navigate', (e) => {
      if (!navigationAllowed(e.url)) e.preventDefault();
    });
    contents.on('will-redirect', (e) => {
      if (!navigationAllowed(e.url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const href = externalLink(url, settings?.externalLinks ?? []);
      if (href) void shell.openExternal(href);
      return { action: 'deny' };
    });
  });

  // --- links: sip:, sips:, tel:, callto: ---------------------------------
  for (const scheme of LINK_SCHEMES) {
    // `electron .` in development: the OS must start electron with the app's path
    if (options.defaultApp ?? process.defaultApp) {
      app.setAsDefaultProtocolClient(scheme, process.execPath, [path.resolve(argv[1] ?? '.')]);
    }
    else {
      app.setAsDefaultProtocolClient(scheme);
    }
  }

  /**
   * A link from the OS: parse it strictly, then ask the user before dialling.
   * @param {string} link
   */
  async function dialLink(link) {
    if (!win) {
      pendingLinks.push(link);
      return;
    }
    showWindow();
    if (!settings) {
      await dialog.showMessageBox(win, { type: 'warning', buttons: ['OK'], title: 'sipshield',
        message: 'Set up your account first, then open the link again.' });
      return;
    }
    const r = parseDialLink(link, { domain: /@([^;?>]+)$/.exec(settings.uri)?.[1] });
    if (!r.ok) {
      await dialog.showMessageBox(win, { type: 'warning', buttons: ['OK'], title: 'sipshield',
        message: 'This link cannot be dialled.', detail: `Reason: ${r.reason}` });
      return;
    }
    const { response } = await dialog.showMessageBox(win, {
      type: 'question', buttons: ['Call', 'Cancel'], defaultId: 1, cancelId: 1, noLink: true,
      title: 'sipshield', message: `Call ${r.display}?`,
      detail: 'A link asked sipshield to place this call.',
    });
    if (response === 0) send({ type: 'dial', target: r.target });
  }

  /** @param {readonly string[]} args a command line: its first link, if any */
  function linkIn(args) {
    return args.find((a) => typeof a === 'string' && /^(sips?|tel|callto):/i.test(a));
  }

  app.on('second-instance', (_e, args) => {
    showWindow();
    const link = linkIn(args);
    if (link) void dialLink(link);
  });
  app.on('open-url', (e, url) => {
    e.preventDefault();
    void dialLink(url);
  });

  // --- the account as the page may see it ---------------------------------
  /** @returns {Promise<DesktopAccount | null>} */
  async function account() {
    if (!settings || !store) return null;
    const s = await store.status();
    return {
      server: settings.server, uri: settings.uri, displayName: settings.displayName,
      privacy: settings.privacy, credentialsUrl: settings.credentialsUrl,
      iceServersUrl: settings.iceServersUrl, realm: settings.realm, username: settings.username,
      externalLinks: [...settings.externalLinks], startAtLogin: settings.startAtLogin,
      shortcuts: { ...settings.shortcuts },
      storage: settings.credentialsUrl ? 'none' : s.storage,
      warning: settings.credentialsUrl ? null : s.warning,
    };
  }

  /** Apply the desktop preferences: login item, global shortcuts */
  function applyPreferences() {
    if (!settings) return;
    app.setLoginItemSettings({ openAtLogin: settings.startAtLogin });
    globalShortcut.unregisterAll();
    for (const [action, accel] of Object.entries(settings.shortcuts)) {
      globalShortcut.register(accel, () => {
        if (action === 'show') showWindow();
        else if (action === 'answer' && state.call === 'ringing') send({ type: 'answer' });
        else if (action === 'hangup' && state.call !== 'idle') send({ type: 'hangup' });
      });
    }
  }

  // --- IPC: every handler checks the sender and its arguments ------------
  /**
   * @template T
   * @param {string} channel
   * @param {(...args: unknown[]) => T} fn
   */
  function handle(channel, fn) {
    ipcMain.handle(channel, (event, ...args) => {
      if (!fromAppFrame(event, win)) throw new Error('refused: not the app\'s page');
      return fn(...args);
    });
  }
  /**
   * @param {string} channel
   * @param {(...args: unknown[]) => void} fn
   */
  function listen(channel, fn) {
    ipcMain.on(channel, (event, ...args) => {
      if (fromAppFrame(event, win)) fn(...args);
    });
  }

  handle(CHANNELS.account, () => account());

  handle(CHANNELS.saveAccount, async (input) => {
    const prefs = input && typeof input === 'object' &&
      ['externalLinks', 'startAtLogin', 'shortcuts'].some((k) => k in input) ? validatePreferences(input) : {};
    if (!prefs) return { ok: false, reason: 'preferences: https link hosts, startAtLogin true/false, shortcuts' };
    if (!store) return { ok: false, reason: 'not ready' };
    // no new secret typed: the stored credential stays (if it still fits the account)
    const stored = !!settings && !settings.credentialsUrl && (await store.status()).storage !== 'none';
    const v = validateAccount(input, { ...settings, ...prefs }, { stored });
    if (!v.ok) return v;
    settings = v.settings;
    saveSettings(settingsFile, settings);
    if (v.credential) await store.save(v.credential);
    else if (settings.credentialsUrl) await store.clear();
    applyPreferences();
    return { ok: true, account: await account() };
  });

  handle(CHANNELS.clearAccount, async () => {
    settings = null;
    await store?.clear();
    fs.rmSync(settingsFile, { force: true });
  });

  handle(CHANNELS.credentials, async (reason) => {
    if (typeof reason !== 'string' || !CREDENTIAL_REASONS.includes(reason)) {
      throw new Error('refused: reason is missing, expired or rejected');
    }
    const c = settings && !settings.credentialsUrl ? await store?.load() : null;
    if (!c) throw new Error('no stored credential: enter it in the settings');
    return c;
  });

  listen(CHANNELS.state, (s) => {
    if (!s || typeof s !== 'object') return;
    const x = /** @type {Record<string, unknown>} */ (s);
    if (!REGISTRATION.includes(/** @type {string} */ (x.registration)) ||
        !CALL.includes(/** @type {string} */ (x.call))) return;
    state = { registration: /** @type {DesktopState['registration']} */ (x.registration),
      call: /** @type {DesktopState['call']} */ (x.call), video: x.video === true && x.call !== 'idle' };
    updateTray();
    // no system sleep while a call is up
    if (state.call === 'active' && blocker === null) blocker = powerSaveBlocker.start('prevent-app-suspension');
    if (state.call !== 'active' && blocker !== null) {
      powerSaveBlocker.stop(blocker);
      blocker = null;
    }
  });

  listen(CHANNELS.incoming, (caller) => {
    if (!caller || typeof caller !== 'object') return;
    const { from, displayName } = /** @type {Record<string, unknown>} */ (caller);
    if (typeof from !== 'string' || from.length > 256 ||
        (displayName !== null && (typeof displayName !== 'string' || displayName.length > 128))) return;
    notifyIncoming(/** @type {string | null} */ (displayName) || from);
  });

  listen(CHANNELS.quitReady, () => quitDone?.());

  /** @param {string} who */
  function notifyIncoming(who) {
    if (!Notification.isSupported()) return;
    const body = who.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 128);
    const n = new Notification({ title: 'Incoming call', body, urgency: 'critical',
      actions: [{ type: 'button', text: 'Answer' }, { type: 'button', text: 'Decline' }] });
    n.on('action', (e) => send({ type: e.actionIndex === 0 ? 'answer' : 'decline' }));
    n.on('click', () => showWindow());
    n.show();
  }

  // --- tray ----------------------------------------------------------------
  function trayIcon() {
    return nativeImage.createFromPath(path.join(options.appDir, 'icons',
      `tray-${state.registration === 'registered' ? 'registered' : 'offline'}.png`));
  }

  function updateTray() {
    if (!tray) return;
    tray.setImage(trayIcon());
    tray.setToolTip(`sipshield: ${state.registration}${state.call === 'idle' ? '' : `, call ${state.call}`}`);
  }

  // --- quit: un-REGISTER first, bounded ---------------------------------------
  app.on('before-quit', (e) => {
    quitting = true;
    if (unregistered || state.registration !== 'registered' || !win || win.isDestroyed()) return;
    e.preventDefault();
    if (quitDone) return;  // already waiting for the page
    const t = setTimeout(() => quitDone?.(), options.quitUnregisterMs ?? QUIT_UNREGISTER_MS);
    quitDone = () => {
      clearTimeout(t);
      quitDone = null;
      unregistered = true;
      app.quit();
    };
    send({ type: 'unregister' });
  });
  app.on('will-quit', () => globalShortcut.unregisterAll());
  app.on('window-all-closed', () => app.quit());

  // --- ready: session policy, the app:// handler, the window ---------------------------
  const ready = app.whenReady().then(() => {
    const userData = app.getPath('userData');
    settingsFile = path.join(userData, 'settings.json');
    settings = loadSettings(settingsFile);
    store = createCredentialStore({ safeStorage, dir: userData });
    const ses = session.defaultSession;

    ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
      const media = /** @type {import('electron').MediaAccessPermissionRequest} */ (details);
      callback(permissionAllowed({ permission, origin: media.securityOrigin ?? details.requestingUrl,
        isMainFrame: details.isMainFrame, mediaTypes: media.mediaTypes ?? [], videoCall: !!state.video }));
    });
    ses.setPermissionCheckHandler((_wc, permission, origin, details) => permissionAllowed({
      permission, origin: details.securityOrigin ?? origin, isMainFrame: details.isMainFrame,
      mediaTypes: details.mediaType ? [details.mediaType] : [], videoCall: !!state.video }));
    ses.setDevicePermissionHandler(() => false);
    ses.setDisplayMediaRequestHandler((_request, callback) => callback(null));
    ses.on('will-download', (e) => e.preventDefault());

    protocol.handle(APP_SCHEME, createAppHandler({
      rendererDir: path.join(options.appDir, 'renderer'),
      widgetDir,
      csp: () => contentSecurityPolicy(settings ?? {}),
    }));

    win = new BrowserWindow({
      width: 420, height: 720, show: false, title: 'sipshield',
      webPreferences: {
        preload: path.join(options.appDir, 'preload', 'preload.js'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        disableBlinkFeatures: 'Auxclick',
        spellcheck: false,
        safeDialogs: true,
      },
    });
    win.once('ready-to-show', () => win?.show());
    // closing the window keeps the phone in the tray (registered, ringing);
    // Quit in the tray menu un-REGISTERs and ends the app
    win.on('close', (e) => {
      if (quitting) return;
      e.preventDefault();
      win?.hide();
    });
    win.on('closed', () => { win = null; });
    void win.loadURL(`${APP_ORIGIN}/index.html`);

    tray = new Tray(trayIcon());
    tray.setContextMenu(Menu.buildFromTemplate([
      { label: 'Show sipshield', click: () => showWindow() },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]));
    tray.on('click', () => showWindow());
    updateTray();

    powerMonitor.on('resume', () => send({ type: 'reregister' }));
    powerMonitor.on('unlock-screen', () => send({ type: 'reregister' }));

    applyPreferences();

    // a link the app was started with, once the page can take the dial
    win.webContents.once('did-finish-load', () => {
      const first = linkIn(argv);
      for (const link of [...(first ? [first] : []), ...pendingLinks.splice(0)]) void dialLink(link);
    });
    return win;
  });

  return {
    ready,
    /** for the tests: what the main process currently believes */
    get state() { return state; },
    get settings() { return settings; },
  };
}

module.exports = { startApp, CHANNELS, APP_HOST };
