/**
 * @file sip-phone.js  `<sip-phone>`: a softphone a website adds in one line
 *
 * ```html
 * <sip-phone server="wss://pbx.example.com/ws" uri="sip:alice@example.com"
 *   credentials-url="/sip-credentials"></sip-phone>
 * ```
 *
 * A client of sipshield's public API only (../../shim/index.js). Attributes
 * carry nothing secret: `server`, `uri`, `display-name`, `privacy`,
 * `credentials-url`, `ice-servers-url`, `target` + `mode="click-to-call"`.
 * `element.config = {...}` adds or overrides Phone config (kept in a private
 * field, never reflected); `element.phone` is the Phone.
 *
 * Events (bubbling, composed; payload in `detail`, never a secret):
 * sip-registered, sip-unregistered, sip-incoming, sip-call-accepted,
 * sip-call-ended, sip-quality-warning, sip-recording, sip-reconnecting,
 * sip-reconnected, sip-error.
 *
 * Recording: `element.record({ key } | { recipient })` records the call in
 * progress (sealed: shim/record.js; the script-tag build loads the
 * recorder when a recording starts, a module user imports
 * 'sipshield/record'), `element.stopRecording()` ends it with the file.
 * While a recording of the call runs, however it was started, the
 * `recording` part (role=status) says so.
 *
 * Parts: phone, status, dial, input, dialpad, key, button, call, answer,
 * reject, hangup, hold, mute, retry, click-to-call, incoming, in-call, peer,
 * timer, recording, message, error, security, quality, plot.
 *
 * Under a strict CSP: no inline style (a constructable stylesheet), no
 * innerHTML of strings, no eval.
 */
import { Phone, PhoneError, credentialsFromUrl, iceServersFromUrl } from '../../shim/index.js';
import css from './styles.css.js';
import { Ringtone } from './ringtone.js';
import { drawPlot } from './plot.js';
import { buildUi, h, KEYS, METRICS, QUALITY_KEEP } from './ui.js';
import { sampleFromStats, activeWarnings, warningChanges } from './quality.js';
import { endedInWords, errorInWords } from './words.js';

/** @typedef {ConstructorParameters<typeof Phone>[0]} PhoneConfig */
/** @typedef {NonNullable<ConstructorParameters<typeof Phone>[1]>} CoreOptions */
/** @typedef {Awaited<ReturnType<Phone['call']>>} Call */
/** @typedef {Awaited<ReturnType<Call['security']>>} SecurityReport */
/** @typedef {import('./quality.js').QualitySample} QualitySample */
/** @typedef {import('./quality.js').RtpCounters} RtpCounters */
/** @typedef {import('./quality.js').WarningKind} WarningKind */

/**
 * The `detail` of each event the element dispatches.
 * @typedef {{
 *   'sip-registered': { uri: string, expires: number, digest: string | null },
 *   'sip-unregistered': {},
 *   'sip-incoming': { from: string, displayName: string | null },
 *   'sip-call-accepted': { remote: string, direction: 'outgoing' | 'incoming' },
 *   'sip-call-ended': { cause: string, status: number, reason: string | null, message: string,
 *     remote: string, direction: 'outgoing' | 'incoming' },
 *   'sip-quality-warning': import('./quality.js').QualityWarning,
 *   'sip-recording': { state: 'recording' | 'paused' | 'stopped' },
 *   'sip-reconnecting': { cause: string, attempt: number, retryIn: number },
 *   'sip-reconnected': {},
 *   'sip-error': { code: string, message: string, status?: number },
 * }} SipPhoneEventMap
 */

const ATTRIBUTES = ['server', 'uri', 'display-name', 'privacy', 'credentials-url',
  'ice-servers-url', 'target', 'mode'];
const QUALITY_MS = 1000;
/** Config fields that are or may hold secrets (TURN credentials too): never handed back by the `config` getter */
const SECRET_KEYS = ['password', 'ha1', 'credentials', 'iceServers'];

/** @type {Record<WarningKind, string>} */
const WARNING_TEXT = {
  rtt: 'High delay: round trip over 400 ms',
  jitter: 'Unstable audio: jitter over 30 ms',
  loss: 'Audio dropping: packet loss over 3 %',
  mos: 'Poor call quality: estimated MOS under 3.5',
};

/** @type {Array<[keyof SecurityReport, string]>} */
const SECURITY_ROWS = [
  ['signalling', 'Signalling'],
  ['digestAlgorithm', 'Digest'],
  ['privacy', 'Privacy mode'],
  ['dtlsRole', 'DTLS role'],
  ['dtlsCipher', 'DTLS cipher'],
  ['tlsVersion', 'DTLS version'],
  ['srtpCipher', 'SRTP cipher'],
  ['fingerprintAlgorithm', 'Fingerprint'],
  ['localCandidateType', 'Local candidate'],
  ['remoteCandidateType', 'Remote candidate'],
];

/** @param {number} ms */
function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** @param {unknown} e */
function codeOf(e) {
  const code = /** @type {{ code?: unknown }} */ (e)?.code;
  return typeof code === 'string' ? code : 'internal';
}

/** A SIP URI without its scheme and parameters, for display */
function shortUri(/** @type {string} */ uri) {
  return uri.replace(/^sips?:/, '').replace(/;.*$/, '');
}

export class SipPhone extends HTMLElement {
  static observedAttributes = ATTRIBUTES;

  /**
   * Where the wasm core comes from for every `<sip-phone>` of the page
   * (the script-tag bundle sets this to a fetch with integrity check).
   * Default: the shim's own default, beside the npm package's files.
   * @type {() => Promise<CoreOptions | undefined>}
   */
  static coreOptions = async () => undefined;

  /**
   * Makes `call.record()` work before a recording starts (the script-tag
   * bundle sets this to load the recorder from beside itself). Default:
   * nothing; a module user imports 'sipshield/record'.
   * @type {() => Promise<void>}
   */
  static loadRecorder = async () => {};

  /** @type {Partial<PhoneConfig>} */
  #config = {};
  /** @type {Phone | null} */
  #phone = null;
  /** @type {Call | null} */
  #call = null;
  /** @type {Call | null} an incoming call not answered yet */
  #ringing = null;
  /** restarts bump it, so a slow start that lost the race gives up */
  #generation = 0;
  #restartQueued = false;
  #ringtone = new Ringtone();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #tick;
  #acceptedAt = 0;
  /** @type {QualitySample[]} */
  #samples = [];
  /** @type {RtpCounters | null} */
  #counters = null;
  /** @type {Set<WarningKind>} */
  #warnings = new Set();
  #ui = buildUi();
  /** @type {unknown} the error on screen: a rejection and its event are one error */
  #shownError = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    root.append(this.#ui.phone);
    this.#wire();
  }

  /**
   * Extra Phone config over the attributes (`{ minAlgorithm, registerExpires, iceServers, ... }`),
   * kept in a private field; restarts the phone. A password works too, but then the page holds
   * it: `credentials-url` keeps it out.
   */
  set config(value) {
    this.#config = { ...(value ?? {}) };
    this.#queueRestart();
  }

  /** @returns {Partial<PhoneConfig>} what was set, without its secrets */
  get config() {
    const copy = /** @type {Record<string, unknown>} */ ({ ...this.#config });
    for (const k of SECRET_KEYS) delete copy[k];
    return /** @type {Partial<PhoneConfig>} */ (copy);
  }

  /** @returns {Phone | null} the phone, once created */
  get phone() {
    return this.#phone;
  }

  get clickToCall() {
    return this.getAttribute('mode') === 'click-to-call';
  }

  connectedCallback() {
    this.addEventListener('keydown', this.#onKey);
    this.#queueRestart();
  }

  disconnectedCallback() {
    this.removeEventListener('keydown', this.#onKey);
    this.#generation++;
    void this.#stop();
  }

  attributeChangedCallback() {
    this.#queueRestart();
  }

  /**
   * Call someone (what the Call button does).
   * @param {string} [target] default: the dial field, or `target` in click-to-call mode
   */
  async call(target) {
    const to = (target ?? (this.clickToCall ? this.getAttribute('target') : this.#ui.input.value) ?? '').trim();
    const phone = this.#phone;
    if (!phone || this.#call || this.#ringing) return;
    if (!to) {
      this.#showError('Enter a number or SIP address to call.', 'invalid-target');
      return;
    }
    this.#clearMessages();
    this.#showCall(to, 'Calling…');
    try {
      const call = await phone.call(to);
      this.#follow(call);
    } catch (e) {
      this.#resetCall();
      this.#error('Call failed', e);
    }
  }

  /** Answer the call ringing (what the Answer button does); nothing if none rings. */
  async answer() {
    await this.#answer();
  }

  /** Hang up the call in progress, or reject the one ringing. */
  async hangup() {
    if (this.#ringing) {
      this.#reject();
      return;
    }
    await this.#call?.hangup().catch((/** @type {unknown} */ e) => this.#error('Hang up failed', e));
  }

  /**
   * Record the call in progress, sealed: `{ key }` or `{ recipient }` as
   * `call.record()` takes them.
   * @param {Parameters<Call['record']>[0]} options
   * @returns {ReturnType<Call['record']>}
   */
  async record(options) {
    const call = this.#call;
    try {
      if (!call) throw new PhoneError('invalid-state', 'no call to record');
      await SipPhone.loadRecorder();
      return await call.record(options);
    } catch (e) {
      this.#error('Recording failed', e);
      throw e;
    }
  }

  /**
   * End the recording of the call in progress.
   * @returns {Promise<Blob | null>} the sealed file, null if none was recording
   */
  async stopRecording() {
    return await this.#call?.recording?.stop() ?? null;
  }

  /* --- phone lifecycle --- */

  #queueRestart() {
    if (this.#restartQueued) return;
    this.#restartQueued = true;
    queueMicrotask(() => {
      this.#restartQueued = false;
      if (this.isConnected) void this.#start();
    });
  }

  /** @returns {PhoneConfig} attributes, then element.config over them */
  #phoneConfig() {
    /** @type {Record<string, unknown>} */
    const cfg = {};
    const attr = (/** @type {string} */ name, /** @type {string} */ key) => {
      const v = this.getAttribute(name);
      if (v) cfg[key] = v;
    };
    attr('server', 'server');
    attr('uri', 'uri');
    attr('display-name', 'displayName');
    attr('privacy', 'privacy');
    // the site's backend, fetched with the page's cookies: no secret in the page
    const credentialsUrl = this.getAttribute('credentials-url');
    if (credentialsUrl) cfg.credentials = credentialsFromUrl(credentialsUrl);
    const iceServersUrl = this.getAttribute('ice-servers-url');
    if (iceServersUrl) cfg.iceServers = iceServersFromUrl(iceServersUrl);
    return /** @type {PhoneConfig} */ ({ ...cfg, ...this.#config });
  }

  async #start() {
    const generation = ++this.#generation;
    await this.#stop();
    if (generation !== this.#generation) return;
    this.#ui.dial.hidden = this.clickToCall;
    this.#ui.c2c.hidden = !this.clickToCall;
    this.#ui.c2c.textContent = `Call ${this.getAttribute('target') ? shortUri(String(this.getAttribute('target'))) : ''}`.trim();
    this.#clearMessages();
    const config = this.#phoneConfig();
    if (!config.server || !config.uri) {
      this.#setRegistration('idle', 'Not configured (needs server and uri)');
      return;
    }
    this.#setRegistration('registering', this.clickToCall ? 'Starting…' : 'Signing in…');
    let phone;
    try {
      const coreOptions = await SipPhone.coreOptions();
      if (generation !== this.#generation) return;
      phone = await Phone.create(config, coreOptions);
    } catch (e) {
      if (generation !== this.#generation) return;
      this.#setRegistration('failed', 'Not ready');
      this.#error('The phone could not start', e);
      return;
    }
    if (generation !== this.#generation) {
      void phone.close();
      return;
    }
    this.#phone = phone;
    this.#listen(phone, config.uri);
    if (this.clickToCall) {
      // a "call us" button calls out only: no registration needed
      this.#setRegistration('registered', 'Ready to call');
      return;
    }
    await this.#register(phone, generation);
  }

  /**
   * @param {Phone} phone
   * @param {number} generation
   */
  async #register(phone, generation) {
    this.#setRegistration('registering', 'Signing in…');
    try {
      await phone.register();
    } catch (e) {
      if (generation !== this.#generation) return;
      // one lost to the network is retried by the phone: the status says so
      if (!(e instanceof PhoneError && e.retryIn)) this.#setRegistration('failed', 'Not signed in');
      this.#error('Sign-in failed', e);
    }
  }

  /**
   * @param {Phone} phone
   * @param {string} uri
   */
  #listen(phone, uri) {
    phone.on('registered', ({ expires, digest }) => {
      this.#setRegistration('registered', `Signed in as ${shortUri(uri)}`);
      this.#ui.error.textContent = '';
      this.#ui.retry.hidden = true;
      this.#dispatch('sip-registered', { uri, expires, digest });
    });
    phone.on('unregistered', () => {
      this.#setRegistration('idle', 'Signed out');
      this.#dispatch('sip-unregistered', {});
    });
    phone.on('registration-failed', (e) => {
      // one lost to the network is retried by the core; a refusal is final
      if (e.retryIn) this.#setRegistration('registering', 'Not signed in yet, retrying…');
      else this.#setRegistration('failed', 'Not signed in');
      this.#error('Sign-in failed', e);
    });
    // the connection was lost: the core reopens it (the call, if any, stays up)
    phone.on('reconnecting', (e) => {
      this.#setRegistration('registering', `Reconnecting (attempt ${e.attempt})…`);
      this.#dispatch('sip-reconnecting', e);
    });
    phone.on('reconnected', () => {
      this.#setRegistration('registered', `Signed in as ${shortUri(uri)}`);
      this.#dispatch('sip-reconnected', {});
    });
    phone.on('incoming', (call) => this.#incoming(call));
    phone.on('call-refused', ({ from, cause }) => {
      this.#ui.message.textContent = `Refused a call from ${shortUri(from)}: ${endedInWords(cause)}.`;
      this.#dispatch('sip-call-ended', { cause, status: 488, reason: null, message: endedInWords(cause),
        remote: from, direction: 'incoming' });
    });
    phone.on('error', (e) => {
      this.#setRegistration('failed', 'Stopped');
      this.#error('The phone stopped', e);
    });
  }

  async #stop() {
    this.#stopCallLoops();
    this.#ringtone.stop();
    const phone = this.#phone;
    this.#phone = null;
    this.#call = null;
    this.#ringing = null;
    this.#resetCall();
    await phone?.close().catch(() => {});
  }

  /* --- calls --- */

  /** @param {Call} call */
  #incoming(call) {
    if (this.#call || this.#ringing) {
      call.reject(486);
      return;
    }
    this.#ringing = call;
    const who = call.displayName ? `${call.displayName} (${shortUri(call.remote)})` : shortUri(call.remote);
    this.#clearMessages();
    this.#ui.incomingText.textContent = `Incoming call from ${who}`;
    this.#ui.incoming.hidden = false;
    this.#ui.dial.hidden = true;
    this.#ui.c2c.hidden = true;
    this.#ui.live.textContent = `Incoming call from ${who}`;
    this.#ringtone.start();
    call.on('ended', (e) => {
      if (this.#ringing !== call) return;
      this.#ringing = null;
      this.#ringtone.stop();
      this.#ended(call, e);
    });
    this.#dispatch('sip-incoming', { from: call.remote, displayName: call.displayName });
  }

  async #answer() {
    const call = this.#ringing;
    if (!call) return;
    this.#ringing = null;
    this.#ringtone.stop();
    this.#ui.live.textContent = '';
    this.#showCall(call.remote, 'Answering…');
    this.#follow(call);
    try {
      await call.answer();
    } catch (e) {
      this.#error('Answer failed', e);
    }
  }

  #reject() {
    const call = this.#ringing;
    if (!call) return;
    this.#ringing = null;
    this.#ringtone.stop();
    this.#ui.live.textContent = '';
    // declined here: its end is an end like any other for the page
    call.once('ended', (e) => this.#dispatch('sip-call-ended', { cause: e.cause, status: e.status,
      reason: e.reason, message: endedInWords(e.cause), remote: call.remote, direction: call.direction }));
    try {
      call.reject(603);
    } catch (e) {
      this.#error('Reject failed', e);
    }
    this.#resetCall();
    this.#ui.message.textContent = 'Call declined.';
  }

  /** @param {Call} call */
  #follow(call) {
    this.#call = call;
    call.on('ringing', () => this.#setCallState('Ringing…'));
    call.on('reconnecting', () => this.#setCallState('Reconnecting…'));
    call.on('reconnected', () => this.#setCallState('In call'));
    call.on('progress', () => this.#setCallState('Connecting…'));
    call.on('accepted', () => this.#accepted(call));
    call.on('hold', ({ held }) => {
      this.#ui.hold.setAttribute('aria-pressed', String(held));
      this.#ui.hold.textContent = held ? 'Resume' : 'Hold';
      this.#setCallState(held ? 'On hold' : 'In call');
    });
    call.on('security', (report) => this.#showSecurity(report));
    /** @type {unknown} */
    let watched = null;
    call.on('recording', ({ state }) => {
      const rec = call.recording;
      if (rec && rec !== watched) {
        watched = rec;
        rec.on('error', (e) => this.#error('Recording failed', e));
      }
      const ui = this.#ui.recording;
      ui.hidden = state === 'stopped';
      ui.textContent = state === 'paused' ? 'Recording paused' : state === 'recording' ? '● Recording' : '';
      this.#dispatch('sip-recording', { state });
    });
    call.on('track', ({ track, streams }) => {
      if (track.kind !== 'audio') return;
      this.#ui.audio.srcObject = streams[0] ?? new MediaStream([track]);
      this.#ui.audio.play().catch(() => {});
    });
    call.on('error', (e) => this.#error('Call problem', e));
    call.on('ended', (e) => {
      if (this.#call === call) this.#ended(call, e);
    });
  }

  /** @param {Call} call */
  #accepted(call) {
    this.#acceptedAt = Date.now();
    this.#setCallState('In call');
    this.#ui.hold.disabled = false;
    this.#ui.security.hidden = false;
    this.#ui.quality.hidden = false;
    this.#samples = [];
    this.#counters = null;
    this.#warnings = new Set();
    this.#tick = setInterval(() => void this.#onTick(call), QUALITY_MS);
    this.#dispatch('sip-call-accepted', { remote: call.remote, direction: call.direction });
  }

  /**
   * @param {Call} call
   * @param {{ cause: string, status: number, reason: string | null }} e
   */
  #ended(call, e) {
    this.#call = null;
    this.#stopCallLoops();
    this.#resetCall();
    const message = endedInWords(e.cause);
    this.#ui.message.textContent = `Call ended: ${message}.`;
    this.#dispatch('sip-call-ended', { cause: e.cause, status: e.status, reason: e.reason, message,
      remote: call.remote, direction: call.direction });
  }

  /** @param {Call} call */
  async #onTick(call) {
    this.#ui.timer.textContent = clock(Date.now() - this.#acceptedAt);
    const pc = call.peerConnection;
    if (!pc || this.#call !== call) return;
    const report = await pc.getStats().catch(() => null);
    if (!report || this.#call !== call) return;
    const { sample, counters } = sampleFromStats(report.values(), this.#counters);
    this.#counters = counters;
    this.#samples = [...this.#samples, sample].slice(-QUALITY_KEEP);
    this.#showQuality(sample);
  }

  #stopCallLoops() {
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /* --- UI --- */

  #wire() {
    const ui = this.#ui;
    const { pad, dtmf, answer, reject } = ui;
    pad.addEventListener('click', (e) => {
      const key = /** @type {HTMLElement} */ (e.target).closest('button')?.dataset.key;
      if (!key) return;
      ui.input.value += key;
    });
    dtmf.addEventListener('click', (e) => {
      const key = /** @type {HTMLElement} */ (e.target).closest('button')?.dataset.key;
      if (key) this.#sendTone(key);
    });
    ui.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.call();
    });
    ui.callBtn.addEventListener('click', () => void this.call());
    ui.c2c.addEventListener('click', () => void this.call());
    answer.addEventListener('click', () => void this.#answer());
    reject.addEventListener('click', () => this.#reject());
    ui.hangup.addEventListener('click', () => void this.hangup());
    ui.hold.addEventListener('click', () => void this.#toggleHold());
    ui.mute.addEventListener('click', () => this.#toggleMute());
    ui.retry.addEventListener('click', () => this.#queueRestart());
  }

  /** Keys while in a call: digits send tones, Escape hangs up. */
  #onKey = (/** @type {KeyboardEvent} */ e) => {
    if (!this.#call) return;
    if (e.key === 'Escape') {
      void this.hangup();
    }
    else if (KEYS.includes(e.key) && !(e.composedPath()[0] instanceof HTMLInputElement)) {
      this.#sendTone(e.key);
    }
  };

  /** @param {string} key */
  #sendTone(key) {
    try {
      this.#call?.sendDtmf(key);
    } catch (e) {
      this.#error('Tone failed', e);
    }
  }

  async #toggleHold() {
    const call = this.#call;
    if (!call) return;
    this.#ui.hold.disabled = true;
    try {
      await (call.held ? call.unhold() : call.hold());
    } catch (e) {
      this.#error('Hold failed', e);
    } finally {
      this.#ui.hold.disabled = false;
    }
  }

  #toggleMute() {
    const call = this.#call;
    if (!call) return;
    call.mute(!call.muted);
    this.#ui.mute.setAttribute('aria-pressed', String(call.muted));
    this.#ui.mute.textContent = call.muted ? 'Unmute' : 'Mute';
  }

  /**
   * @param {'idle' | 'registering' | 'registered' | 'failed'} state
   * @param {string} text
   */
  #setRegistration(state, text) {
    this.#ui.phone.dataset.reg = state;
    this.#ui.status.textContent = text;
    this.#ui.callBtn.toggleAttribute('disabled', state !== 'registered');
    this.#ui.c2c.toggleAttribute('disabled', state !== 'registered');
  }

  /**
   * @param {string} remote
   * @param {string} state
   */
  #showCall(remote, state) {
    this.#ui.dial.hidden = true;
    this.#ui.c2c.hidden = true;
    this.#ui.incoming.hidden = true;
    this.#ui.inCall.hidden = false;
    this.#ui.peer.textContent = shortUri(remote);
    this.#ui.timer.textContent = '00:00';
    this.#ui.hold.disabled = true;
    this.#setCallState(state);
  }

  /** @param {string} text */
  #setCallState(text) {
    this.#ui.callState.textContent = text;
  }

  /** Back to the dial (or click-to-call) view. */
  #resetCall() {
    const ui = this.#ui;
    ui.inCall.hidden = true;
    ui.incoming.hidden = true;
    ui.security.hidden = true;
    ui.quality.hidden = true;
    ui.dial.hidden = this.clickToCall;
    ui.c2c.hidden = !this.clickToCall;
    ui.recording.hidden = true;
    ui.hold.setAttribute('aria-pressed', 'false');
    ui.hold.textContent = 'Hold';
    ui.mute.setAttribute('aria-pressed', 'false');
    ui.mute.textContent = 'Mute';
    ui.warnings.replaceChildren();
    ui.securityList.replaceChildren();
    for (const { value, plot } of ui.metricEls.values()) {
      value.textContent = '–';
      drawPlot(plot, [], 1);
    }
    ui.audio.srcObject = null;
  }

  /** @param {SecurityReport} report */
  #showSecurity(report) {
    // a null digest algorithm: no challenge was answered (the server asked for none)
    const rows = SECURITY_ROWS.map(([key, label]) => [label,
      String(report[key] ?? (key === 'digestAlgorithm' ? 'none asked' : 'unknown'))]);
    this.#ui.securityList.replaceChildren(...rows.flatMap(([dt, dd]) => [
      h('dt', {}, [dt]), h('dd', { 'data-field': dt }, [dd])]));
  }

  /** @param {QualitySample} sample */
  #showQuality(sample) {
    for (const m of METRICS) {
      const els = this.#ui.metricEls.get(m.kind);
      if (!els) continue;
      const v = sample[m.key];
      els.value.textContent = v === null ? '–' : `${v.toFixed(m.digits)}${m.unit ? ` ${m.unit}` : ''}`;
      drawPlot(els.plot, this.#samples.map((s) => s[m.key]), m.max);
    }
    const now = activeWarnings(this.#samples);
    for (const change of warningChanges(this.#warnings, now, sample)) {
      this.#dispatch('sip-quality-warning', change);
    }
    this.#warnings = now;
    this.#ui.warnings.replaceChildren(...[...now].map((k) => h('p', { 'data-warning': k }, [WARNING_TEXT[k]])));
  }

  #clearMessages() {
    this.#ui.message.textContent = '';
    this.#ui.error.textContent = '';
    this.#ui.retry.hidden = true;
  }

  /**
   * Show an error and emit `sip-error` (code and words only: a PhoneError's
   * own message is not shown, so nothing but what we wrote reaches the DOM).
   * @param {string} what
   * @param {unknown} e
   */
  #error(what, e) {
    if (e === this.#shownError) return;
    this.#shownError = e;
    const code = codeOf(e);
    const status = /** @type {{ status?: number }} */ (e)?.status;
    this.#showError(`${what}: ${errorInWords(code)}.`, code, status);
  }

  /**
   * @param {string} text
   * @param {string} code
   * @param {number} [status]
   */
  #showError(text, code, status) {
    this.#ui.error.textContent = text;
    this.#ui.retry.hidden = this.#ui.phone.dataset.reg !== 'failed';
    this.#dispatch('sip-error', { code, message: text, ...(status ? { status } : {}) });
  }

  /**
   * @template {keyof SipPhoneEventMap} K
   * @param {K} name
   * @param {SipPhoneEventMap[K]} detail
   */
  #dispatch(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sip-phone')) customElements.define('sip-phone', SipPhone);
