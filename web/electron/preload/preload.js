/**
 * @file preload.js  `window.sipshieldDesktop`: the page's only way to the main process
 *
 * Runs sandboxed (no Node.js; only `electron`'s renderer modules), before
 * the page, in an isolated world. It exposes one frozen object of plain
 * functions through contextBridge (desktop-api.d.ts describes it) and
 * never the raw ipcRenderer: the page cannot pick a channel, and a
 * listener gets the command only, not the IPC event (whose `sender` would
 * be ipcRenderer itself). The channel names are the ones app.js handles
 * (CHANNELS there; a sandboxed preload cannot require a local file, and a
 * unit test checks both lists agree).
 */
'use strict';

const { contextBridge, ipcRenderer } = require('electron');

/** @typedef {import('../desktop-api').DesktopApi} DesktopApi */
/** @typedef {import('../desktop-api').DesktopCommand} DesktopCommand */

/** @type {DesktopApi} */
const api = {
  account: () => ipcRenderer.invoke('desktop:account'),
  saveAccount: (input) => ipcRenderer.invoke('desktop:save-account', input),
  clearAccount: () => ipcRenderer.invoke('desktop:clear-account'),
  credentials: (reason) => ipcRenderer.invoke('desktop:credentials', reason),
  reportState: (state) => ipcRenderer.send('desktop:state', state),
  notifyIncoming: (caller) => ipcRenderer.send('desktop:incoming', caller),
  quitReady: () => ipcRenderer.send('desktop:quit-ready'),
  onCommand(listener) {
    if (typeof listener !== 'function') throw new TypeError('onCommand needs a function');
    /** @param {unknown} _event @param {DesktopCommand} command */
    const relay = (_event, command) => listener(command);
    ipcRenderer.on('desktop:command', relay);
    return () => { ipcRenderer.removeListener('desktop:command', relay); };
  },
};

contextBridge.exposeInMainWorld('sipshieldDesktop', Object.freeze(api));
