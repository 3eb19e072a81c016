/**
 * @file wasm.js  Instantiates the wasm core and implements its imports
 *
 * The core is a standalone wasm module (linked without Emscripten's JS
 * runtime: tools/core.mk). Its imports are few:
 *   env.spjs_*        the calls C makes into JS (wasm/include/spjs.h)
 *   env.emscripten_notify_memory_growth   the memory grew
 *   wasi_snapshot_preview1.clock_time_get libre's timer clock
 *   wasi_snapshot_preview1.proc_exit      abort(): the core is dead
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
 * @property {(logLevel: number) => number} sp_init
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

  const env = {
    /** @type {(ptr: number, len: number) => void} */
    spjs_emit: (ptr, len) => {
      try { bridge.emit(text(ptr, len)); } catch { /* the bridge reports */ }
    },
    /** @type {(conn: number, owner: number, ptr: number, len: number) => number} */
    spjs_ws_open: (conn, owner, ptr, len) => {
      try { return bridge.wsOpen(conn, owner, text(ptr, len)) ? 1 : 0; } catch { return 1; }
    },
    /** @type {(conn: number, ptr: number, len: number) => number} */
    spjs_ws_send: (conn, ptr, len) => {
      try { return bridge.wsSend(conn, heap().slice(ptr, ptr + len)) ? 1 : 0; } catch { return 1; }
    },
    /** @type {(conn: number, code: number) => void} */
    spjs_ws_close: (conn, code) => {
      try { bridge.wsClose(conn, code); } catch { /* already closed */ }
    },
    /** @type {(ptr: number, len: number) => void} */
    spjs_random: (ptr, len) => {
      // no try: without randomness the core must stop (C aborts)
      for (let i = 0; i < len; i += RANDOM_CHUNK) {
        crypto.getRandomValues(heap().subarray(ptr + i, ptr + Math.min(len, i + RANDOM_CHUNK)));
      }
    },
    /** @type {(level: number, ptr: number, len: number) => void} */
    spjs_log: (level, ptr, len) => {
      try { bridge.log(level, text(ptr, len)); } catch { /* best effort */ }
    },
    emscripten_notify_memory_growth: () => { /* heap() notices */ },
  };
  const wasi = {
    /** @type {(id: number, precision: bigint, out: number) => number} */
    clock_time_get: (id, precision, out) => {
      // wall-clock aligned, never backwards: libre's timers run on it
      const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
      new DataView(heap().buffer).setBigUint64(out, ns, true);
      return 0;
    },
    /** @type {(code: number) => never} */
    proc_exit: (code) => {
      throw new Error(`the wasm core aborted (exit ${code})`);
    },
  };

  const { instance } = await WebAssembly.instantiate(bytes,
    { env, wasi_snapshot_preview1: wasi });
  const x = /** @type {any} */ (instance.exports);
  memory = x.memory;
  x._initialize();
  // the exports (tools/exports.json) and a heap view that follows growth
  return { ...x, get heap() { return heap(); } };
}
