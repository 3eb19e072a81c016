/**
 * @file wasm.js  Instantiates the wasm core and implements its imports
 *
 * The core is a standalone wasm module (linked without Emscripten's JS
 * runtime: tools/core.mk). Its imports are few:
 *   env.spjs_*        the calls C makes into JS (wasm/include/spjs.h)
 *   wasi_snapshot_preview1.clock_time_get libre's timer clock
 *   wasi_snapshot_preview1.proc_exit      abort(): the core is dead
 * In the .wasm, they and the exports have one-letter names (WASM_NAMES).
 * Pointers handed over by C are valid only during the call: bytes are
 * copied (slice) or decoded here. A bridge function that throws must not
 * unwind through wasm: failures become a non-zero return (or are dropped).
 */

/**
 * @typedef {object} Bridge  what the core calls in JS
 * @property {(text: string) => void} emit one JSON event or reply
 * @property {(conn: number, owner: number, url: string) => number} wsOpen 0 if started
 * @property {(conn: number, bytes: Uint8Array) => number} wsSend 0 if sent
 * @property {(conn: number, code: number) => void} wsClose
 * @property {(level: number, text: string) => void} log
 */

/**
 * @typedef {object} CoreModule  the instantiated core: tools/exports.json
 * @property {(logLevel: number, maxPhones: number) => number} sp_init
 * @property {() => void} sp_close
 * @property {(ptr: number, len: number) => number} sp_cmd
 * @property {(nowMs: number) => number} sp_tick
 * @property {(conn: number, ptr: number, len: number) => number} sp_ws_rx
 * @property {(conn: number, state: number, code: number) => number} sp_ws_state
 * @property {(size: number) => number} sp_malloc
 * @property {(ptr: number) => void} sp_free
 * @property {((ptr: number, len: number, verbose: number) => number) | undefined} sp_sip_check
 *   the check build only (tools/exports-check.json)
 * @property {Uint8Array} heap the wasm memory (a fresh view after growth)
 */

/**
 * The names of the core's imports and exports: the C's (tools/imports.js,
 * tools/exports.json, Emscripten's) and, beside each, its name in the
 * .wasm. tools/wasm-names.js renames every core by this table, the last
 * step of its build (tools/core.mk): names are bytes of the page.
 * instantiateCore() spells the short names out instead of reading this
 * table, which would put the C names on the page (0.15 KB gzip);
 * tests/node/wasm-names.test.js holds the two together.
 */
export const WASM_NAMES = {
  modules: { env: 'a', wasi_snapshot_preview1: 'a' },
  imports: {
    env: {
      spjs_emit: 'a',
      spjs_ws_open: 'b',
      spjs_ws_send: 'c',
      spjs_ws_close: 'd',
      spjs_random: 'e',
      spjs_log: 'f',
    },
    wasi_snapshot_preview1: {
      clock_time_get: 'g',
      proc_exit: 'h',
    },
  },
  exports: {
    memory: 'a',
    _initialize: 'b',
    sp_init: 'c',
    sp_close: 'd',
    sp_cmd: 'e',
    sp_tick: 'f',
    sp_ws_rx: 'g',
    sp_ws_state: 'h',
    sp_malloc: 'i',
    sp_free: 'j',
    sp_sip_check: 'k',
  },
};

/**
 * The names of WASM_NAMES that not every core has: spjs_log (the release
 * page core has nothing to log), sp_sip_check (the check core's)
 */
export const WASM_NAMES_SOME = ['spjs_log', 'sp_sip_check'];

/**
 * Emscripten's own exports, which the shim does not use: they keep their
 * names. The check core has some, the wasm-debug builds' cores more (the
 * stack limits); the release page cores lose them to wasm-metadce.
 */
export const WASM_NAMES_KEPT = ['__indirect_function_table', '__errno_location', 'stackSave',
  'stackRestore', 'stackAlloc', 'emscripten_stack_init', 'emscripten_stack_get_free',
  'emscripten_stack_get_base', 'emscripten_stack_get_end', '__set_stack_limits'];

const decoder = new TextDecoder();

/** crypto.getRandomValues fills at most 65536 bytes per call */
const RANDOM_CHUNK = 65536;

/**
 * Instantiate the core from its bytes.
 * @param {BufferSource} bytes the .wasm
 * @param {Bridge} bridge
 * @returns {Promise<CoreModule>}
 */
export async function instantiateCore(bytes, bridge) {
  /** @type {WebAssembly.Memory | undefined} */
  let memory;
  let view = new Uint8Array(0);
  const heap = () => {
    const buffer = /** @type {WebAssembly.Memory} */ (memory).buffer;
    if (view.buffer !== buffer) view = new Uint8Array(buffer);
    return view;
  };
  /** @type {(ptr: number, len: number) => string} */
  const text = (ptr, len) => decoder.decode(heap().subarray(ptr, ptr + len));

  // by their short names (WASM_NAMES), all in module "a"
  const imports = {
    /** spjs_emit @type {(ptr: number, len: number) => void} */
    a: (ptr, len) => {
      try { bridge.emit(text(ptr, len)); } catch { /* the bridge reports */ }
    },
    /** spjs_ws_open @type {(conn: number, owner: number, ptr: number, len: number) => number} */
    b: (conn, owner, ptr, len) => {
      try { return bridge.wsOpen(conn, owner, text(ptr, len)) ? 1 : 0; } catch { return 1; }
    },
    /** spjs_ws_send @type {(conn: number, ptr: number, len: number) => number} */
    c: (conn, ptr, len) => {
      try { return bridge.wsSend(conn, heap().slice(ptr, ptr + len)) ? 1 : 0; } catch { return 1; }
    },
    /** spjs_ws_close @type {(conn: number, code: number) => void} */
    d: (conn, code) => {
      try { bridge.wsClose(conn, code); } catch { /* already closed */ }
    },
    /** spjs_random @type {(ptr: number, len: number) => void} */
    e: (ptr, len) => {
      // no try: without randomness the core must stop (C aborts)
      for (let i = 0; i < len; i += RANDOM_CHUNK) {
        crypto.getRandomValues(heap().subarray(ptr + i, ptr + Math.min(len, i + RANDOM_CHUNK)));
      }
    },
    /** spjs_log @type {(level: number, ptr: number, len: number) => void} */
    f: (level, ptr, len) => {
      try { bridge.log(level, text(ptr, len)); } catch { /* best effort */ }
    },
    /** clock_time_get @type {(id: number, precision: bigint, out: number) => number} */
    g: (id, precision, out) => {
      // wall-clock aligned, never backwards: libre's timers run on it
      const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
      new DataView(heap().buffer).setBigUint64(out, ns, true);
      return 0;
    },
    /** proc_exit @type {(code: number) => never} */
    h: (code) => {
      throw new Error(`the wasm core aborted (exit ${code})`);
    },
  };

  const { instance } = await WebAssembly.instantiate(bytes, { a: imports });
  const x = /** @type {any} */ (instance.exports);
  memory = x.a;   // memory
  x.b();          // _initialize
  // the exports by their C names (WASM_NAMES), and a heap view that follows growth
  return {
    sp_init: x.c,
    sp_close: x.d,
    sp_cmd: x.e,
    sp_tick: x.f,
    sp_ws_rx: x.g,
    sp_ws_state: x.h,
    sp_malloc: x.i,
    sp_free: x.j,
    sp_sip_check: x.k,
    get heap() { return heap(); },
  };
}
