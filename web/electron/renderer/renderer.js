/**
 * @file renderer.js  The desktop window's page: one <sip-phone> driven by the main process
 *
 * A classic script (index.html loads it after /sipshield-widget.js, which
 * defines <sip-phone> and `window.sipshield`). It talks to the main process
 * only through `window.sipshieldDesktop` (../desktop-api.d.ts, exposed by the
 * preload):
 *  - account() → the element's attributes (nothing secret) and `config`:
 *    credentials from the account's credentials URL, else asked from the main
 *    process each time the core needs one; TURN credentials from its URL;
 *  - the element's sip-* events → reportState() and, for a call coming in,
 *    notifyIncoming();
 *  - onCommand(): dial, answer, decline, hangup, reregister, unregister
 *    (then quitReady()), account-changed.
 * With no account, or when the user opens Settings, the settings form is
 * shown. Its password goes to saveAccount() once and the field is emptied;
 * it is never put in an attribute, in storage or in a log.
 */
/// <reference path="../desktop-api.d.ts" />
'use strict';

/** @typedef {import('../desktop-api').DesktopApi} DesktopApi */
/** @typedef {import('../desktop-api').DesktopAccount} DesktopAccount */
/** @typedef {import('../desktop-api').DesktopAccountInput} DesktopAccountInput */
/** @typedef {import('../desktop-api').DesktopCommand} DesktopCommand */
/** @typedef {import('../desktop-api').DesktopState} DesktopState */
/** @typedef {import('../../../dist/types/widget/sip-phone.js').SipPhone} SipPhone */
/** @typedef {import('../../../dist/types/widget/sip-phone.js').SipPhoneEventMap} SipPhoneEventMap */
/** @typedef {import('../../../dist/types/widget/sip-phone.js').PhoneConfig} PhoneConfig */

/**
 * The part of the widget script's global `window.sipshield` this page uses.
 * @typedef {object} WidgetGlobal
 * @property {typeof import('../../../dist/types/credentials.js').credentialsFromUrl} credentialsFromUrl
 * @property {typeof import('../../../dist/types/credentials.js').iceServersFromUrl} iceServersFromUrl
 */

(() => {
  /** Longest wait for the un-REGISTER when quitting; the app quits either way */
  const UNREGISTER_WAIT_MS = 2500;  // the main process quits after 3000 ms anyway
  /** Longest wait for a call in progress to be hung up before unregistering */
  const HANGUP_WAIT_MS = 2000;

  const desktop = window.sipshieldDesktop;
  const widget = /** @type {{ sipshield?: WidgetGlobal }} */ (/** @type {unknown} */ (window)).sipshield;

  /**
   * @template {HTMLElement} T
   * @param {string} id
   * @param {{ new (): T, prototype: T }} type
   * @returns {T}
   */
  function byId(id, type) {
    const el = document.getElementById(id);
    if (!(el instanceof type)) throw new Error(`index.html lacks #${id}`);
    return el;
  }

  const ui = {
    slot: byId('phone-slot', HTMLElement),
    warning: byId('warning', HTMLElement),
    notice: byId('notice', HTMLElement),
    openSettings: byId('open-settings', HTMLButtonElement),
    form: byId('settings', HTMLFormElement),
    server: byId('server', HTMLInputElement),
    uri: byId('uri', HTMLInputElement),
    displayName: byId('display-name', HTMLInputElement),
    privacy: byId('privacy', HTMLSelectElement),
    credentialsUrl: byId('credentials-url', HTMLInputElement),
    iceServersUrl: byId('ice-servers-url', HTMLInputElement),
    username: byId('username', HTMLInputElement),
    password: byId('password', HTMLInputElement),
    realm: byId('realm', HTMLInputElement),
    externalLinks: byId('external-links', HTMLInputElement),
    startAtLogin: byId('start-at-login', HTMLInputElement),
    shortcutAnswer: byId('shortcut-answer', HTMLInputElement),
    shortcutHangup: byId('shortcut-hangup', HTMLInputElement),
    stored: byId('stored', HTMLElement),
    settingsError: byId('settings-error', HTMLElement),
    cancel: byId('cancel-settings', HTMLButtonElement),
  };

  /** @type {SipPhone | null} the phone on screen */
  let element = null;
  /** @type {DesktopAccount | null} the account it was built from */
  let account = null;
  /** @type {DesktopState} what the main process was told last */
  let state = { registration: 'unregistered', call: 'idle', video: false };

  /** @param {Partial<DesktopState>} change */
  function setState(change) {
    const next = { ...state, ...change };
    if (next.registration === state.registration && next.call === state.call && next.video === state.video) return;
    state = next;
    desktop.reportState({ ...state });
  }

  /** @param {string} text */
  function notice(text) {
    ui.notice.textContent = text;
  }

  /* --- the phone --- */

  /**
   * The element's Phone config beyond its attributes: where credentials come from.
   * @param {DesktopAccount} acc
   * @param {WidgetGlobal} api
   * @returns {Partial<PhoneConfig>}
   */
  function phoneConfig(acc, api) {
    /** @type {Partial<PhoneConfig>} */
    const config = {
      credentials: acc.credentialsUrl
        ? api.credentialsFromUrl(acc.credentialsUrl, { credentials: 'include' })
        : ({ reason }) => desktop.credentials(reason),
    };
    if (acc.iceServersUrl) config.iceServers = api.iceServersFromUrl(acc.iceServersUrl, { credentials: 'include' });
    // a stored HA1 answers this realm only: the core pins it
    if (acc.realm) config.realm = acc.realm;
    return config;
  }

  /**
   * Registration state from the phone itself, after an error the element reported.
   * @param {SipPhone} el
   * @returns {DesktopState['registration']}
   */
  function registrationOf(el) {
    const s = el.phone?.state;
    if (s === 'registered') return 'registered';
    // the core retries a lost registration on its own: still 'registering'
    if (s === 'registering') return 'registering';
    return 'failed';
  }

  /**
   * Call state from the phone's calls (an ended or refused call may leave another one up).
   * @param {SipPhone} el
   * @returns {DesktopState['call']}
   */
  function callOf(el) {
    const calls = (el.phone?.calls ?? []).filter((c) => c.state !== 'ended');
    if (calls.some((c) => c.state === 'active')) return 'active';
    return calls.length ? 'ringing' : 'idle';
  }

  /** @param {SipPhone} el */
  function ringingIncoming(el) {
    return (el.phone?.calls ?? []).some((c) => c.direction === 'incoming' && c.state === 'incoming');
  }

  /**
   * Listen to one of the element's events while it is the phone on screen.
   * @template {keyof SipPhoneEventMap} K
   * @param {SipPhone} el
   * @param {K} name
   * @param {(detail: SipPhoneEventMap[K]) => void} handler
   */
  function on(el, name, handler) {
    el.addEventListener(name, (e) => {
      if (el === element) handler(/** @type {CustomEvent<SipPhoneEventMap[K]>} */ (e).detail);
    });
  }

  /** Take the phone off screen; the element unregisters and closes its Phone when removed. */
  function removePhone() {
    element?.remove();
    element = null;
    account = null;
  }

  /** @param {DesktopAccount} acc */
  function buildPhone(acc) {
    removePhone();
    if (!widget) {
      notice('The phone component did not load (sipshield-widget.js). Reinstall the app.');
      setState({ registration: 'failed', call: 'idle' });
      return;
    }
    const el = /** @type {SipPhone} */ (document.createElement('sip-phone'));
    el.setAttribute('server', acc.server);
    el.setAttribute('uri', acc.uri);
    if (acc.displayName) el.setAttribute('display-name', acc.displayName);
    el.setAttribute('privacy', acc.privacy);
    el.config = phoneConfig(acc, widget);
    on(el, 'sip-registered', () => setState({ registration: 'registered' }));
    on(el, 'sip-unregistered', () => setState({ registration: 'unregistered' }));
    on(el, 'sip-error', () => setState({ registration: registrationOf(el), call: callOf(el) }));
    on(el, 'sip-incoming', ({ from, displayName }) => {
      setState({ call: callOf(el) });
      // a ringing call is not left behind the settings form
      if (!ui.form.hidden) hideSettings();
      desktop.notifyIncoming({ from, displayName });
    });
    on(el, 'sip-call-accepted', () => setState({ call: 'active' }));
    on(el, 'sip-call-ended', () => setState({ call: callOf(el) }));
    element = el;
    account = acc;
    notice('');
    setState({ registration: 'registering', call: 'idle' });
    ui.slot.append(el);
  }

  /** Read the account and show the phone, or the settings form when there is none. */
  async function load() {
    let acc;
    try {
      acc = await desktop.account();
    } catch {
      removePhone();
      notice('Could not read the settings.');
      setState({ registration: 'failed', call: 'idle' });
      return;
    }
    showWarning(acc?.warning ?? null);
    if (!acc) {
      removePhone();
      setState({ registration: 'unregistered', call: 'idle' });
      showSettings(null);
      return;
    }
    if (element && sameAccount(acc, account)) return;
    hideSettings();
    buildPhone(acc);
  }

  /**
   * Whether the phone built from `b` fits `a` (the warning does not change the phone).
   * @param {DesktopAccount} a
   * @param {DesktopAccount | null} b
   */
  function sameAccount(a, b) {
    return b !== null && JSON.stringify({ ...a, warning: null }) === JSON.stringify({ ...b, warning: null });
  }

  /** @param {string | null} text */
  function showWarning(text) {
    ui.warning.textContent = text ?? '';
    ui.warning.hidden = !text;
  }

  /* --- commands from the main process --- */

  /**
   * @template T
   * @param {Promise<T> | undefined} promise
   * @param {number} ms
   * @returns {Promise<void>} settles when `promise` does or after `ms`, never rejects
   */
  function bounded(promise, ms) {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
    return Promise.race([Promise.resolve(promise).catch(() => {}), timeout])
      .then(() => clearTimeout(timer));
  }

  /** Quitting: end any call, unregister (bounded), then let the main process quit. */
  async function unregisterAndQuit() {
    const el = element;
    if (el?.phone) {
      if (callOf(el) !== 'idle') await bounded(el.hangup(), HANGUP_WAIT_MS);
      await bounded(el.phone.unregister(), UNREGISTER_WAIT_MS);
    }
    desktop.quitReady();
  }

  /** @param {DesktopCommand} command */
  function onCommand(command) {
    const el = element;
    switch (command.type) {
      case 'dial':
        if (!el || typeof command.target !== 'string') return;
        setState({ call: 'ringing' });
        void el.call(command.target).then(() => {
          if (el === element) setState({ call: callOf(el) });
        });
        return;
      case 'answer':
        if (el) void el.answer();
        return;
      case 'decline':
        // hangup() rejects the call ringing; without one it would end the call in progress
        if (el && ringingIncoming(el)) void el.hangup();
        return;
      case 'hangup':
        if (el && callOf(el) !== 'idle') void el.hangup();
        return;
      case 'reregister':
        // after sleep the registration may be gone while the phone still thinks it is in place
        if (el?.phone && el.phone.state !== 'closed') {
          setState({ registration: 'registering' });
          // a failure is shown by the element (registration-failed) and reported through sip-error
          el.phone.register().catch(() => setState({ registration: registrationOf(el) }));
        }
        return;
      case 'unregister':
        void unregisterAndQuit();
        return;
      case 'account-changed':
        void load();
        return;
    }
  }

  /* --- settings --- */

  /** @param {DesktopAccount | null} acc */
  function showSettings(acc) {
    ui.server.value = acc?.server ?? '';
    ui.uri.value = acc?.uri ?? '';
    ui.displayName.value = acc?.displayName ?? '';
    ui.privacy.value = acc?.privacy ?? 'mdns';
    ui.credentialsUrl.value = acc?.credentialsUrl ?? '';
    ui.iceServersUrl.value = acc?.iceServersUrl ?? '';
    ui.username.value = acc?.username ?? '';
    ui.password.value = '';
    ui.realm.value = acc?.realm ?? '';
    ui.externalLinks.value = (acc?.externalLinks ?? []).join(', ');
    ui.startAtLogin.checked = acc?.startAtLogin ?? false;
    ui.shortcutAnswer.value = acc?.shortcuts.answer ?? '';
    ui.shortcutHangup.value = acc?.shortcuts.hangup ?? '';
    ui.stored.textContent = storedText(acc);
    ui.settingsError.textContent = '';
    ui.cancel.hidden = !element;
    ui.form.hidden = false;
    ui.slot.hidden = true;
    ui.server.focus();
  }

  function hideSettings() {
    ui.password.value = '';
    ui.form.hidden = true;
    ui.slot.hidden = false;
  }

  /** @param {DesktopAccount | null} acc */
  function storedText(acc) {
    if (!acc || acc.credentialsUrl) return '';
    if (acc.storage === 'encrypted') return 'A password is stored, encrypted by the system. Leave it empty to keep it.';
    if (acc.storage === 'session') return 'A password is kept for this session only. Leave it empty to keep it.';
    return '';
  }

  /** @param {string} value */
  const orNull = (value) => value.trim() || null;

  async function save() {
    // the password leaves the page's DOM before anything can wait
    const password = ui.password.value;
    ui.password.value = '';
    const privacy = ui.privacy.value;
    /** @type {DesktopAccountInput} */
    const input = {
      server: ui.server.value.trim(),
      uri: ui.uri.value.trim(),
      displayName: orNull(ui.displayName.value),
      privacy: privacy === 'relay' || privacy === 'off' ? privacy : 'mdns',
      credentialsUrl: orNull(ui.credentialsUrl.value),
      iceServersUrl: orNull(ui.iceServersUrl.value),
      username: orNull(ui.username.value),
      realm: orNull(ui.realm.value),
      externalLinks: ui.externalLinks.value.split(',').map((h) => h.trim()).filter(Boolean),
      startAtLogin: ui.startAtLogin.checked,
      shortcuts: {
        ...(orNull(ui.shortcutAnswer.value) ? { answer: ui.shortcutAnswer.value.trim() } : {}),
        ...(orNull(ui.shortcutHangup.value) ? { hangup: ui.shortcutHangup.value.trim() } : {}),
      },
    };
    // no password typed: none is sent (a stored one stays as it is)
    if (password) input.password = password;
    ui.settingsError.textContent = '';
    let result;
    try {
      result = await desktop.saveAccount(input);
    } catch {
      ui.settingsError.textContent = 'The settings could not be saved.';
      return;
    }
    if (!result.ok) {
      ui.settingsError.textContent = result.reason;
      return;
    }
    showWarning(result.account.warning);
    hideSettings();
    // even an unchanged account gets a new phone: the credential may have changed
    buildPhone(result.account);
  }

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
  ui.cancel.addEventListener('click', () => {
    if (element) hideSettings();
  });
  ui.openSettings.addEventListener('click', () => showSettings(account));

  desktop.onCommand(onCommand);
  void load();
})();
