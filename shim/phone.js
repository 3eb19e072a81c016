/**
 * @file phone.js  Phone: one SIP account registered over wss://
 *
 * The class only translates promises and events to and from the core's
 * messages (shim/abi.js); every SIP and policy decision is in C.
 *
 * Registration state:
 * ```
 *          register()             2xx
 *   idle -------------> registering ----> registered --+
 *    ^  ^                  |                  |        | refresh 2xx
 *    |  +---- failure -----+                  |<-------+
 *    |                                        | unregister()   failure /
 *    +------------- 2xx ---- unregistering <--+   transport-closed ->
 *                                                 registering (retried with
 *                                                 back-off until 2xx or 4xx)
 *   close() from any state -> closed (final)
 * ```
 */
import { Emitter } from './emitter.js';
import { PhoneError } from './errors.js';
import { loadCore } from './core.js';
import { Call } from './call.js';
import { internal } from './internal.js';

/**
 * @typedef {object} PhoneConfig
 * @property {string | string[]} server wss:// URL of the SIP server (anything else is refused),
 *   or several servers sharing their registrations: the phone uses the first, and moves to the
 *   next (after the last, the first again) each time it loses the one it is on
 * @property {string} uri address of record, `sip:alice@example.com`
 * @property {string} [username] digest user name (default: user part of uri)
 * @property {string} [password] digest password
 * @property {import('./credentials.js').CredentialsCallback} [credentials] instead of a
 *   password: short-lived credentials from the site's backend, asked for when a challenge
 *   must be answered and the current one is missing, expired or was refused (one fetch and
 *   retry per refusal); `credentialsFromUrl(url)` makes one
 * @property {number} [credentialsTimeoutMs] longest wait for the callback (default 10000)
 * @property {{ md5?: string, sha256?: string, sha512_256?: string }} [ha1]
 *   HA1 hex digests instead of a password (needs `realm`)
 * @property {string} [realm] pin the digest realm: challenges for any other realm are refused
 * @property {'MD5' | 'SHA-256' | 'SHA-512-256'} [minAlgorithm] refuse weaker digest algorithms
 * @property {number} [registerExpires] seconds, 30..86400 (default 600)
 * @property {string} [displayName]
 * @property {'mdns' | 'relay' | 'off'} [privacy] what our SDP may reveal (default 'mdns':
 *   no raw IP leaves; 'relay': TURN only, calls fail closed without a relay candidate)
 * @property {string} [instanceId] this phone's RFC 5626 instance, a UUID (default: a random one,
 *   `phone.instanceId`): keep it and pass it back so that the registrar knows the device again
 * @property {number} [keepAlive] seconds within which a dead connection is found (CRLF
 *   keep-alive; 0: none; default 30, else 10..3600)
 * @property {number} [reconnectAttempts] reopens of a lost connection before the phone gives up
 *   (0..100, default 8: about 1 to 4 minutes)
 * @property {number} [failbackAfter] with several servers: seconds on a later one before the phone
 *   moves back to the first, between calls (`reconnecting` with cause `failback`); 0: it stays
 *   until it loses that one (the default; else 10..86400)
 * @property {boolean} [retryFirstRegister] false: a first register() lost to the network is not
 *   retried (default true: retried like a lost registration)
 * @property {new (url: string, protocols?: string | string[]) => WebSocket} [WebSocket]
 *   WebSocket class (default: the global one; Node passes the `ws` package)
 * @property {RTCIceServer[] | (() => Promise<RTCIceServer[]>)} [iceServers] STUN/TURN servers,
 *   or an async function returning them per call (TURN REST credentials); kept in JS, never
 *   sent to the core
 * @property {number} [iceGatheringTimeoutMs] longest ICE gathering wait per SDP (default 3000)
 * @property {number} [mediaTimeoutMs] once answered, longest wait for ICE + DTLS; then the call
 *   ends with `ice-failed` (default 15000)
 * @property {typeof RTCPeerConnection} [RTCPeerConnection] injectable (default: the global one)
 * @property {(c: MediaStreamConstraints) => Promise<MediaStream>} [getUserMedia] injectable
 * @property {import('./media.js').MediaHandlerFactory} [mediaHandler] each call's media
 *   (shim/media.js): default `browserMediaHandler`, which uses the five options above
 */
/** @import { CoreCommand, CoreEvent, ErrorCode, MessageSentEvent as RequestDone, PhoneNewCommand, ReplyTo } from './abi.js' */
/** @typedef {import('./core.js').Core} Core */
/** @typedef {import('./errors.js').Cause} Cause */

/**
 * @typedef {'idle' | 'registering' | 'registered' | 'unregistering' | 'closed'} PhoneState
 */

/**
 * @typedef {object} PhoneEventMap
 * @property {{ expires: number, status: number, digest: 'MD5' | 'SHA-256' | 'SHA-512-256' | null }} registered
 *   on every refresh too; `digest`: the algorithm of the answered challenge
 * @property {{}} unregistered
 * @property {PhoneError} registration-failed
 * @property {{ state: 'open' | 'closed', code: number }} transport
 * @property {{ cause: import('./errors.js').ReconnectCause, attempt: number, retryIn: number }} reconnecting
 *   the connection was lost (registered or in a call): reopening in retryIn ms, attempt n
 * @property {{}} reconnected the connection is back and the registration renewed on it
 * @property {Call} incoming a call for us: `call.answer()` or `call.reject(486)`
 * @property {{ from: string, displayName: string | null, cause: Cause, line: number, detail: string }} call-refused
 *   an incoming call the SDP policy refused (answered 488 with the reason)
 * @property {{ from: string, displayName: string | null, contentType: string | null, body: string }} message
 *   a SIP MESSAGE for us (already answered 200 OK; contentType null: it had none)
 * @property {{ messageId: number, status: number }} message-sent
 * @property {{ messageId: number, error: PhoneError }} message-failed
 * @property {PhoneError} error
 */

const CONFIG_KEYS = ['server', 'uri', 'username', 'password', 'ha1', 'realm',
  'minAlgorithm', 'registerExpires', 'displayName', 'privacy', 'instanceId', 'keepAlive',
  'reconnectAttempts', 'failbackAfter', 'retryFirstRegister'];

/**
 * The `phone.credentials` command for what a callback gave
 * @param {unknown} c
 * @returns {{ username: string, password?: string, ha1?: object, expires?: number }}
 */
function credentialsCommand(c) {
  // its shape is the core's to check: phone.credentials says what is wrong
  const x = /** @type {import('./credentials.js').Credentials} */ (c ?? {});
  const times = [];
  if (typeof x.ttl === 'number' && x.ttl > 0) times.push(Date.now() / 1000 + x.ttl);
  if (x.expires !== undefined) {
    times.push(typeof x.expires === 'number' ? x.expires : Date.parse(x.expires) / 1000);
  }
  const expires = times.length ? Math.floor(Math.min(...times)) : 0;
  return {
    username: x.username,
    ...(typeof x.password === 'string' ? { password: x.password } : { ha1: x.ha1 }),
    ...(expires > 0 ? { expires } : {}),
  };
}

/**
 * A Call for one of the core's calls. The constructor is not public API:
 * applications get calls from phone.call() and the `incoming` event.
 * @param {import('./internal.js').CallInit} init
 * @returns {Call}
 */
function newCall(init) {
  // @ts-expect-error: private to the API, not to the shim
  return new Call(init);
}

/**
 * What a server or peer said to our OPTIONS (RFC 3261 11)
 * @typedef {object} OptionsResult
 * @property {number} status the final (2xx) status
 * @property {string[]} allow the methods of its Allow header(s)
 * @property {string[]} supported the option tags of its Supported header(s)
 */

/** @extends {Emitter<PhoneEventMap>} */
export class Phone extends Emitter {
  /** @type {Promise<{ core: Core, handle: number }>} */
  #ready;
  /** @type {Core | null} */
  #core = null;
  #handle = 0;
  /** @type {PhoneState} */
  #state = 'idle';
  #instanceId = '';
  /** @type {new (url: string, protocols?: string | string[]) => WebSocket} */
  #WebSocket;
  /** @type {Map<number, Call>} */
  #calls = new Map();
  /** @type {Map<number, CoreEvent[]>} events of a call not handed out yet */
  #early = new Map();
  /**
   * MESSAGEs and OPTIONS awaiting their outcome, by messageId
   * @type {Map<number, { options: boolean, settle: (r: RequestDone | PhoneError) => void }>}
   */
  #requests = new Map();
  /** @type {import('./call.js').MediaOptions} */
  #media;
  /** @type {import('./credentials.js').CredentialsCallback | undefined} */
  #credentials;
  /** @type {number} longest wait for the credentials callback */
  #credentialsMs;
  /** @type {Promise<boolean> | null} the callback's answer on its way to the core */
  #supplying = null;
  /** @type {PhoneError | null} why the last credential could not be had */
  #credError = null;

  /**
   * Create a phone. The wasm core loads in the background; config errors
   * reject the first operation (or use `await Phone.create(config)`).
   * @param {PhoneConfig} config
   * @param {import('./core.js').CoreOptions} [coreOptions]
   */
  constructor(config, coreOptions) {
    super();
    this.#WebSocket = config?.WebSocket ?? globalThis.WebSocket;
    this.#media = {
      privacy: config?.privacy ?? 'mdns',
      iceServers: config?.iceServers,
      iceGatheringTimeoutMs: config?.iceGatheringTimeoutMs,
      mediaTimeoutMs: config?.mediaTimeoutMs,
      RTCPeerConnection: config?.RTCPeerConnection,
      getUserMedia: config?.getUserMedia,
      mediaHandler: config?.mediaHandler,
    };
    this.#credentials = config?.credentials;
    this.#credentialsMs = config?.credentialsTimeoutMs ?? 10000;
    this.#ready = this.#init(config, coreOptions);
    // an unobserved config error must not be an unhandled rejection
    this.#ready.catch(() => {});
  }

  /**
   * Create a phone and wait until the core accepted its config.
   * @param {PhoneConfig} config
   * @param {import('./core.js').CoreOptions} [coreOptions]
   * @returns {Promise<Phone>}
   */
  static async create(config, coreOptions) {
    const phone = new Phone(config, coreOptions);
    await phone.#ready;
    return phone;
  }

  /** @returns {PhoneState} */
  get state() {
    return this.#state;
  }

  /** This phone's RFC 5626 instance UUID ('' until the core accepted the config) */
  get instanceId() {
    return this.#instanceId;
  }

  /**
   * @param {PhoneConfig} config
   * @param {import('./core.js').CoreOptions} [coreOptions]
   */
  async #init(config, coreOptions) {
    if (!config || typeof config !== 'object') {
      throw new PhoneError('invalid-config', 'new Phone(config) needs a config object');
    }
    if (typeof this.#WebSocket !== 'function') {
      throw new PhoneError('invalid-config', 'no WebSocket here: pass config.WebSocket (in Node, the ws package)');
    }
    /** @type {Record<string, unknown>} */
    const cfg = {};
    for (const k of CONFIG_KEYS) {
      if (config[/** @type {keyof PhoneConfig} */ (k)] !== undefined) cfg[k] = config[/** @type {keyof PhoneConfig} */ (k)];
    }
    // the core takes the servers as one string, separated by spaces
    if (Array.isArray(cfg.server)) cfg.server = cfg.server.join(' ');
    if (config.credentials !== undefined) {
      if (typeof config.credentials !== 'function') {
        throw new PhoneError('invalid-config', 'credentials must be an async function');
      }
      cfg.credentials = true;
    }
    const core = await loadCore(coreOptions);
    const reply = internal.cmd(core, { cmd: 'phone.new', config: /** @type {PhoneNewCommand['config']} */ (cfg) });
    if (reply.err) throw new PhoneError(reply.err, reply.message);
    this.#core = core;
    this.#handle = reply.phone;
    this.#instanceId = reply.instanceId;
    internal.attach(core, this.#handle,
      { onEvent: (ev) => this.#onCoreEvent(ev), WebSocket: this.#WebSocket });
    this.#listen(true);
    return { core, handle: this.#handle };
  }

  /**
   * Register; resolves on the registrar's 2xx.
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<{ expires: number }>}
   */
  async register({ signal } = {}) {
    const { core, handle } = await this.#live();
    const done = this.#outcome('registered', 'registration-failed', signal);
    const reply = internal.cmd(core, { cmd: 'phone.register', phone: handle });
    if (reply.err) {
      done.cancel();
      throw new PhoneError(reply.err, reply.message);
    }
    this.#state = 'registering';
    const ev = await done.promise;
    return { expires: ev.expires };
  }

  /**
   * Remove the registration; resolves when the registrar confirmed it.
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<void>}
   */
  async unregister({ signal } = {}) {
    const { core, handle } = await this.#live();
    const done = this.#outcome('unregistered', 'registration-failed', signal);
    const reply = internal.cmd(core, { cmd: 'phone.unregister', phone: handle });
    if (reply.err) {
      done.cancel();
      throw new PhoneError(reply.err, reply.message);
    }
    if (this.#state !== 'idle') this.#state = 'unregistering';
    await done.promise;
  }

  /**
   * Call someone; resolves once the core checked our offer and sent the
   * INVITE (on the WebSocket as soon as it is open), rejects with the
   * policy's reason if it refused the offer (e.g. `relay-unavailable`) or
   * `media-failed` if the browser could not make one. Follow the call
   * with its events.
   * @param {string} target `sip:bob@example.com`, or `bob` in our domain
   * @param {{ video?: boolean }} [options]
   * @returns {Promise<Call>}
   */
  async call(target, { video = false } = {}) {
    const { core, handle } = await this.#live();
    const reply = await this.#cmd({ cmd: 'call.new', phone: handle, target, video });
    const call = newCall({ core, handle: reply.call,
      direction: 'outgoing', media: this.#media, remote: String(target), displayName: null });
    const sent = internal.whenSent(call);
    this.#adopt(call);
    await sent;
    return call;
  }

  /**
   * Send a text message (SIP MESSAGE, RFC 3428); resolves on the 2xx.
   * @param {string} target `sip:bob@example.com`, or `bob` in our domain
   * @param {string} text at most 16 KiB of UTF-8
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<{ status: number }>}
   */
  async message(target, text, { signal } = {}) {
    if (typeof text !== 'string') throw new PhoneError('invalid-argument', 'text must be a string');
    const done = await this.#request({ cmd: 'phone.message', target, text }, signal);
    return { status: done.status };
  }

  /**
   * Ask a server or a user what it supports (SIP OPTIONS, out of dialog);
   * resolves on the 2xx with its Allow and Supported, rejects like
   * `message()` (`not-found` for 404, `timeout`, `auth-failed`, ...).
   * @param {string} target `sip:example.com` (no user part: the server
   *   itself), `sip:bob@example.com`, or `bob` in our domain
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<OptionsResult>}
   */
  async options(target, { signal } = {}) {
    const done = await this.#request({ cmd: 'phone.options', target }, signal);
    return { status: done.status, allow: done.allow, supported: done.supported };
  }

  /**
   * Send a MESSAGE or OPTIONS; settles with its outcome event
   * @param {{ cmd: 'phone.message', target: string, text: string }
   *   | { cmd: 'phone.options', target: string }} command
   * @param {AbortSignal} [signal]
   * @returns {Promise<RequestDone>}
   */
  async #request(command, signal) {
    const { handle } = await this.#live();
    if (signal?.aborted) throw new PhoneError('aborted');
    const reply = await this.#cmd({ ...command, phone: handle });
    const id = reply.messageId;
    return new Promise((resolve, reject) => {
      const onAbort = () => settle(new PhoneError('aborted'));
      /** @param {RequestDone | PhoneError} r */
      const settle = (r) => {
        this.#requests.delete(id);
        signal?.removeEventListener('abort', onAbort);
        if (r instanceof PhoneError) reject(r);
        else resolve(r);
      };
      this.#requests.set(id, { options: command.cmd === 'phone.options', settle });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * The calls in progress.
   * @returns {Call[]}
   */
  get calls() {
    return [...this.#calls.values()];
  }

  /** @param {Call} call */
  #adopt(call) {
    this.#calls.set(call.handle, call);
    const early = this.#early.get(call.handle) ?? [];
    this.#early.delete(call.handle);
    for (const ev of early) this.#callEvent(call, ev);
  }

  /**
   * @param {Call} call
   * @param {CoreEvent} ev
   */
  #callEvent(call, ev) {
    internal.callEvent(call, ev);
    if (ev.ev === 'ended') this.#calls.delete(call.handle);
  }

  /** The phone closed or its core failed: what waits for an outcome fails */
  /** @param {PhoneError} err */
  #failRequests(err) {
    for (const r of [...this.#requests.values()]) r.settle(err);
  }

  /**
   * Unregister (bounded wait) and release the phone. Idempotent.
   * @returns {Promise<void>}
   */
  async close() {
    if (this.#state === 'closed') return;
    let ready;
    try {
      ready = await this.#ready;
    } catch {
      this.#state = 'closed';
      return;
    }
    if (this.#state === 'registered' || this.#state === 'registering') {
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 3000);  // the unregister's longest wait
      try {
        await this.unregister({ signal: ac.signal });
      } catch {
        // closing anyway: the binding expires on the server by itself
      } finally {
        clearTimeout(t);
      }
    }
    for (const call of this.#calls.values()) {
      await call.hangup().catch(() => {});
    }
    this.#state = 'closed';
    this.#listen(false);
    this.#failRequests(new PhoneError('closed'));
    internal.detach(ready.core, ready.handle);
    try {
      internal.cmd(ready.core, { cmd: 'phone.close', phone: ready.handle });
    } catch {
      // the core is gone: nothing left to release
    }
  }

  /**
   * A command for a request that may be challenged: if the core has no
   * usable credential, get one from the app first (once).
   * @template {CoreCommand} C
   * @param {C} command
   * @returns {Promise<Exclude<ReplyTo<C>, { err: ErrorCode }>>} the reply, unless an error
   */
  async #cmd(command) {
    const { core } = await this.#ready;
    let reply = internal.cmd(core, command);
    if (reply.err === 'credentials-needed' && this.#credentials) {
      if (!await this.#supply('expired')) throw this.#credError;
      reply = internal.cmd(core, command);
    }
    if (reply.err) throw new PhoneError(reply.err, reply.message);
    return /** @type {Exclude<ReplyTo<C>, { err: ErrorCode }>} */ (reply);
  }

  /**
   * Ask the credentials callback (one request at a time) and hand its
   * answer to the core; a registration waiting for it goes on.
   * @param {'missing' | 'expired' | 'rejected'} reason
   * @returns {Promise<boolean>} whether the core took a credential
   */
  #supply(reason) {
    this.#supplying ??= this.#fetchCredentials(reason).finally(() => { this.#supplying = null; });
    return this.#supplying;
  }

  /** @param {'missing' | 'expired' | 'rejected'} reason */
  async #fetchCredentials(reason) {
    const { core, handle } = await this.#ready;
    const ms = this.#credentialsMs;
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), ms);
    /** @type {ReturnType<typeof credentialsCommand> | { error: string }} */
    let command;
    try {
      const c = await Promise.race([
        /** @type {import('./credentials.js').CredentialsCallback} */ (this.#credentials)({ reason, signal: ac.signal }),
        new Promise((_, reject) => ac.signal.addEventListener('abort', () => reject(
          new PhoneError('credentials-unavailable', `the credentials callback did not answer in ${ms} ms`)))),
      ]);
      command = credentialsCommand(c);
      this.#credError = null;
    } catch (e) {
      this.#credError = e instanceof PhoneError && e.code === 'credentials-unavailable' ? e :
        new PhoneError('credentials-unavailable', 'the credentials callback failed', { cause: e });
      command = { error: 'unavailable' };
    } finally {
      clearTimeout(t);
    }
    if (this.#state === 'closed') return false;
    // the core refuses an expired or malformed one (and says why)
    const reply = internal.cmd(core, { cmd: 'phone.credentials', phone: handle, ...command });
    if (reply.err) this.#credError = new PhoneError('credentials-unavailable', reply.message);
    return !this.#credError;
  }

  async #live() {
    if (this.#state === 'closed') throw new PhoneError('closed');
    return this.#ready;
  }

  /**
   * Wait for one of two events (or abort).
   * @param {'registered' | 'unregistered'} ok
   * @param {'registration-failed'} fail
   * @param {AbortSignal} [signal]
   */
  #outcome(ok, fail, signal) {
    /** @type {() => void} */
    let cancel = () => {};
    /** @type {Promise<{ expires: number }>} */
    const promise = new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new PhoneError('aborted'));
        return;
      }
      /** @param {{ expires?: number }} v */
      const onOk = (v) => { cleanup(); resolve({ expires: v.expires ?? 0 }); };
      /** @param {PhoneError} e */
      const onFail = (e) => { cleanup(); reject(e); };
      const onAbort = () => { cleanup(); reject(new PhoneError('aborted')); };
      /** @param {PhoneError} e */
      const onCore = (e) => { if (e.code === 'core-failed') onFail(e); };
      const cleanup = () => {
        this.off(ok, onOk).off(fail, onFail).off('error', onCore);
        signal?.removeEventListener('abort', onAbort);
      };
      cancel = cleanup;
      this.on(ok, onOk).on(fail, onFail).on('error', onCore);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return { promise, cancel: () => cancel() };
  }

  /**
   * The network went or changed, or the page came back to the front (a
   * hidden tab's timers are throttled): the core pings the connection
   * (dead in 5 s: reconnecting), and calls whose media is down restart
   * ICE at once.
   * @param {Event} e
   */
  #onNet = (e) => {
    if (e.type === 'visibilitychange' && globalThis.document?.hidden) return;
    try {
      internal.cmd(/** @type {Core} */ (this.#core), { cmd: 'phone.check', phone: this.#handle });
    } catch { /* the core is gone: core-failed says so */ }
    if (e.type !== 'offline') for (const c of this.#calls.values()) internal.networkChanged(c);
  };

  /** @param {boolean} on */
  #listen(on) {
    const f = on ? 'addEventListener' : 'removeEventListener';
    for (const n of ['online', 'offline']) globalThis[f]?.(n, this.#onNet);
    globalThis.document?.[f]('visibilitychange', this.#onNet);
    /** @type {any} */ (globalThis.navigator)?.connection?.[f]?.('change', this.#onNet);
  }

  /**
   * This phone's events from the core
   * @param {CoreEvent} ev
   */
  #onCoreEvent(ev) {
    if ('call' in ev && ev.call) {
      const c = ev.call;
      const call = this.#calls.get(c);
      if (call) {
        this.#callEvent(call, ev);
      }
      else if (ev.ev === 'incoming') {
        const inc = newCall({ core: /** @type {Core} */ (this.#core), handle: c,
          direction: 'incoming', media: this.#media, remote: ev.from,
          displayName: ev.displayName || null, id: ev.callId });
        this.#adopt(inc);
        this.emit('incoming', inc);
      }
      else {
        // the reply with the handle comes after the first events
        const list = this.#early.get(c) ?? [];
        list.push(ev);
        this.#early.set(c, list);
      }
      return;
    }
    switch (ev.ev) {
      case 'message':
        this.emit('message', { from: ev.from, displayName: ev.displayName || null,
          contentType: ev.ctype, body: ev.body });
        break;
      case 'message-sent':
      case 'message-failed': {
        const error = ev.ev === 'message-failed' ?
          new PhoneError(ev.code, undefined, { status: ev.status, reason: ev.reason ?? undefined }) : null;
        const request = this.#requests.get(ev.messageId);
        request?.settle(error ?? /** @type {RequestDone} */ (ev));
        if (request?.options) break;  // OPTIONS only settle options()
        if (error) this.emit('message-failed', { messageId: ev.messageId, error });
        else this.emit('message-sent', { messageId: ev.messageId, status: ev.status });
        break;
      }
      case 'call-refused':
        this.emit('call-refused', { from: ev.from, displayName: ev.displayName || null,
          cause: ev.cause, line: ev.line, detail: ev.detail });
        break;
      case 'transport':
        this.emit('transport', { state: ev.state, code: ev.code });
        break;
      case 'reconnecting':
        // the binding comes back on the new connection
        if (this.#state === 'registered') this.#state = 'registering';
        this.emit('reconnecting', { cause: ev.cause, attempt: ev.attempt, retryIn: ev.retryIn });
        break;
      case 'reconnected':
        this.emit('reconnected', {});
        break;
      case 'registered':
        this.#state = 'registered';
        this.emit('registered', { expires: ev.expires, status: ev.status, digest: ev.digest });
        break;
      case 'unregistered':
        this.#state = 'idle';
        this.emit('unregistered', {});
        break;
      case 'registration-failed': {
        // a lost registration is retried by the core (retryIn ms)
        this.#state = ev.retryIn > 0 ? 'registering' : 'idle';
        const fail = () => {
          const why = ev.code === 'credentials-unavailable' ? this.#credError : null;
          this.emit('registration-failed', new PhoneError(ev.code, why?.message.replace(/^[^:]*: /, ''),
            { status: ev.status, reason: ev.reason ?? undefined, retryIn: ev.retryIn, cause: why ?? undefined }));
        };
        // a credential the core refused: its reply (why) is read after this event
        if (this.#supplying) queueMicrotask(fail);
        else fail();
        break;
      }
      case 'credentials.need':
        this.#supply(ev.reason);
        break;
      case 'core-failed':
        this.#state = 'closed';
        this.#failRequests(new PhoneError('core-failed'));
        this.emit('error', new PhoneError('core-failed'));
        break;
    }
  }
}
