/**
 * @file core.js  Loads the wasm core once and bridges JS <-> C
 *
 * The core is instantiated once per page (or Node process) and shared by
 * every Phone. JS owns the event loop: after every entry into C the next
 * libre timer is re-armed with one setTimeout (sp_tick). Events the core
 * emits during a call are queued and delivered after the call returns, so
 * a listener may call back into the core safely.
 *
 * Boundary (tools/exports.json): sp_init, sp_close, sp_cmd, sp_tick,
 * sp_ws_rx, sp_ws_state, sp_malloc, sp_free; the check build
 * (dist/sipshield-check.wasm) adds sp_sip_check, which shim/check.js uses.
 */
import { instantiateCore } from './wasm.js';
import { PhoneError } from './errors.js';
import { internal } from './internal.js';

/** @import { CoreCommand, CoreEvent, CoreReply, ReplyTo } from './abi.js' */
/** @import { CoreModule } from './wasm.js' */
/** @import { CoreOwner } from './internal.js' */

/**
 * @typedef {object} CoreOptions
 * @property {ArrayBuffer | Uint8Array} [wasmBinary] the .wasm bytes
 * @property {string | URL} [wasmUrl] where to fetch the .wasm from
 * @property {0|1|2|3|4} [logLevel] 0 silent (default), 1 errors,
 *   2 warnings, 3 info (what happened, a line a step), 4 debug (also each
 *   SIP message's start line, Call-ID, CSeq and size). 2 to 4 load
 *   sipshield-core-debug.wasm (unless wasmBinary or wasmUrl is given)
 * @property {(level: number, text: string) => void} [log] log sink
 * @property {number} [maxPhones] phones at once in this core, 1..4096 (default 256; more are
 *   refused `busy`): only that part of its tables is ever used
 */

const WS_OPEN = 1;
const WS_CLOSED = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** @type {Promise<Core> | undefined} */
let shared;

/**
 * The shared core (loaded on first use; a failed load is retried on the
 * next call).
 * @param {CoreOptions} [options] honoured by the first call only
 * @returns {Promise<Core>}
 */
export function loadCore(options = {}) {
  if (!shared) {
    shared = Core.load(options).catch((e) => {
      shared = undefined;
      throw e;
    });
  }
  return shared;
}

/**
 * The .wasm bytes: given, or fetched (read from disk for file: URLs). The
 * page core has errors only; logLevel 2 to 4 take its debug
 * build beside it, which has every level (bundlers copy only the core:
 * not a `new URL` literal of its own).
 * @param {CoreOptions} options
 * @returns {Promise<ArrayBuffer | Uint8Array>}
 */
export async function wasmBytes(options) {
  if (options.wasmBinary) return options.wasmBinary;
  let url = options.wasmUrl;
  if (url == null) {
    url = new URL('../dist/sipshield-core.wasm', import.meta.url);
    if ((options.logLevel ?? 0) > 1) url = new URL('sipshield-core-debug.wasm', url);
  }
  const href = String(url);
  try {
    if (href.startsWith('file:')) {
      // Node (and Electron's main side): fetch() has no file: URLs there.
      // A computed name that bundlers leave alone: pages never take this path.
      const fsName = 'node:fs/promises';
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
      return await fs.readFile(new URL(href));
    }
    const res = await fetch(href);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.arrayBuffer();
  } catch (e) {
    // typically a bundler that does not follow new URL(..., import.meta.url)
    // (esbuild) and so left the .wasm behind
    throw new PhoneError('core-failed', `could not fetch the wasm core from ${href}: `
      + 'if a bundler moved it, pass its URL as { wasmUrl }', { cause: e });
  }
}

/**
 * The wasm core, shared by the phones of a page; pass it to `checkSdp()`.
 * Its commands are the shim's own business.
 */
/**
 * The key of a Core's command entry (not API: internal.cmd uses it). A
 * registered symbol, not a module's own: the CommonJS sipshield/check
 * (dist/cjs/check.cjs) carries a copy of this module and must reach the
 * commands of the page's core, which `require('sipshield')` made.
 */
const CMD = Symbol.for('sipshield.Core.cmd');

export class Core {
  static {
    Object.defineProperty(Core.prototype, CMD, {
      /**
       * @this {Core}
       * @param {CoreCommand} command
       */
      value(command) { return this.#cmd(command); },
    });
    internal.cmd = (core, command) =>
      /** @type {Record<symbol, (c: typeof command) => ReplyTo<typeof command>>} */ (/** @type {unknown} */ (core))[CMD](command);
    internal.attach = (core, handle, owner) => core.#phones.set(handle, owner);
    internal.detach = (core, handle) => core.#phones.delete(handle);
  }

  /** @type {CoreModule} */
  #m;
  /** @type {Map<number, CoreOwner>} phone handle -> its Phone */
  #phones = new Map();
  /** @type {Map<number, WebSocket>} */
  #sockets = new Map();
  /** @type {CoreEvent[]} */
  #queue = [];
  #depth = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** @type {CoreReply | null} */
  #reply = null;
  #nextId = 1;
  /** @type {Error | null} set once the runtime aborted */
  #dead = null;
  /** @type {(level: number, text: string) => void} */
  #log;

  /**
   * @param {CoreOptions} options
   * @returns {Promise<Core>}
   */
  static async load(options = {}) {
    const bytes = await wasmBytes(options);
    /** @type {Core | undefined} */
    let core;
    const bridge = {
      emit: (/** @type {string} */ t) => { if (core) core.#onEmit(t); },
      wsOpen: (/** @type {number} */ c, /** @type {number} */ o, /** @type {string} */ u) => core ? core.#wsOpen(c, o, u) : 1,
      wsSend: (/** @type {number} */ c, /** @type {Uint8Array} */ b) => core ? core.#wsSend(c, b) : 1,
      wsClose: (/** @type {number} */ c) => { if (core) core.#wsClose(c); },
      log: (/** @type {number} */ l, /** @type {string} */ t) => { if (core) core.#log(l, t); },
    };
    let module, err;
    try {
      module = await instantiateCore(/** @type {BufferSource} */ (bytes), bridge);
      core = new Core(module, options);
      err = module.sp_init(options.logLevel ?? 0, options.maxPhones ?? 0);
    } catch (e) {
      throw new PhoneError('core-failed', 'could not load the wasm core', { cause: e });
    }
    if (err) throw new PhoneError('core-failed', `sp_init failed (${err}): check logLevel and maxPhones`);
    return core;
  }

  /**
   * @private
   * @param {CoreModule} module
   * @param {CoreOptions} options
   */
  constructor(module, options) {
    this.#m = module;
    this.#log = options.log ?? ((level, text) => {
      if (level >= 2) console.warn(`sipshield: ${text}`);
      else console.debug(`sipshield: ${text}`);
    });
  }

  /**
   * Run a command; the reply comes back synchronously. A command the core
   * refused before reading its id (too large, not JSON) is answered with
   * id 0: a typed PhoneError like any other refusal.
   * @template {CoreCommand} C
   * @param {C} command
   * @returns {ReplyTo<C>}
   */
  #cmd(command) {
    if (this.#dead) throw this.#dead;
    const id = this.#nextId++;
    const bytes = encoder.encode(JSON.stringify({ v: 1, id, ...command }));
    const m = this.#m;
    const ptr = m.sp_malloc(bytes.length);
    if (!ptr) throw new PhoneError('no-memory', 'out of wasm memory');
    this.#reply = null;
    try {
      m.heap.set(bytes, ptr);
      this.#enter(() => m.sp_cmd(ptr, bytes.length));
    } finally {
      // the command may hold a password: wipe the wasm copy (and ours)
      if (!this.#dead) {
        m.heap.fill(0, ptr, ptr + bytes.length);
        m.sp_free(ptr);
      }
      bytes.fill(0);
    }
    const reply = /** @type {CoreReply | null} */ (this.#reply);
    this.#reply = null;
    if (reply?.id === 0 && reply.err) throw new PhoneError(reply.err, reply.message);
    if (!reply || reply.id !== id) {
      throw new PhoneError('internal', `no reply to ${command.cmd}`);
    }
    // the reply to this command: its shape is the schema's (tests/node/abi.test.js)
    return /** @type {ReplyTo<C>} */ (reply);
  }

  /**
   * Enter C, then re-arm the timer and deliver queued events.
   * @template T
   * @param {() => T} fn
   * @returns {T}
   */
  #enter(fn) {
    this.#depth++;
    let result;
    try {
      result = fn();
    } catch (e) {
      // an exception out of wasm (abort, trap) kills the instance
      this.#die(new PhoneError('core-failed', 'the wasm core failed', { cause: e }));
      throw this.#dead;
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) {
      this.#arm();
      this.#flush();
    }
    return result;
  }

  #arm() {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dead) return;
    const next = this.#m.sp_tick(Date.now());
    if (next >= 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#dead) this.#enter(() => this.#m.sp_tick(Date.now()));
      }, next);
    }
  }

  #flush() {
    while (this.#queue.length) {
      const ev = /** @type {CoreEvent} */ (this.#queue.shift());
      this.#phones.get(ev.phone)?.onEvent(ev);
    }
  }

  /** @param {string} text */
  #onEmit(text) {
    /** @type {CoreEvent | CoreReply} a message of tools/schema.js */
    const msg = JSON.parse(text);
    if ('ev' in msg) this.#queue.push(msg);
    else this.#reply = msg;
  }

  /**
   * @param {number} conn
   * @param {number} owner
   * @param {string} url
   * @returns {number} 0 started, 1 failed
   */
  #wsOpen(conn, owner, url) {
    const phone = this.#phones.get(owner);
    const WS = phone?.WebSocket ?? globalThis.WebSocket;
    if (!WS) return 1;
    const ws = new WS(url, 'sip');
    ws.binaryType = 'arraybuffer';
    this.#sockets.set(conn, ws);
    ws.onopen = () => {
      if (this.#sockets.get(conn) === ws) this.#enter(() => this.#m.sp_ws_state(conn, WS_OPEN, 0));
    };
    ws.onmessage = (e) => {
      if (this.#sockets.get(conn) !== ws) return;
      const data = typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data);
      const m = this.#m;
      const ptr = m.sp_malloc(Math.max(1, data.length));
      if (!ptr) return;
      try {
        m.heap.set(data, ptr);
        this.#enter(() => m.sp_ws_rx(conn, ptr, data.length));
      } finally {
        if (!this.#dead) m.sp_free(ptr);
      }
    };
    ws.onclose = (e) => {
      if (this.#sockets.get(conn) !== ws) return;
      this.#sockets.delete(conn);
      this.#enter(() => this.#m.sp_ws_state(conn, WS_CLOSED, e.code || 1006));
    };
    ws.onerror = () => { /* a close event follows */ };
    return 0;
  }

  /**
   * @param {number} conn
   * @param {Uint8Array} bytes
   * @returns {number}
   */
  #wsSend(conn, bytes) {
    const ws = this.#sockets.get(conn);
    if (!ws || ws.readyState !== 1) return 1;
    // SIP over WebSocket (RFC 7118 5.1): UTF-8 text frames, as JsSIP sends
    ws.send(decoder.decode(bytes));
    return 0;
  }

  /** @param {number} conn */
  #wsClose(conn) {
    const ws = this.#sockets.get(conn);
    this.#sockets.delete(conn);
    if (ws && ws.readyState <= 1) ws.close(1000);
  }

  /** @param {Error} e */
  #die(e) {
    if (this.#dead) return;
    this.#dead = e;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const ws of this.#sockets.values()) {
      try { ws.close(1000); } catch { /* closing anyway */ }
    }
    this.#sockets.clear();
    for (const [handle, phone] of this.#phones) {
      phone.onEvent({ ev: 'core-failed', phone: handle });
    }
    if (shared) shared = undefined;
  }
}
