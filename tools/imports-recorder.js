/**
 * @file imports-recorder.js  The recorder module's imports, for the wasm link
 *
 * Like tools/imports.js for the core: the recorder (wasm/recorder/) is
 * linked standalone and these names become imports of module "env",
 * implemented by shim/recorder-core.js.  spjs_random is the core's import
 * (wasm/include/spjs.h), so one implementation serves both modules; the
 * sprec_* contract is wasm/recorder/recorder.h.
 */
mergeInto(LibraryManager.library, {
  spjs_random: function () {},
  sprec_out: function () {},
  sprec_plain: function () {},
});
