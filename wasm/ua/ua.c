/**
 * @file ua.c  The user agent: config, SIP stack, WebSocket flow, account
 *
 * Config keys (JSON object from the shim, see shim/abi.js PhoneConfig):
 *   server           wss:// URL, or several separated by spaces, tried
 *                    in turn (policy/transport.c, transport/flow.c;
 *                    required)
 *   uri              address of record, sip:user@domain (required)
 *   username         digest user name (default: user part of uri)
 *   password         digest password            } one of the three
 *   ha1              {md5, sha256, sha512_256}  } (ha1 needs realm)
 *   credentials      true: the app supplies     } short-lived ones
 *                    when asked (ua_credentials) }
 *   realm            pin the digest realm (challenges for others refused)
 *   minAlgorithm     "MD5" | "SHA-256" | "SHA-512-256"
 *   registerExpires  seconds, 30..86400 (default 600)
 *   displayName      From display name (no quotes, backslashes or controls)
 *   privacy          "mdns" (default) | "relay" | "off": what our SDP may
 *                    reveal (wasm/policy/sdp.c)
 *   instanceId       UUID of this phone for RFC 5626 outbound (the
 *                    +sip.instance of its REGISTER); default: a random
 *                    one per phone, which the app may keep and pass back
 *   keepAlive        seconds within which a dead flow is found (CRLF
 *                    keep-alive, wasm/transport/flow.c); 0: no pings;
 *                    default 30, else 10..3600
 *   reconnectAttempts reopens of a lost flow before the phone gives up
 *                    (0..100, default 8, wasm/transport/flow.c)
 *   failbackAfter    seconds on a later server before the phone moves
 *                    back to the first, between calls (0: never, the
 *                    default; else 10..86400; wasm/transport/flow.c)
 *   retryFirstRegister false: a first REGISTER lost to the network is
 *                    not retried (default: retried as a lost binding)
 *
 * The password and HA1 values are copied into the auth module's
 * credentials (zeroized when freed) and wiped from the decoded config.
 * A short-lived credential is also zeroized when it expires.
 */
#include <string.h>
#include <re.h>
#include "auth.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "message.h"
#include "reg.h"
#include "transport.h"
#include "ua.h"
#include "priv.h"
#include "why.h"


#define DEBUG_MODULE "ua"
#include <re_dbg.h>


struct ua {
	int handle;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct auth_creds *creds;
	struct tmr creds_tmr;   /* zeroizes a short-lived credential */
	bool pinned;            /* config.realm: HA1s may be used    */
	struct flow flow;       /* the connection's owner (flow.c)  */
	struct reg *reg;
	struct list calls;
	struct call_ctx cctx;   /* what the calls need from the phone */
	struct message_ctx mctx;
	char *aor;
	char *display;
	char *cuser;
	char *gruu;             /* the calls' Contact, once registered */
	char instance[UA_UUID_LEN + 1];  /* RFC 5626 +sip.instance */
	bool reconnecting;      /* a lost flow is being replaced     */
	ua_event_h *eh;
	void *arg;
};


static void destructor(void *arg)
{
	struct ua *ua = arg;

	tmr_cancel(&ua->creds_tmr);
	call_close_all(&ua->calls);
	message_close(&ua->mctx);
	/* libre keeps an ended session while it waits (the ACK of our 2xx,
	 * a request's answer), with its timers and the socket: end them */
	sipsess_close_all(ua->sock);
	ua->sock = mem_deref(ua->sock);
	ua->reg = mem_deref(ua->reg);
	sip_close(ua->sip, true);
	flow_close(&ua->flow);
	ua->sip = mem_deref(ua->sip);
	ua->creds = mem_deref(ua->creds);
	mem_deref(ua->aor);
	mem_deref(ua->display);
	mem_deref(ua->cuser);
	mem_deref(ua->gruu);
}


static void message_recv(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;
	struct ua_evinfo info;

	memset(&info, 0, sizeof(info));
	info.from    = msg->from.auri;
	info.display = msg->from.dname;
	info.ctype   = msg->ctyp.type;
	if (msg->ctyp.subtype.p)
		info.ctype.l = (size_t)(msg->ctyp.subtype.p +
					msg->ctyp.subtype.l -
					msg->ctyp.type.p);
	info.body.p = (const char *)mbuf_buf(msg->mb);
	info.body.l = mbuf_get_left(msg->mb);

	ua->eh(ua, UA_EV_MESSAGE, &info, ua->arg);
}


static void message_done(uint32_t id, const char *code, uint16_t status,
			 const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;
	struct ua_evinfo info;

	memset(&info, 0, sizeof(info));
	info.id     = id;
	info.code   = code;
	info.status = status;
	info.msg    = msg;
	if (msg)
		info.reason = msg->reason;

	ua->eh(ua, UA_EV_MESSAGE_DONE, &info, ua->arg);
}


static void conn_handler(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	call_incoming(&ua->cctx, msg);
}


/* The lost flow is back and carries what it carried: the app is told */
static void reconnected(struct ua *ua)
{
	struct ua_evinfo info;

	if (!ua->reconnecting)
		return;

	ua->reconnecting = false;
	memset(&info, 0, sizeof(info));
	ua->eh(ua, UA_EV_RECONNECTED, &info, ua->arg);
}


/*
 * The flow's owner reports (flow.c): the app gets a transport event, the
 * registration and every call are told.  A flow lost while it carried a
 * binding or a confirmed call is wanted back: the owner reopens it after
 * its back-off (the app gets "reconnecting", the registration reports
 * the loss with that wait) until its reopens are used up; then the
 * registration fails for good and the calls end.  On the new flow the
 * registration goes out again and the calls move their route
 * (call_flow); "reconnected" follows the registration, or at once.
 */
static void flow_handler(enum flow_event ev, int code, void *arg)
{
	struct ua *ua = arg;
	struct ua_evinfo info;
	bool down = ev == FLOW_DOWN || ev == FLOW_DEAD || ev == FLOW_BACK;
	bool wanted = reg_recovering(ua->reg) ||
		call_flow_wanted(&ua->calls);
	uint32_t retry_in = 0;

	/* back to the first server only between calls */
	if (ev == FLOW_LATER) {
		if (!ua->calls.head)
			flow_failback(&ua->flow);
		return;
	}

	memset(&info, 0, sizeof(info));
	info.state  = down ? "closed" : "open";
	info.wscode = code;

	ua->eh(ua, UA_EV_TRANSPORT, &info, ua->arg);

	if (!down) {
		call_flow(&ua->calls, ev, 0, NULL);
		if (!reg_flow_up(ua->reg))
			reconnected(ua);
		return;
	}

	info.code = ev == FLOW_DEAD ? CODE_FLOW_DEAD : ev == FLOW_BACK ?
		CODE_FAILBACK : CODE_TRANSPORT_CLOSED;
	if (wanted) {
		retry_in = flow_reopen(&ua->flow);
		info.id = flow_attempt(&ua->flow);
		info.retry_in = retry_in;
		ua->reconnecting = retry_in != 0;
		if (retry_in)
			ua->eh(ua, UA_EV_RECONNECTING, &info, ua->arg);
		else
			reg_give_up(ua->reg);
	}

	call_flow(&ua->calls, ev, retry_in ? info.id : 0, info.code);
	reg_flow_down(ua->reg, retry_in);
}


/*
 * New calls take the GRUU the registrar gave us as their Contact (a
 * dialog that reaches us whatever our flow), else the user name, which
 * libre completes into sip:user@<.invalid host>.  libre copies it when a
 * call starts, so the old string may go.
 */
static void contact_update(struct ua *ua)
{
	const char *gruu = reg_gruu(ua->reg);

	if (!gruu || (ua->gruu && !strcmp(gruu, ua->gruu)))
		return;

	ua->gruu = mem_deref(ua->gruu);
	if (str_dup(&ua->gruu, gruu))
		ua->cctx.cuser = ua->cuser;
	else
		ua->cctx.cuser = ua->gruu;
	DEBUG_INFO("calls use the registrar's GRUU as Contact\n");
}


static void reg_handler(enum reg_event ev, const struct reg_info *ri,
			void *arg)
{
	struct ua *ua = arg;
	struct ua_evinfo info;

	memset(&info, 0, sizeof(info));
	info.expires = ri->expires;
	info.status  = ri->status;
	info.code    = ri->code;
	info.reason  = ri->reason;
	info.retry_in = ri->retry_in;

	switch (ev) {

	case REG_EV_REGISTERED:
		flow_settled(&ua->flow);
		contact_update(ua);
		ua->eh(ua, UA_EV_REGISTERED, &info, ua->arg);
		reconnected(ua);
		break;

	case REG_EV_UNREGISTERED:
		ua->eh(ua, UA_EV_UNREGISTERED, &info, ua->arg);
		break;

	case REG_EV_FAILED:
		ua->eh(ua, UA_EV_REGISTRATION_FAILED, &info, ua->arg);
		break;

	case REG_EV_NEED_CREDS:
		ua->eh(ua, UA_EV_NEED_CREDS, &info, ua->arg);
		break;
	}
}


/* The numbers of the config: absent, each has its default; 0 turns off
 * those that are off-able; else each within min..max */
enum { NUM_EXPIRES, NUM_KEEPALIVE, NUM_RECONNECT, NUM_FAILBACK };
static const struct {
	const char *key;
	uint32_t min, max, def;
	bool off;
} nums[] = {
	[NUM_EXPIRES]   = {"registerExpires", 30, 86400, 600, false},
	[NUM_KEEPALIVE] = {"keepAlive", 10, 3600,
			   FLOW_KEEPALIVE_MS / 1000, true},
	[NUM_RECONNECT] = {"reconnectAttempts", 0, 100, FLOW_REOPEN_MAX,
			   false},
	[NUM_FAILBACK]  = {"failbackAfter", 10, 86400, 0, true},
};


/**
 * Create a user agent from its config
 *
 * @param uap     Pointer to allocated user agent
 * @param cfg     Decoded config object
 * @param eh      Event handler
 * @param arg     Handler argument
 * @param codep   Set to a stable error code on failure
 * @param reasonp Set to what to fix on failure
 *
 * @return 0 if success, otherwise errorcode
 */
int ua_alloc(struct ua **uap, const struct odict *cfg, ua_event_h *eh,
	     call_event_h *ceh, void *arg, const char **codep,
	     const char **reasonp)
{
	const char *server, *uri, *user, *display, *privacy, *instance;
	enum policy_privacy priv = POLICY_PRIVACY_MDNS;
	const char *reason = NULL, *code = CODE_INVALID_CONFIG;
	struct sip_addr aor;
	struct pl pl;
	struct ua *ua = NULL;
	char *userbuf = NULL;
	uint64_t num[ARRAY_SIZE(nums)];
	size_t i;
	bool retry_first = true;
	int err = EINVAL;

	if (!uap || !cfg || !eh || !ceh)
		goto out;

	if (cfg_bad_type(cfg, "server", ODICT_STRING) ||
	    cfg_bad_type(cfg, "uri", ODICT_STRING) ||
	    cfg_bad_type(cfg, "username", ODICT_STRING) ||
	    cfg_bad_type(cfg, "password", ODICT_STRING) ||
	    cfg_bad_type(cfg, "realm", ODICT_STRING) ||
	    cfg_bad_type(cfg, "minAlgorithm", ODICT_STRING) ||
	    cfg_bad_type(cfg, "displayName", ODICT_STRING) ||
	    cfg_bad_type(cfg, "privacy", ODICT_STRING) ||
	    cfg_bad_type(cfg, "credentials", ODICT_BOOL) ||
	    cfg_bad_type(cfg, "instanceId", ODICT_STRING) ||
	    cfg_bad_type(cfg, "retryFirstRegister", ODICT_BOOL)) {
		reason = "a config value has the wrong type";
		goto out;
	}

	/* Transport policy first: nothing is allocated for a bad URL */
	server = cfg_str(cfg, "server");
	err = policy_servers_check(server, &reason);
	if (err) {
		if (err == EPROTONOSUPPORT)
			code = CODE_INSECURE_TRANSPORT;
		goto out;
	}
	err = EINVAL;

	uri = cfg_str(cfg, "uri");
	pl_set_str(&pl, uri);
	if (!uri || strlen(uri) > UA_STR_MAX ||
	    sip_addr_decode(&aor, &pl) || !pl_isset(&aor.uri.user) ||
	    !pl_isset(&aor.uri.host) ||
	    (pl_strcasecmp(&aor.uri.scheme, "sip") &&
	     pl_strcasecmp(&aor.uri.scheme, "sips"))) {
		reason = WHY("uri", "uri must be sip:user@domain");
		goto out;
	}

	display = cfg_str(cfg, "displayName");
	if (display && (strlen(display) > UA_STR_MAX ||
			!display_ok(display))) {
		reason = WHY("displayName", "displayName: at most 512 bytes,"
			     " no \\, \" or control characters");
		goto out;
	}

	privacy = cfg_str(cfg, "privacy");
	if (privacy && policy_privacy_decode(&priv, privacy)) {
		reason = WHY("privacy",
			     "privacy must be \"mdns\", \"relay\" or \"off\"");
		goto out;
	}

	(void)odict_get_boolean(cfg, &retry_first, "retryFirstRegister");
	instance = cfg_str(cfg, "instanceId");
	/* one message for every number: each costs page bytes */
	for (i = 0; i < ARRAY_SIZE(nums); ++i) {
		num[i] = nums[i].def;
		if (cfg_bad_type(cfg, nums[i].key, ODICT_INT)) {
			reason = "a config value has the wrong type";
			goto out;
		}
		(void)odict_get_number(cfg, &num[i], nums[i].key);
		if ((num[i] || !nums[i].off) &&
		    (num[i] < nums[i].min || num[i] > nums[i].max)) {
			reason = WHY(nums[i].key, "out of range:"
				     " registerExpires 30..86400, keepAlive"
				     " 0 or 10..3600, failbackAfter 0 or"
				     " 10..86400 (seconds); reconnectAttempts"
				     " 0..100");
			goto out;
		}
	}
	if (instance && !uuid_ok(instance)) {
		reason = WHY("instanceId", "instanceId must be a UUID");
		goto out;
	}

	user = cfg_str(cfg, "username");
	if (!user) {
		err = pl_strdup(&userbuf, &aor.uri.user);
		if (err)
			goto out;
		user = userbuf;
	}

	ua = mem_zalloc(sizeof(*ua), destructor);
	if (!ua) {
		err = ENOMEM;
		goto out;
	}
	ua->eh  = eh;
	ua->arg = arg;
	tmr_init(&ua->creds_tmr);
	if (instance)
		str_ncpy(ua->instance, instance, sizeof(ua->instance));
	else
		uuid_make(ua->instance);

	err = creds_from_config(&ua->creds, cfg, user, &reason);
	if (err)
		goto out;
	ua->pinned = cfg_str(cfg, "realm") != NULL;

	err = sip_alloc(&ua->sip, NULL, 32, 32, 4,
			"sipshield/" SIPSHIELD_VERSION, NULL, NULL);
	if (err)
		goto out;

	/* WSS only; a ";transport=ws" next hop (Kamailio's Record-Route)
	 * also takes it: tools/patches/libre-request-ws-param.patch */
	err = flow_init(&ua->flow, ua->sip, server, flow_handler, ua);
	if (err)
		goto out;

	flow_set_keepalive(&ua->flow, (uint32_t)num[NUM_KEEPALIVE] * 1000);
	flow_set_reopen_max(&ua->flow, (unsigned)num[NUM_RECONNECT]);
	flow_set_failback(&ua->flow, (uint32_t)num[NUM_FAILBACK] * 1000);

	err = reg_alloc(&ua->reg, ua->sip, uri, display,
			(uint32_t)num[NUM_EXPIRES], ua->creds, reg_handler,
			ua);
	if (err)
		goto out;
	reg_set_outbound(ua->reg, ua->instance, retry_first);

	err = sipsess_listen(&ua->sock, ua->sip, 16, conn_handler, ua);
	if (!err)
		err = str_dup(&ua->aor, uri);
	if (!err)
		err = pl_strdup(&ua->cuser, &aor.uri.user);
	if (!err && display)
		err = str_dup(&ua->display, display);
	if (err)
		goto out;

	ua->cctx.sip     = ua->sip;
	ua->cctx.sock    = ua->sock;
	ua->cctx.aor     = ua->aor;
	ua->cctx.display = ua->display;
	ua->cctx.cuser   = ua->cuser;
	ua->cctx.privacy = priv;
	ua->cctx.authh   = auth_creds_h;
	ua->cctx.aarg    = ua->creds;
	ua->cctx.calls   = &ua->calls;
	ua->cctx.eh      = ceh;
	ua->cctx.arg     = arg;

	ua->mctx.sip     = ua->sip;
	ua->mctx.aor     = ua->aor;
	ua->mctx.display = ua->display;
	ua->mctx.creds   = ua->creds;
	ua->mctx.recvh   = message_recv;
	ua->mctx.doneh   = message_done;
	ua->mctx.arg     = ua;
	err = message_listen(&ua->mctx);
	if (err)
		goto out;

 out:
	mem_deref(userbuf);
	if (err) {
		mem_deref(ua);
		if (err == ENOMEM)
			code = CODE_NO_MEMORY;
		if (codep)
			*codep = code;
		if (reasonp)
			*reasonp = reason ? reason : "invalid config";
	}
	else
		*uap = ua;

	return err;
}


static uint64_t unix_now(void)
{
	return tmr_jiffies() / 1000;
}


/* Credentials from the app are needed before a request goes out */
static int creds_ready(const struct ua *ua)
{
	if (auth_creds_ondemand(ua->creds) &&
	    auth_creds_need(ua->creds, unix_now()))
		return ENOKEY;

	return 0;
}


static void creds_expired(void *arg)
{
	struct ua *ua = arg;

	DEBUG_INFO("the app's credential expired: wiped\n");
	auth_creds_clear(ua->creds);
}


/**
 * Set the short-lived credential the app was asked for (UA_EV_NEED_CREDS
 * or ENOKEY), or learn that it has none; a registration that waits for it
 * goes on.  The credential is zeroized when it expires.
 *
 * @param ua      Phone
 * @param c       {username, password | ha1, expires} or {error}
 * @param reasonp Set to what is wrong on failure
 *
 * @return 0 if set, otherwise errorcode
 */
int ua_credentials(struct ua *ua, const struct odict *c,
		   const char **reasonp)
{
	const char *user = cfg_str(c, "username");
	uint64_t expires = 0, now = unix_now();
	bool have = false;
	int err = EINVAL;

	if (!ua || !auth_creds_ondemand(ua->creds)) {
		*reasonp = "";  /* the shim asks only with a callback */
		return EINVAL;
	}

	if (odict_lookup(c, "error")) {
		DEBUG_INFO("the app has no credential to give\n");
		reg_credentials(ua->reg, false);
		return 0;
	}

	tmr_cancel(&ua->creds_tmr);
	err = auth_creds_set_user(ua->creds, user);
	if (err) {
		*reasonp = WHY("username", "username must be a string"
			       " without control characters");
		goto out;
	}

	err = creds_secrets(ua->creds, c, ua->pinned, &have, reasonp);
	if (err)
		goto out;

	(void)odict_get_number(c, &expires, "expires");
	auth_creds_set_expiry(ua->creds, expires);

	err = EINVAL;
	if (!have)
		*reasonp = WHY("password",
			       "a credential needs a password or ha1");
	else if (auth_creds_need(ua->creds, now))
		*reasonp = "the credential has expired already";
	else
		err = 0;

	if (!err && auth_creds_expiry(ua->creds))
		tmr_start(&ua->creds_tmr,
			  (auth_creds_expiry(ua->creds) - now) * 1000,
			  creds_expired, ua);

 out:
	if (err) {
		DEBUG_INFO("the app's credential refused: %s\n", *reasonp);
		auth_creds_clear(ua->creds);
	}
	else {
		DEBUG_INFO("the app gave a credential, valid %llu s"
			   " (0: no expiry)\n", auth_creds_expiry(ua->creds) ?
			   auth_creds_expiry(ua->creds) - now : 0);
	}

	reg_credentials(ua->reg, !err);

	return err;
}


/** Register the account; outcome as UA_EV_REGISTERED / _FAILED */
int ua_register(struct ua *ua)
{
	if (!ua)
		return EINVAL;

	/* the app asks anew: the back-off starts over */
	flow_settled(&ua->flow);

	return reg_register(ua->reg);
}


/** The network may have changed: is the flow still alive?  A dead one
 *  is replaced as any lost flow (flow_check) */
void ua_check(struct ua *ua)
{
	if (ua)
		flow_check(&ua->flow);
}


/** Remove the registration; outcome as UA_EV_UNREGISTERED */
int ua_unregister(struct ua *ua)
{
	if (!ua)
		return EINVAL;

	/* no binding to bring back: the flow is not reopened for it */
	flow_reopen_cancel(&ua->flow);
	ua->reconnecting = false;

	return reg_unregister(ua->reg);
}


void ua_set_handle(struct ua *ua, int handle)
{
	if (!ua)
		return;

	ua->handle = handle;
	ua->cctx.phone = handle;
	flow_set_owner(&ua->flow, handle);
}


int ua_handle(const struct ua *ua)
{
	return ua ? ua->handle : 0;
}


/** The phone's RFC 5626 instance UUID (without "urn:uuid:") */
const char *ua_instance(const struct ua *ua)
{
	return ua ? ua->instance : NULL;
}


/** The digest algorithm of the phone's last answered challenge, or NULL */
const char *ua_digest(const struct ua *ua)
{
	return ua ? auth_creds_used(ua->creds) : NULL;
}


/**
 * Start an outgoing call from this phone
 *
 * @param ua     Phone
 * @param callp  Returns the call (owned by the phone)
 * @param target sip:/sips: URI or a user name in the phone's domain
 * @param video  Ask the shim for video too
 *
 * @return 0 if success, otherwise errorcode
 */
int ua_call(struct ua *ua, struct call **callp, const char *target,
	    bool video)
{
	if (!ua)
		return EINVAL;

	return creds_ready(ua) ? ENOKEY :
		call_connect(callp, &ua->cctx, target, video);
}


/**
 * Send a text message (SIP MESSAGE); outcome as UA_EV_MESSAGE_DONE
 *
 * @param ua     Phone
 * @param target sip:/sips: URI or a user name in the phone's domain
 * @param text   UTF-8 text
 * @param idp    Returns the id the outcome carries
 *
 * @return 0 if sent, otherwise errorcode
 */
int ua_message(struct ua *ua, const char *target, const char *text,
	       uint32_t *idp)
{
	if (!ua)
		return EINVAL;

	return creds_ready(ua) ? ENOKEY :
		message_send(&ua->mctx, target, text, idp);
}


/**
 * Send OPTIONS out of dialog; outcome as UA_EV_MESSAGE_DONE
 *
 * @param ua     Phone
 * @param target sip:/sips: URI or a user name in the phone's domain
 * @param idp    Returns the id the outcome carries
 *
 * @return 0 if sent, ENOKEY if a credential must be fetched first,
 *         otherwise errorcode
 */
int ua_options(struct ua *ua, const char *target, uint32_t *idp)
{
	if (!ua)
		return EINVAL;

	return creds_ready(ua) ? ENOKEY :
		message_options(&ua->mctx, target, idp);
}
