// A recording stand-in for the `electron` module, for the unit tests of the desktop app's main
// process (web/electron/main/app.js takes `electron` as an argument) and its preload. It
// records what the app asked Electron to do and lets a test play the OS, the user and the page:
// fire app/power events, answer dialogs, invoke IPC handlers from a chosen frame.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

export const APP_PAGE = 'app://sipshield/index.html';

/** The userData folders the fakes made, removed by removeFakeDirs() */
const made = [];

/** Remove every userData folder a fake made (call from an after() hook) */
export function removeFakeDirs() {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** An Electron-style event: preventDefault() is recorded */
export function fakeEvent(fields = {}) {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; }, ...fields };
}

/**
 * @param {object} [o]
 * @param {'basic_text' | 'gnome_libsecret' | 'kwallet' | 'unknown'} [o.backend] safeStorage's backend
 * @param {boolean} [o.encryption] isAsyncEncryptionAvailable()
 * @param {boolean} [o.singleInstance] requestSingleInstanceLock()
 * @param {string} [o.userData] app.getPath('userData') (default: a fresh temp dir)
 */
export function fakeElectron({ backend = 'gnome_libsecret', encryption = true, singleInstance = true, userData } = {}) {
  const dir = userData ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-desktop-'));
  if (!userData) made.push(dir);
  const rec = {
    privileged: [], privilegedBeforeReady: false, handlers: new Map(), sandbox: false,
    protocolClients: [], quit: 0, loginItem: null, windows: [], dialogs: [], dialogAnswers: [],
    opened: [], notifications: [], trays: [], blockers: [], shortcuts: [], unregisteredShortcuts: 0,
    ipcHandle: new Map(), ipcOn: new Map(), exposed: [], invoked: [], sent: [], rendererListeners: new Map(),
    session: {}, ready: false,
  };
  const key = crypto.randomBytes(32);

  class WebContents extends EventEmitter {
    constructor() {
      super();
      this.mainFrame = { url: APP_PAGE, parent: null };
      this.sent = [];
      this.openHandler = null;
    }
    send(channel, ...args) { this.sent.push({ channel, args }); }
    setWindowOpenHandler(h) { this.openHandler = h; }
  }

  const app = Object.assign(new EventEmitter(), {
    enableSandbox() { rec.sandbox = true; },
    requestSingleInstanceLock() { return singleInstance; },
    quit() {
      const e = fakeEvent();
      app.emit('before-quit', e);
      if (!e.defaultPrevented) {
        rec.quit++;
        app.emit('will-quit', fakeEvent());
      }
    },
    setAsDefaultProtocolClient(scheme, ...args) { rec.protocolClients.push({ scheme, args }); return true; },
    whenReady() {
      rec.ready = true;
      return Promise.resolve();
    },
    getPath(name) {
      if (name !== 'userData') throw new Error(`getPath(${name}) not faked`);
      return dir;
    },
    setLoginItemSettings(s) { rec.loginItem = s; },
  });

  class BrowserWindow extends EventEmitter {
    constructor(options) {
      super();
      this.options = options;
      this.webContents = new WebContents();
      this.url = null;
      this.destroyed = false;
      this.shown = 0;
      rec.windows.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    loadURL(url) { this.url = url; return Promise.resolve(); }
    isDestroyed() { return this.destroyed; }
    isMinimized() { return false; }
    restore() {}
    show() { this.shown++; this.hidden = false; }
    hide() { this.hidden = true; }
    focus() {}
  }

  class Notification extends EventEmitter {
    static isSupported() { return true; }
    constructor(options) {
      super();
      this.options = options;
      this.shown = false;
      rec.notifications.push(this);
    }
    show() { this.shown = true; }
  }

  class Tray extends EventEmitter {
    constructor(image) {
      super();
      this.image = image;
      this.tooltip = '';
      this.menu = null;
      rec.trays.push(this);
    }
    setImage(image) { this.image = image; }
    setToolTip(t) { this.tooltip = t; }
    setContextMenu(m) { this.menu = m; }
  }

  const ses = {
    setPermissionRequestHandler(h) { rec.session.request = h; },
    setPermissionCheckHandler(h) { rec.session.check = h; },
    setDevicePermissionHandler(h) { rec.session.device = h; },
    setDisplayMediaRequestHandler(h) { rec.session.displayMedia = h; },
    on(name, h) { rec.session[`on:${name}`] = h; },
  };

  let blockerId = 0;
  const electron = {
    app,
    protocol: {
      registerSchemesAsPrivileged(schemes) {
        rec.privileged.push(...schemes);
        rec.privilegedBeforeReady = !rec.ready;
      },
      handle(scheme, h) { rec.handlers.set(scheme, h); },
    },
    session: { defaultSession: ses },
    BrowserWindow,
    ipcMain: {
      handle(channel, fn) { rec.ipcHandle.set(channel, fn); },
      on(channel, fn) { rec.ipcOn.set(channel, fn); },
    },
    dialog: {
      showMessageBox(win, options) {
        rec.dialogs.push(options);
        const response = rec.dialogAnswers.length ? rec.dialogAnswers.shift() : options.cancelId ?? 0;
        return Promise.resolve({ response, checkboxChecked: false });
      },
    },
    shell: { openExternal(url) { rec.opened.push(url); return Promise.resolve(); } },
    Notification,
    Tray,
    Menu: { buildFromTemplate: (t) => t },
    nativeImage: { createFromPath: (p) => ({ path: p }) },
    powerMonitor: new EventEmitter(),
    powerSaveBlocker: {
      start(type) { const id = ++blockerId; rec.blockers.push({ id, type, stopped: false }); return id; },
      stop(id) { const b = rec.blockers.find((x) => x.id === id); if (b) b.stopped = true; },
      isStarted(id) { return rec.blockers.some((x) => x.id === id && !x.stopped); },
    },
    globalShortcut: {
      register(accel, fn) { rec.shortcuts.push({ accel, fn }); return true; },
      unregisterAll() { rec.unregisteredShortcuts++; rec.shortcuts.length = 0; },
    },
    safeStorage: {
      getSelectedStorageBackend: () => backend,
      isAsyncEncryptionAvailable: () => Promise.resolve(encryption),
      // AES-256-GCM under a key of this fake "keyring": what is written is never the plain text
      encryptStringAsync(plain) {
        const iv = crypto.randomBytes(12);
        const c = crypto.createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Promise.resolve(Buffer.concat([iv, c.getAuthTag(), body]));
      },
      decryptStringAsync(buf) {
        const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        d.setAuthTag(buf.subarray(12, 28));
        const result = Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
        return Promise.resolve({ shouldReEncrypt: false, result });
      },
    },
    // the renderer side, for the preload
    contextBridge: {
      exposeInMainWorld(name, api) { rec.exposed.push({ name, api }); },
    },
    ipcRenderer: {
      invoke(channel, ...args) { rec.invoked.push({ channel, args }); return Promise.resolve({ channel, args }); },
      send(channel, ...args) { rec.sent.push({ channel, args }); },
      on(channel, fn) { rec.rendererListeners.set(channel, [...(rec.rendererListeners.get(channel) ?? []), fn]); },
      removeListener(channel, fn) {
        rec.rendererListeners.set(channel, (rec.rendererListeners.get(channel) ?? []).filter((f) => f !== fn));
      },
    },
  };

  /** The app's window (the first one) */
  const win = () => rec.windows[0];

  /**
   * Run @p fn with the IPC event of a message from a frame: the app's top frame by default;
   * 'other-origin' is the app's own top frame navigated elsewhere (restored afterwards)
   * @param {'app' | 'subframe' | 'other-origin' | 'other-window' | 'no-frame'} from
   * @param {(event: object) => any} fn
   */
  function fromFrame(from, fn) {
    const wc = from === 'other-window' ? new WebContents() : win().webContents;
    const frame = from === 'subframe' ? { url: APP_PAGE, parent: wc.mainFrame } : wc.mainFrame;
    const url = frame.url;
    if (from === 'other-origin') frame.url = 'https://evil.example/';
    try {
      return fn({ sender: wc, senderFrame: from === 'no-frame' ? null : frame });
    } finally {
      frame.url = url;
    }
  }

  /** Call an ipcMain.handle channel as the page would (rejects like Electron) */
  async function invoke(channel, from, ...args) {
    const fn = rec.ipcHandle.get(channel);
    if (!fn) throw new Error(`no handler for ${channel}`);
    return fromFrame(from, (event) => fn(event, ...args));
  }

  /** Send on an ipcMain.on channel as the page would */
  function send(channel, from, ...args) {
    const fn = rec.ipcOn.get(channel);
    if (!fn) throw new Error(`no listener for ${channel}`);
    fromFrame(from, (event) => fn(event, ...args));
  }

  /** The commands the main process sent to the page */
  const commands = () => win().webContents.sent.filter((m) => m.channel === 'desktop:command').map((m) => m.args[0]);

  return { electron, rec, dir, win, invoke, send, commands };
}
