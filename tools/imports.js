/**
 * @file imports.js  The names of the C core's imports, for the wasm link
 *
 * The wasm is linked standalone (no Emscripten JS runtime); Emscripten
 * still wants every undefined C symbol declared by a JS library, so they
 * are declared here and become imports of module "env".  They are
 * implemented by shim/wasm.js; their contract is wasm/include/spjs.h.
 * A symbol missing here fails the link: no import goes unnoticed.  The
 * build then gives each a one-letter name (tools/wasm-names.js), by the
 * table in shim/wasm.js (WASM_NAMES): a new import goes in there too, or
 * the build fails.
 */
mergeInto(LibraryManager.library, {
  spjs_emit: function () {},
  spjs_ws_open: function () {},
  spjs_ws_send: function () {},
  spjs_ws_close: function () {},
  spjs_random: function () {},
  spjs_log: function () {},
});
