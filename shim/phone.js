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

/** @typedef {import('./abi.js').PhoneConfig} PhoneConfig */
/** @typedef {import('./abi.js').CoreEvent} CoreEvent */
/** @typedef {import('./core.js').Core} Core */

/**
 * @typedef {'idle' | 'registering' | 'registered' | 'unregistering' | 'closed'} PhoneState
 */

/**
 * @typedef {object} PhoneEventMap
 * @property {{ expires: number, status: number }} registered
 * @property {{}} unregistered
 * @property {PhoneError} registration-failed
 * @property {{ state: 'open' | 'closed', code: number }} transport
 * @property {PhoneError} error
 */

const CONFIG_KEYS = ['server', 'uri', 'username', 'password', 'ha1', 'realm',
  'minAlgorithm', 'registerExpires', 'displayName'];
const CLOSE_UNREGISTER_MS = 3000;

/** @extends {Emitter<PhoneEventMap>} */
export class Phone extends Emitter {
  /** @type {Promise<{ core: Core, handle: number }>} */
  #ready;
  /** @type {Core | null} */
  #core = null;
  #handle = 0;
  /** @type {PhoneState} */
  #state = 'idle';
  /** @type {new (url: string, protocols?: string | string[]) => WebSocket} */
  WebSocket;

  /**
   * Create a phone. The wasm core loads in the background; config errors
   * reject the first operation (or use `await Phone.create(config)`).
   * @param {PhoneConfig} config
   * @param {import('./core.js').CoreOptions} [coreOptions]
   */
  constructor(config, coreOptions) {
    super();
    const WS = config?.WebSocket ?? globalThis.WebSocket;
    this.WebSocket = WS;
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

  /**
   * @param {PhoneConfig} config
   * @param {import('./core.js').CoreOptions} [coreOptions]
   */
  async #init(config, coreOptions) {
    if (!config || typeof config !== 'object') {
      throw new PhoneError('invalid-config', 'new Phone(config) needs a config object');
    }
    if (typeof this.WebSocket !== 'function') {
      throw new PhoneError('invalid-config', 'no WebSocket here: pass config.WebSocket (in Node, the ws package)');
    }
    /** @type {Record<string, unknown>} */
    const cfg = {};
    for (const k of CONFIG_KEYS) {
      if (config[/** @type {keyof PhoneConfig} */ (k)] !== undefined) cfg[k] = config[/** @type {keyof PhoneConfig} */ (k)];
    }
    const core = await loadCore(coreOptions);
    const reply = core.cmd({ cmd: 'phone.new', config: cfg });
    if (reply.err) throw new PhoneError(reply.err, reply.message);
    this.#core = core;
    this.#handle = /** @type {number} */ (reply.phone);
    core.attach(this.#handle, this);
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
    const reply = core.cmd({ cmd: 'phone.register', phone: handle });
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
    const reply = core.cmd({ cmd: 'phone.unregister', phone: handle });
    if (reply.err) {
      done.cancel();
      throw new PhoneError(reply.err, reply.message);
    }
    if (this.#state !== 'idle') this.#state = 'unregistering';
    await done.promise;
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
      const t = setTimeout(() => ac.abort(), CLOSE_UNREGISTER_MS);
      try {
        await this.unregister({ signal: ac.signal });
      } catch {
        // closing anyway: the binding expires on the server by itself
      } finally {
        clearTimeout(t);
      }
    }
    this.#state = 'closed';
    ready.core.detach(ready.handle);
    try {
      ready.core.cmd({ cmd: 'phone.close', phone: ready.handle });
    } catch {
      // the core is gone: nothing left to release
    }
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
    /** @type {Promise<any>} */
    const promise = new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new PhoneError('aborted'));
        return;
      }
      /** @param {any} v */
      const onOk = (v) => { cleanup(); resolve(v); };
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
   * Called by the core with this phone's events.
   * @param {CoreEvent} ev
   */
  onCoreEvent(ev) {
    switch (ev.ev) {
      case 'transport':
        this.emit('transport', { state: ev.state, code: ev.code });
        break;
      case 'registered':
        this.#state = 'registered';
        this.emit('registered', { expires: ev.expires, status: ev.status });
        break;
      case 'unregistered':
        this.#state = 'idle';
        this.emit('unregistered', {});
        break;
      case 'registration-failed':
        // a lost registration is retried by the core (retryIn ms)
        this.#state = ev.retryIn > 0 ? 'registering' : 'idle';
        this.emit('registration-failed', new PhoneError(ev.code, undefined,
          { status: ev.status, reason: ev.reason ?? undefined, retryIn: ev.retryIn }));
        break;
      case 'core-failed':
        this.#state = 'closed';
        this.emit('error', new PhoneError('core-failed'));
        break;
    }
  }
}
