/**
 * @file core-imports.js  The spjs_* imports of the C core (Emscripten --js-library)
 *
 * Each import forwards to `Module.sp`, the bridge object shim/core.js
 * passes to the module factory. Bytes handed over by C are valid only
 * during the call, so they are copied (slice) or decoded here.
 * A bridge that throws must not unwind through wasm: failures become a
 * non-zero return (or are dropped, for void imports).
 */
mergeInto(LibraryManager.library, {
  spjs_emit: function (ptr, len) {
    const text = new TextDecoder().decode(HEAPU8.subarray(ptr, ptr + len));
    try { Module['sp'].emit(text); } catch (e) { /* the bridge reports */ }
  },
  spjs_ws_open: function (conn, owner, ptr, len) {
    const url = new TextDecoder().decode(HEAPU8.subarray(ptr, ptr + len));
    try { return Module['sp'].wsOpen(conn, owner, url) ? 1 : 0; } catch (e) { return 1; }
  },
  spjs_ws_send: function (conn, ptr, len) {
    const bytes = HEAPU8.slice(ptr, ptr + len);
    try { return Module['sp'].wsSend(conn, bytes) ? 1 : 0; } catch (e) { return 1; }
  },
  spjs_ws_close: function (conn, code) {
    try { Module['sp'].wsClose(conn, code); } catch (e) { /* already closed */ }
  },
  spjs_random: function (ptr, len) {
    // crypto.getRandomValues takes at most 65536 bytes per call
    for (let i = 0; i < len; i += 65536) {
      crypto.getRandomValues(HEAPU8.subarray(ptr + i, ptr + Math.min(len, i + 65536)));
    }
  },
  spjs_log: function (level, ptr, len) {
    const text = new TextDecoder().decode(HEAPU8.subarray(ptr, ptr + len));
    try { Module['sp'].log(level, text); } catch (e) { /* logging is best effort */ }
  },
});
