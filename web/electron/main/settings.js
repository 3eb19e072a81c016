/**
 * @file settings.js  The account settings: validated here, kept in the main process
 *
 * The settings form in the page sends what the user typed once
 * (`saveAccount`); this module checks every field and splits it in two:
 *  - the account (server, uri, display name, privacy, endpoints, realm,
 *    username, link allowlist, login item, shortcuts): not secret, kept in
 *    `settings.json` under the app's userData, shown to the page;
 *  - the credential (a password or HA1s): handed to secrets.js, which
 *    stores it encrypted or for the session only, and never to the page
 *    again except through the core's `credentials` callback.
 *
 * With a realm, a password is turned into its HA1 for each digest
 * algorithm here (MD5, SHA-256, SHA-512-256: RFC 7616/8760
 * H(username:realm:password)) and the password itself is dropped: what is
 * stored can only answer that realm. A `credentialsUrl` (short-lived
 * credentials from the site's backend) needs no stored secret at all.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const PRIVACY = ['mdns', 'relay', 'off'];
const HA1_HEX = { md5: 32, sha256: 64, sha512_256: 64 };
const HA1_HASH = { md5: 'md5', sha256: 'sha256', sha512_256: 'sha512-256' };
const SHORTCUT_ACTIONS = ['answer', 'hangup', 'show'];
const MAX = { url: 512, uri: 256, text: 128, password: 1024, hosts: 32 };

/**
 * @typedef {object} Settings
 * @property {string} server wss:// URL
 * @property {string} uri sip:user@domain
 * @property {string | null} displayName
 * @property {'mdns' | 'relay' | 'off'} privacy
 * @property {string | null} credentialsUrl
 * @property {string | null} iceServersUrl
 * @property {string | null} realm
 * @property {string | null} username
 * @property {string[]} externalLinks hosts whose https: links open in the browser
 * @property {boolean} startAtLogin
 * @property {Partial<Record<'answer' | 'hangup' | 'show', string>>} shortcuts accelerators the user chose
 */

/** @typedef {import('../desktop-api').DesktopCredential} Credential */

/**
 * Is @p v a non-empty single-line string of at most @p max characters?
 * @param {unknown} v
 * @param {number} max
 * @returns {v is string}
 */
function text(v, max) {
  return typeof v === 'string' && v.length > 0 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v);
}

/**
 * An endpoint URL the page may fetch: https:, or http: on loopback (tests)
 * @param {unknown} v
 * @returns {string | null | undefined} the URL, null if none given, undefined if invalid
 */
function endpoint(v) {
  if (v === undefined || v === null || v === '') return null;
  if (!text(v, MAX.url)) return undefined;
  try {
    const u = new URL(/** @type {string} */ (v));
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (u.username || u.password || u.hash) return undefined;
    if (u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) return u.href;
  } catch { /* not a URL */ }
  return undefined;
}

/**
 * Check the account's fields that are not secret.
 * @param {unknown} input settings from the page or from settings.json (untrusted)
 * @param {Partial<Settings>} [previous] the settings it replaces (allowlist, login item, shortcuts stay)
 * @returns {{ ok: true, settings: Settings } | { ok: false, reason: string }}
 */
function checkSettings(input, previous = {}) {
  if (!input || typeof input !== 'object') return { ok: false, reason: 'settings must be an object' };
  const x = /** @type {Record<string, unknown>} */ (input);

  let server = null;
  try {
    server = text(x.server, MAX.url) ? new URL(/** @type {string} */ (x.server)) : null;
  } catch { /* not a URL */ }
  if (!server) return { ok: false, reason: 'server: a wss:// URL' };
  if (server.protocol !== 'wss:') return { ok: false, reason: 'server: only wss:// is allowed' };
  if (server.username || server.password || server.hash) {
    return { ok: false, reason: 'server: no user info or fragment in the URL' };
  }
  const uri = x.uri;
  if (!text(uri, MAX.uri) || !/^sips?:[^@\s;?<>"\\]+@[A-Za-z0-9.[\]:-]+$/i.test(/** @type {string} */ (uri))) {
    return { ok: false, reason: 'uri: sip:user@domain' };
  }
  const displayName = x.displayName ?? null;
  if (displayName !== null && (!text(displayName, 64) || /["\\]/.test(/** @type {string} */ (displayName)))) {
    return { ok: false, reason: 'display name: at most 64 characters, no quotes or backslashes' };
  }
  const privacy = x.privacy ?? 'mdns';
  if (!PRIVACY.includes(/** @type {string} */ (privacy))) return { ok: false, reason: 'privacy: mdns, relay or off' };
  const credentialsUrl = endpoint(x.credentialsUrl);
  if (credentialsUrl === undefined) return { ok: false, reason: 'credentials URL: an https:// URL' };
  const iceServersUrl = endpoint(x.iceServersUrl);
  if (iceServersUrl === undefined) return { ok: false, reason: 'ICE servers URL: an https:// URL' };
  const realm = x.realm ?? null;
  if (realm !== null && (!text(realm, MAX.text) || /["\\]/.test(/** @type {string} */ (realm)))) {
    return { ok: false, reason: 'realm: at most 128 characters, no quotes' };
  }
  const username = x.username ?? null;
  if (username !== null && !text(username, MAX.text)) return { ok: false, reason: 'username: at most 128 characters' };

  return {
    ok: true,
    settings: {
      server: server.href,
      uri: /** @type {string} */ (uri),
      displayName: /** @type {string | null} */ (displayName),
      privacy: /** @type {Settings['privacy']} */ (privacy),
      credentialsUrl,
      iceServersUrl,
      realm: /** @type {string | null} */ (realm),
      username: /** @type {string | null} */ (username),
      externalLinks: previous.externalLinks ?? [],
      startAtLogin: previous.startAtLogin ?? false,
      shortcuts: previous.shortcuts ?? {},
    },
  };
}

/**
 * Check what the user typed in the settings form: the account, and the
 * credential to store unless a credentials URL makes one unnecessary.
 * @param {unknown} input a DesktopAccountInput from the page (untrusted)
 * @param {Partial<Settings>} [previous]
 * @param {{ stored?: boolean }} [o] a credential is stored: with no new
 *   secret it stays, unless the user name or realm it was made for changed
 * @returns {{ ok: true, settings: Settings, credential: Credential | null } | { ok: false, reason: string }}
 */
function validateAccount(input, previous = {}, { stored = false } = {}) {
  const v = checkSettings(input, previous);
  if (!v.ok) return v;
  const { settings } = v;
  const user = settings.username ?? /^sips?:([^@]+)@/i.exec(settings.uri)?.[1] ?? '';
  const credential = credentialOf(/** @type {Record<string, unknown>} */ (input), user, settings.realm);
  if (typeof credential === 'string') return { ok: false, reason: credential };
  if (!credential && !settings.credentialsUrl) {
    const before = previous.username ?? /^sips?:([^@]+)@/i.exec(previous.uri ?? '')?.[1] ?? '';
    if (!stored) {
      return { ok: false, reason: 'give a credentials URL, or a password (with the realm, only its HA1 is stored)' };
    }
    if (before !== user || (previous.realm ?? null) !== settings.realm) {
      return { ok: false, reason: 'the user name or realm changed: enter the password again' };
    }
  }
  return { ok: true, settings, credential: settings.credentialsUrl ? null : credential };
}


/**
 * The credential to store: HA1s (from given HA1s, or from the password when
 * the realm is known), else the password; a string says what is wrong.
 * @param {Record<string, unknown>} x
 * @param {string} user
 * @param {string | null} realm
 * @returns {Credential | string | null}
 */
function credentialOf(x, user, realm) {
  const { password, ha1 } = x;
  if (ha1 !== undefined && ha1 !== null) {
    if (typeof ha1 !== 'object' || !realm) return 'ha1: an object of hex digests, and the realm';
    /** @type {Record<string, string>} */
    const out = {};
    for (const [alg, hex] of Object.entries(ha1)) {
      const n = HA1_HEX[/** @type {keyof typeof HA1_HEX} */ (alg)];
      if (!n || typeof hex !== 'string' || !new RegExp(`^[0-9a-f]{${n}}$`, 'i').test(hex)) {
        return `ha1.${alg}: not a hex digest of that algorithm`;
      }
      out[alg] = hex.toLowerCase();
    }
    if (!Object.keys(out).length) return 'ha1: give at least one algorithm';
    return { username: user, ha1: out };
  }
  if (password === undefined || password === null || password === '') return null;
  if (typeof password !== 'string' || password.length > MAX.password) return 'password: at most 1024 characters';
  if (!realm) return { username: user, password };
  /** @type {Record<string, string>} */
  const out = {};
  for (const [alg, hash] of Object.entries(HA1_HASH)) {
    out[alg] = crypto.createHash(hash).update(`${user}:${realm}:${password}`).digest('hex');
  }
  return { username: user, ha1: out };
}

/**
 * Check the desktop-only preferences (allowlist, login item, shortcuts).
 * @param {unknown} v
 * @returns {Pick<Settings, 'externalLinks' | 'startAtLogin' | 'shortcuts'> | null}
 */
function validatePreferences(v) {
  if (!v || typeof v !== 'object') return null;
  const x = /** @type {Record<string, unknown>} */ (v);
  const links = x.externalLinks ?? [];
  if (!Array.isArray(links) || links.length > MAX.hosts ||
      !links.every((h) => typeof h === 'string' && /^[a-z0-9.-]{1,253}$/i.test(h))) return null;
  const startAtLogin = x.startAtLogin ?? false;
  if (typeof startAtLogin !== 'boolean') return null;
  const shortcuts = x.shortcuts ?? {};
  if (typeof shortcuts !== 'object' || shortcuts === null) return null;
  /** @type {Settings['shortcuts']} */
  const out = {};
  for (const [k, accel] of Object.entries(shortcuts)) {
    if (!SHORTCUT_ACTIONS.includes(k) || !text(accel, 64) || !/^[A-Za-z0-9+]+$/.test(/** @type {string} */ (accel))) {
      return null;
    }
    out[/** @type {'answer' | 'hangup' | 'show'} */ (k)] = /** @type {string} */ (accel);
  }
  return { externalLinks: links.map((h) => h.toLowerCase()), startAtLogin, shortcuts: out };
}

/**
 * Read settings.json; a missing or damaged file is "no account yet".
 * @param {string} file
 * @returns {Settings | null}
 */
function loadSettings(file) {
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const v = checkSettings(raw, validatePreferences(raw) ?? {});
  return v.ok ? v.settings : null;
}


/**
 * Write settings.json (owner-only, replaced atomically).
 * @param {string} file
 * @param {Settings} settings
 */
function saveSettings(file, settings) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

module.exports = { checkSettings, validateAccount, validatePreferences, loadSettings, saveSettings };
