/**
 * @file abi.c  The exported functions: commands in, events out
 *
 * Commands arrive as JSON through sp_cmd():
 *   {"v":1,"id":7,"cmd":"phone.new","config":{...}}
 * every command is answered by exactly one reply, emitted synchronously:
 *   {"id":7,"err":null,"phone":1}  or  {"id":7,"err":"invalid-config",
 *                                       "message":"what to fix"}
 * A command refused before its id could be read (over 256 KiB:
 * "too-large"; not JSON: "bad-command") is answered with id 0.
 * Events carry "ev" instead of "id".  Every message's format is in
 * msgs.h, generated from the schema (tools/schema.js).
 * Objects cross as integer handles; a stale handle is "not-found".
 * "sdp.check" is the check build's only: a Phone applies the SDP policy
 * itself, the command is for tools (the page core, built with PAGE_CORE,
 * does not know it).
 * Decode, dispatch, encode: the logic is in ua/, call/ and policy/.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "check.h"
#include "crypto.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "transport.h"
#include "ua.h"
#include "handle.h"
#include "priv.h"
#include "msgs.h"


#define DEBUG_MODULE "abi"
#include <re_dbg.h>


enum {
	CMD_MAX     = 262144,
	JSON_DEPTH  = 8,
};

struct list *tmrl_get(void);

static struct list tmrl;
static bool inited;


static void log_handler(int level, const char *p, size_t len, void *arg)
{
	int l;
	(void)arg;

	/* re_dbg levels: 3 error, 4 warning, 5 notice, 6 info, 7 debug */
	if (level <= DBG_ERR)
		l = 3;
	else if (level <= DBG_WARNING)
		l = 2;
	else if (level <= DBG_INFO)
		l = 1;
	else
		l = 0;

	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		--len;

	spjs_log(l, p, len);
}


/**
 * Initialise the core once
 *
 * @param log_level 0 silent (default), 1 errors, 2 warnings, 3 info (what
 *                  happened, a line a step), 4 debug (also every SIP
 *                  message in and out: start line, Call-ID, CSeq, size).
 *                  Levels 3 and 4 print only what the build compiled in:
 *                  sipshield-core-debug.wasm has every level, the page
 *                  core warnings and errors (tools/core.mk DEBUG_LEVEL)
 * @param max_phones Phones at once, 1..4096; 0: 256 (ABI_PHONE_DEFAULT).
 *                  Again before sp_close(): the same or EBUSY
 *
 * @return 0 if success, otherwise errorcode
 */
int sp_init(int log_level, int max_phones)
{
	int err;

	static const int map[] = {
		DBG_EMERG, DBG_ERR, DBG_WARNING, DBG_INFO, DBG_DEBUG
	};

	if (log_level < 0 || log_level > 4)
		return EINVAL;

	if (!max_phones)
		max_phones = ABI_PHONE_DEFAULT;
	if (inited && max_phones != abi_phones_max())
		return EBUSY;  /* phones may be open */

	err = abi_phones_limit(max_phones);
	if (err)
		return err;

	dbg_init(map[log_level], 0);
	dbg_handler_set(log_handler, NULL);
	inited = true;

	return 0;
}


/** Release every phone: a fresh core after */
void sp_close(void)
{
	abi_phones_close();
	inited = false;
}


struct vals {
	struct re_printf *pf;
	int err;
	bool next;
};


static bool val_print(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	struct vals *v = arg;
	(void)msg;

	if (!hdr->val.l)  /* "Supported:" with no option tag */
		return false;

	if (v->next)
		v->err |= v->pf->vph(",", 1, v->pf->arg);
	v->err |= abi_json_pl(v->pf, &hdr->val);
	v->next = true;

	return v->err != 0;
}


/* The values of header @p id as JSON strings, comma-separated: libre
 * splits Allow and Supported at their commas, one value each */
static int json_vals(struct re_printf *pf, const struct sip_msg *msg,
		     enum sip_hdrid id)
{
	struct vals v = {pf, 0, false};

	(void)sip_msg_hdr_apply(msg, true, id, val_print, &v);

	return v.err;
}


static int json_allow(struct re_printf *pf, const struct sip_msg *msg)
{
	return json_vals(pf, msg, SIP_HDR_ALLOW);
}


static int json_supported(struct re_printf *pf, const struct sip_msg *msg)
{
	return json_vals(pf, msg, SIP_HDR_SUPPORTED);
}


static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     const struct ua_evinfo *info, void *arg)
{
	int h = ua_handle(ua);
	(void)arg;

	switch (ev) {

	case UA_EV_TRANSPORT:
		abi_emitf(ABI_EV_TRANSPORT, h, abi_json_str, info->state,
			  info->wscode);
		break;

	case UA_EV_REGISTERED:
		abi_emitf(ABI_EV_REGISTERED, h, info->expires, info->status,
			  abi_json_str, ua_digest(ua));
		break;

	case UA_EV_UNREGISTERED:
		abi_emitf(ABI_EV_UNREGISTERED, h);
		break;

	case UA_EV_REGISTRATION_FAILED:
		abi_emitf(ABI_EV_REGISTRATION_FAILED, h, abi_json_str,
			  info->code, info->status, abi_json_pl, &info->reason,
			  info->retry_in);
		break;

	case UA_EV_MESSAGE:
		abi_emitf(ABI_EV_MESSAGE, h, abi_json_pl, &info->from,
			  abi_json_pl, &info->display, abi_json_pl,
			  &info->ctype, abi_json_pl, &info->body);
		break;

	case UA_EV_MESSAGE_DONE:
		if (info->code)
			abi_emitf(ABI_EV_MESSAGE_FAILED, h, info->id,
				  abi_json_str, info->code, info->status,
				  abi_json_pl, &info->reason);
		else
			abi_emitf(ABI_EV_MESSAGE_SENT, h, info->id,
				  info->status, json_allow, info->msg,
				  json_supported, info->msg);
		break;

	case UA_EV_NEED_CREDS:
		abi_emitf(ABI_EV_CREDENTIALS_NEED, h, abi_json_str,
			  info->code);
		break;

	case UA_EV_RECONNECTING:
		abi_emitf(ABI_EV_RECONNECTING, h, 0, abi_json_str, info->code,
			  info->id, info->retry_in);
		break;

	case UA_EV_RECONNECTED:
		abi_emitf(ABI_EV_BARE, "reconnected", h, 0);
		break;
	}
}


/* Secrets in the decoded config are wiped once the UA has its copy */
static void wipe_str(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	if (e && e->type == ODICT_STRING && e->u.str)
		crypto_zeroize(e->u.str, strlen(e->u.str));
}


static void wipe_secrets(const struct odict *cfg)
{
	const struct odict_entry *ha1 = odict_lookup(cfg, "ha1");

	wipe_str(cfg, "password");
	if (ha1 && ha1->type == ODICT_OBJECT) {
		wipe_str(ha1->u.odict, "md5");
		wipe_str(ha1->u.odict, "sha256");
		wipe_str(ha1->u.odict, "sha512_256");
	}
}


static void cmd_phone_new(uint64_t id, const struct odict *cmd)
{
	const struct odict_entry *cfg = odict_lookup(cmd, "config");
	const char *code = NULL, *reason = NULL;
	struct ua *ua = NULL;
	int h, err;

	if (!cfg || cfg->type != ODICT_OBJECT) {
		abi_reply_err(id, CODE_INVALID_CONFIG, "");
		return;
	}

	err = ua_alloc(&ua, cfg->u.odict, ua_event_handler,
		       abi_call_event, NULL, &code, &reason);
	wipe_secrets(cfg->u.odict);
	if (err) {
		abi_reply_err(id, code, reason);
		return;
	}

	h = abi_phone_add(ua);
	if (!h) {
		mem_deref(ua);
		abi_reply_err(id, CODE_BUSY,
			      "too many phones: close one first");
		return;
	}

	ua_set_handle(ua, h);

	abi_emitf(ABI_RE_PHONE, (unsigned long long)id, h, ua_instance(ua));
}


static void cmd_phone(uint64_t id, const char *name, const struct odict *cmd)
{
	uint64_t h = 0;
	struct ua *ua;
	int err;

	if (!odict_get_number(cmd, &h, "phone") || h > HANDLE_MAX ||
	    !(ua = abi_phone((int)h))) {
		abi_reply_err(id, CODE_NOT_FOUND, "");
		return;
	}

	if (!strcmp(name, "phone.register"))
		err = ua_register(ua);
	else if (!strcmp(name, "phone.unregister")) {
		err = ua_unregister(ua);
		if (err == EALREADY) {
			abi_reply_ok(id);
			abi_emitf(ABI_EV_UNREGISTERED, (int)h);
			return;
		}
	}
	else if (!strcmp(name, "phone.message") ||
		 !strcmp(name, "phone.options")) {
		const char *target = odict_string(cmd, "target");
		uint32_t mid = 0;

		err = name[6] == 'o' ? ua_options(ua, target, &mid) :
			ua_message(ua, target, odict_string(cmd, "text"),
				   &mid);
		if (err == EINVAL) {
			abi_reply_err(id, CODE_INVALID_ARGUMENT,
				      "target must be a sip:/sips: URI or a "
				      "user name, text a string of at most "
				      "16384 bytes");
			return;
		}
		if (!err) {
			abi_emitf(ABI_RE_MESSAGE_ID, (unsigned long long)id,
				  mid);
			return;
		}
	}
	else if (!strcmp(name, "phone.credentials")) {
		const char *reason = "";

		err = ua_credentials(ua, cmd, &reason);
		wipe_secrets(cmd);
		if (err) {
			abi_reply_err(id, CODE_INVALID_ARGUMENT, reason);
			return;
		}
	}
	else if (!strcmp(name, "phone.check")) {
		ua_check(ua);
		err = 0;
	}
	else if (!strcmp(name, "phone.close")) {
		abi_phone_del((int)h);
		mem_deref(ua);
		err = 0;
	}
	else {
		abi_reply_err(id, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
		return;
	}

	if (err)
		abi_reply_err(id, codes_errno(err), "");
	else
		abi_reply_ok(id);
}


#ifndef PAGE_CORE
/* {"cmd":"sdp.check","sdp":"...","bytes":N,"direction":"remote"|"local",
 *  "privacy":"mdns"|"relay"|"off"}: the SDP policy's verdict, and for a
 * local SDP what may leave.  The command succeeds (err null) whatever the
 * verdict; "ok" says it.  "bytes" is the SDP's UTF-8 length as JS counted
 * it: a JSON string may carry \u0000, which ends a C string early, so a
 * shorter string here means a NUL byte and the SDP is malformed. */
static void cmd_sdp_check(uint64_t id, const struct odict *cmd)
{
	const char *sdp = odict_string(cmd, "sdp");
	const char *dir = odict_string(cmd, "direction");
	const char *priv = odict_string(cmd, "privacy");
	enum policy_privacy privacy = POLICY_PRIVACY_MDNS;
	struct policy_verdict v;
	struct mbuf *out = NULL;
	uint64_t bytes = 0;
	bool local;
	int err;

	if (!sdp || !odict_get_number(cmd, &bytes, "bytes")) {
		abi_reply_err(id, CODE_INVALID_ARGUMENT,
			  "sdp must be a string, bytes its UTF-8 length");
		return;
	}

	if (bytes != strlen(sdp)) {
		/* the string ends at the NUL: its line is the last one */
		unsigned line = 1;
		const char *p;

		for (p = sdp; *p; ++p)
			line += *p == '\n';

		abi_emitf(ABI_RE_SDP_REFUSED, (unsigned long long)id,
			  abi_json_str, CODE_MALFORMED_SDP, line,
			  abi_json_str, "NUL byte in the SDP");
		return;
	}

	local = dir && !strcmp(dir, "local");
	if (dir && !local && strcmp(dir, "remote")) {
		abi_reply_err(id, CODE_INVALID_ARGUMENT,
			  "direction must be remote or local");
		return;
	}

	if (priv && policy_privacy_decode(&privacy, priv)) {
		abi_reply_err(id, CODE_INVALID_ARGUMENT,
			  "privacy must be mdns, relay or off");
		return;
	}

	memset(&v, 0, sizeof(v));
	if (local) {
		out = mbuf_alloc(strlen(sdp) + 64);
		if (!out) {
			abi_reply_err(id, CODE_NO_MEMORY, "out of memory");
			return;
		}
		err = policy_sdp_local(out, &v, sdp, strlen(sdp), privacy);
	}
	else
		err = policy_sdp_remote(&v, sdp, strlen(sdp));

	if (!err && local) {
		struct pl pl;

		pl.p = (const char *)out->buf;
		pl.l = out->end;
		abi_emitf(ABI_RE_SDP_LOCAL, (unsigned long long)id,
			  abi_json_str, policy_privacy_name(privacy),
			  abi_json_pl, &pl);
	}
	else if (!err)
		abi_emitf(ABI_RE_SDP_OK, (unsigned long long)id);
	else if (v.reason)
		abi_emitf(ABI_RE_SDP_REFUSED, (unsigned long long)id,
			  abi_json_str, v.reason,
			  v.line, abi_json_str, v.detail);
	else
		abi_reply_err(id, codes_errno(err), "SDP check failed");

	mem_deref(out);
}
#endif


/**
 * Run one command (JSON); the reply is emitted before this returns
 *
 * @return 0 if a reply was emitted for a well-formed command, else errno
 */
int sp_cmd(const char *json, size_t len)
{
	struct odict *cmd = NULL;
	const char *name;
	uint64_t id = 0, v = 0;
	int err;

	/* Refused before its id is read: the reply carries id 0, and the
	 * shim takes it as the reply to the command it is running */
	if (!json || len == 0) {
		abi_reply_err(0, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
		return EINVAL;
	}

	if (len > CMD_MAX) {
		abi_reply_err(0, CODE_TOO_LARGE, "command over 256 KiB");
		return EMSGSIZE;
	}

	if (!inited) {
		abi_reply_err(0, CODE_NOT_INITIALIZED, "call sp_init first");
		return EINVAL;
	}

	err = abi_json_decode(&cmd, json, len, JSON_DEPTH);
	if (err) {
		abi_reply_err(0, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
		return EBADMSG;
	}

	(void)odict_get_number(cmd, &id, "id");
	name = odict_string(cmd, "cmd");
	if (!odict_get_number(cmd, &v, "v") || v != 1 || !name) {
		abi_reply_err(id, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
		err = EPROTO;
		goto out;
	}

	if (!strcmp(name, "phone.new"))
		cmd_phone_new(id, cmd);
	else if (!strncmp(name, "phone.", 6))
		cmd_phone(id, name, cmd);
#ifndef PAGE_CORE
	else if (!strcmp(name, "sdp.check"))
		cmd_sdp_check(id, cmd);
#endif
	else if (!strncmp(name, "call.", 5))
		abi_call_cmd(id, name, cmd);
	else {
		abi_reply_err(id, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
		err = EPROTO;
	}

 out:
	mem_deref(cmd);

	return err;
}


/**
 * The timer list of libre's timers.  libre's main loop (main/main.c) is
 * not linked: JS runs the loop, through sp_tick().
 *
 * @return The timer list
 */
struct list *tmrl_get(void)
{
	return &tmrl;
}


/**
 * Run due timers
 *
 * @param now_ms Ignored (libre reads the clock); kept for the ABI
 *
 * @return ms until the next timer, or -1 if none is pending
 */
int sp_tick(double now_ms)
{
	uint64_t next;
	(void)now_ms;

	tmr_poll(tmrl_get());

	if (!list_head(tmrl_get()))
		return -1;

	next = tmr_next_timeout(tmrl_get());

	return next > 0x7fffffff ? 0x7fffffff : (int)next;
}


/** One WebSocket message arrived on connection @p conn */
int sp_ws_rx(int conn, const uint8_t *buf, size_t len)
{
	return transport_rx(conn, buf, len);
}


/** The WebSocket of @p conn opened (1) or closed (2, with @p code) */
int sp_ws_state(int conn, int state, int code)
{
	if (state != TRANSPORT_OPEN && state != TRANSPORT_CLOSED)
		return EINVAL;

	return transport_state_set(conn, (enum transport_state)state, code);
}


void *sp_malloc(size_t size)
{
	return size ? malloc(size) : NULL;
}


void sp_free(void *p)
{
	free(p);
}


/**
 * Check one SIP message with the core's parser (the CLI and benchmark)
 *
 * @param verbose 1: emit the JSON verdict through spjs_emit
 *
 * @return 0 if accepted, otherwise the errno of the refusal
 */
int sp_sip_check(const uint8_t *buf, size_t len, int verbose)
{
	struct mbuf *mb;
	uint32_t cseq;
	int err;

	if (!verbose)
		return check_sip_fast(buf, len, &cseq);

	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;

	err = check_sip(mb, buf, len);
	spjs_emit((const char *)mb->buf, mb->end);
	mem_deref(mb);

	return err;
}
