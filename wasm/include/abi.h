/**
 * @file abi.h  The exported functions: the whole C <-> JS boundary
 *
 * The list is tools/exports.json; shim/core.js is the only caller.
 */

int  sp_init(int log_level, int max_phones);
void sp_close(void);
int  sp_cmd(const char *json, size_t len);
int  sp_tick(double now_ms);
int  sp_ws_rx(int conn, const uint8_t *buf, size_t len);
int  sp_ws_state(int conn, int state, int code);
void *sp_malloc(size_t size);
void sp_free(void *p);
int  sp_sip_check(const uint8_t *buf, size_t len, int verbose);

/* JSON helpers shared by abi/ files */
int abi_json_str(struct re_printf *pf, const char *s);
int abi_json_pl(struct re_printf *pf, const struct pl *pl);
void abi_emitf(const char *fmt, ...);
int abi_json_decode(struct odict **op, const char *str, size_t len,
		    unsigned maxdepth);
