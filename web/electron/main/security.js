/**
 * @file security.js  The desktop app's security decisions, as pure functions
 *
 * Electron's security checklist, the parts that are a yes/no on some input:
 * which permission a page gets, where a frame may navigate, which links
 * open in the system browser, and whether an IPC message comes from the
 * app's own top frame. app.js wires these into Electron's handlers; the
 * unit tests (tests/node/electron-main.test.js) call them through those
 * handlers with a recording stand-in for the `electron` module.
 *
 * Everything is denied unless named here:
 *  - permissions: `media` (microphone; camera only while the user's own
 *    video call runs) and `notifications`, for the app origin's top frame
 *    only; no device (HID, USB, serial, Bluetooth) permission at all;
 *  - navigation: none; the window shows one page, served by app:// and
 *    never reloaded elsewhere;
 *  - new windows: none; a link opens in the system browser only when it
 *    is https:, carries no user info and its host is on the allowlist;
 *  - IPC: from the app origin's top frame of the app's own window only.
 */
'use strict';

const { APP_ORIGIN } = require('./protocol');

/** @typedef {import('electron').WebContents} WebContents */
/** @typedef {import('electron').WebFrameMain} WebFrameMain */

/**
 * Is @p url a page of the app itself (app://sipshield/...)?
 * @param {unknown} url
 * @returns {boolean}
 */
function isAppUrl(url) {
  return originOf(url) === APP_ORIGIN;
}

/**
 * The origin of a URL as scheme://host[:port], or '' if it is not a URL.
 * (Not URL.origin: outside Chromium, where app: is registered as a
 * standard scheme, the origin of an app: URL is opaque, "null".)
 * @param {unknown} url
 */
function originOf(url) {
  if (typeof url !== 'string') return '';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}

/**
 * What a permission request or check is about: the Electron handler's
 * arguments, reduced to what the decision reads.
 * @typedef {object} PermissionQuery
 * @property {string} permission Electron's permission name
 * @property {string} origin the requesting frame's origin or URL
 * @property {boolean} isMainFrame
 * @property {Array<'audio' | 'video' | 'unknown'>} mediaTypes for `media`
 * @property {boolean} videoCall the user has started a video call
 */

/**
 * May the page have this permission?
 * @param {PermissionQuery} q
 * @returns {boolean}
 */
function permissionAllowed(q) {
  if (!q.isMainFrame || originOf(q.origin) !== APP_ORIGIN) return false;
  switch (q.permission) {
    case 'notifications':
      return true;
    case 'media':
      // the microphone always; the camera only during the user's video call
      return q.mediaTypes.length > 0 && q.mediaTypes.every((t) =>
        t === 'audio' || (t === 'video' && q.videoCall));
    default:
      return false;
  }
}

/**
 * May the window navigate to @p url? Never: the app is one page, and a
 * reload of it is not a navigation (`will-navigate` does not fire for it).
 * @param {string} url
 * @returns {false}
 */
function navigationAllowed(url) {
  void url;
  return false;
}

/**
 * Should a link the page tried to open go to the system browser?
 * @param {unknown} url what window.open or a target=_blank link asked for
 * @param {readonly string[]} allowlist host names (exact, case-insensitive)
 * @returns {string | null} the URL to hand to shell.openExternal, or null
 */
function externalLink(url, allowlist) {
  if (typeof url !== 'string' || url.length > 2048) return null;
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return null;
  const host = u.hostname.toLowerCase();
  if (!allowlist.some((h) => typeof h === 'string' && h.toLowerCase() === host)) return null;
  return u.href;
}

/**
 * Did an IPC message come from the app's own page: the top frame of the
 * app's window, showing an app:// URL?
 * @param {{ sender: WebContents, senderFrame: WebFrameMain | null }} event
 * @param {import('electron').BrowserWindow | null} win the app's window
 * @returns {boolean}
 */
function fromAppFrame(event, win) {
  const frame = event.senderFrame;
  if (!win || win.isDestroyed() || !frame) return false;
  return event.sender === win.webContents &&
    frame === win.webContents.mainFrame &&
    frame.parent === null &&
    isAppUrl(frame.url);
}

module.exports = { isAppUrl, originOf, permissionAllowed, navigationAllowed, externalLink, fromAppFrame };
