/**
 * @file spjs.h  The imports: the only functions the C core calls in JS
 *
 * In wasm they are implemented by shim/wasm.js; in the native unit
 * tests by tests/c/fake_spjs.c.  Every pointer is borrowed for the duration
 * of the call: JS copies what it keeps.
 */

/** Emit one JSON message (event or command reply) to the shim */
void spjs_emit(const char *json, size_t len);

/**
 * Open the WebSocket of connection handle @p conn to @p url (subprotocol
 * "sip", binary) for phone handle @p owner.  Completion arrives later
 * through sp_ws_state().
 *
 * @return 0 if the open was started, non-zero if it could not be
 */
int  spjs_ws_open(int conn, int owner, const char *url, size_t len);

/** Send one SIP message on connection @p conn; 0, or non-zero on failure */
int  spjs_ws_send(int conn, const uint8_t *buf, size_t len);

/** Close connection @p conn with WebSocket close code @p code */
void spjs_ws_close(int conn, int code);

/** Fill @p buf with @p len cryptographically secure random bytes */
void spjs_random(uint8_t *buf, size_t len);

/** Log one line at @p level (0 debug, 1 info, 2 warning, 3 error) */
void spjs_log(int level, const char *msg, size_t len);
