/**
 * @file why.h  What a config error's message says
 *
 * WHY(key, text): the release page core names the config key at fault
 * ("invalid-config: keepAlive"); every other core says what the value must
 * be: the debug page core, which logLevel 2 and up load (shim/core.js), the
 * check core of the CLI, and the native tests.  The sentences cost 0.25 KB
 * of the page download (gzip -9, measured); the README's config section
 * and shim/phone.js's PhoneConfig say the same for every key.  (React
 * ships its production errors as codes for the same reason.)
 *
 * A file that includes this header is built for the page core and again
 * for the debug page core: tools/core.mk finds it by the #include.
 */
#if defined(PAGE_CORE) && DEBUG_LEVEL < 6
#define WHY(key, text) (key)
#else
#define WHY(key, text) (text)
#endif
