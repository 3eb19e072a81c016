/**
 * @file secrets.js  The stored SIP credential: safeStorage or this session only
 *
 * The credential (a password or HA1s, see settings.js) is encrypted with
 * Electron's safeStorage, whose key lives in the OS keyring (Keychain,
 * DPAPI, libsecret or KWallet), with the async API, and written owner-only
 * to `credential.bin` under userData. Never in plain text, never with a key
 * derived from something on the machine.
 *
 * On Linux, safeStorage falls back to the `basic_text` backend when no
 * keyring is running: a key hard-coded in Electron, which protects
 * nothing. Then nothing is written: the credential is kept in memory for
 * this session only and the page shows why (`warning`). The same holds
 * when encryption is unavailable at all.
 *
 * Nothing here logs: a failure is reported by what the functions return.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** @typedef {import('../desktop-api').DesktopCredential} Credential */

const WARN_BASIC_TEXT = 'No system keyring (the basic_text backend): the credential is kept for this ' +
  'session only. Start a keyring (GNOME Keyring, KWallet) to store it.';
const WARN_UNAVAILABLE = 'Encryption is not available on this system: the credential is kept for this ' +
  'session only.';

/**
 * @typedef {object} CredentialStore
 * @property {() => Promise<{ storage: 'encrypted' | 'session' | 'none', warning: string | null }>} status
 * @property {(credential: Credential) => Promise<'encrypted' | 'session'>} save
 * @property {() => Promise<Credential | null>} load
 * @property {() => Promise<void>} clear
 */

/**
 * @param {object} o
 * @param {Pick<import('electron').SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync'
 *   | 'decryptStringAsync' | 'getSelectedStorageBackend'>} o.safeStorage
 * @param {string} o.dir the app's userData directory
 * @param {NodeJS.Platform} [o.platform]
 * @returns {CredentialStore}
 */
function createCredentialStore({ safeStorage, dir, platform = process.platform }) {
  const file = path.join(dir, 'credential.bin');
  /** @type {Credential | null} the session-only credential */
  let session = null;

  /** Can the credential be stored, and if not why not */
  async function usable() {
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return WARN_BASIC_TEXT;
    }
    return await safeStorage.isAsyncEncryptionAvailable() ? null : WARN_UNAVAILABLE;
  }

  return {
    async status() {
      const warning = await usable();
      if (session) return { storage: 'session', warning };
      if (!warning && fs.existsSync(file)) return { storage: 'encrypted', warning: null };
      return { storage: 'none', warning };
    },

    async save(credential) {
      const warning = await usable();
      fs.rmSync(file, { force: true });
      if (warning) {
        session = credential;
        return 'session';
      }
      session = null;
      const sealed = await safeStorage.encryptStringAsync(JSON.stringify(credential));
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, sealed, { mode: 0o600 });
      fs.renameSync(tmp, file);
      return 'encrypted';
    },

    async load() {
      if (session) return session;
      if (await usable() || !fs.existsSync(file)) return null;
      let plain;
      try {
        const r = await safeStorage.decryptStringAsync(fs.readFileSync(file));
        plain = r.result;
        // the keyring rotated its key: store it again under the new one
        if (r.shouldReEncrypt) {
          fs.writeFileSync(file, await safeStorage.encryptStringAsync(plain), { mode: 0o600 });
        }
      } catch {
        return null;  // another keyring, or a damaged file: ask the user again
      }
      try {
        const c = JSON.parse(plain);
        return c && typeof c.username === 'string' && (typeof c.password === 'string' ||
          (c.ha1 && typeof c.ha1 === 'object')) ? c : null;
      } catch {
        return null;
      }
    },

    async clear() {
      session = null;
      fs.rmSync(file, { force: true });
    },
  };
}

module.exports = { createCredentialStore, WARN_BASIC_TEXT, WARN_UNAVAILABLE };
