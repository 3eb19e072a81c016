/**
 * @file reg.c  REGISTER client on libre's sip core (RFC 3261 section 10)
 *
 * Not libre's sipreg: that one cannot tell when an un-REGISTER completed
 * and answers every 401 again (an endless loop on a wrong password).
 * Here: one dialog (Call-ID, CSeq) per registration, refresh at 90% of
 * the granted time, 423 Min-Expires honoured once per request, at most
 * two digest answers per request (one stale=true retry, RFC 7616 3.3),
 * then a final "auth-failed".  Every outcome reaches the handler once.
 *
 * Recovery: a registration that was in place and is lost to the network
 * comes back until it succeeds, a final refusal (4xx, auth) arrives, the
 * flow's reopens are used up (reg_give_up), or the application
 * unregisters.  The loss is reported once, with the delay of the first
 * retry, unless the flow went with it (the phone reports "reconnecting"
 * instead); retries are silent.  Two kinds of loss:
 *   - the flow closed: the flow's owner (wasm/transport/flow.c) reopens
 *     it with its back-off (reg_flow_down gets the wait), and the
 *     REGISTER goes out on the new flow (reg_flow_up);
 *   - a timeout or a 5xx on an open flow: the request is retried here,
 *     on the same schedule (flow_backoff_ms: 1 s doubling to 60 s, +-20%).
 *
 * A first REGISTER lost to the network (no answer, 408, 5xx) is retried
 * the same way unless the app said not to (reg_set_outbound); a refusal
 * never is.
 *
 * RFC 5626 outbound: the Contact carries the phone's +sip.instance and
 * reg-id 1 and its URI ";ob"; "Supported: outbound, path, gruu" says we
 * can.  A binding lost with its flow comes back over the new flow with
 * the same instance and reg-id, so the registrar replaces it rather than
 * adding one.  The registrar's public GRUU for our instance (RFC 5627,
 * the 2xx Contact's pub-gruu) is kept for the calls' Contact: a dialog
 * whose remote target is a GRUU reaches us over whichever flow carries
 * the registration, so it survives a lost flow.
 *
 * Credentials the app supplies on demand (auth_creds_set_ondemand, short-
 * lived ones from the site's backend): a challenge that the credential
 * cannot answer (none yet, or expired) is kept while the app is asked for
 * one (REG_EV_NEED_CREDS), then answered.  A credential the server
 * refuses is dropped and replaced once per request before "auth-failed".
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "auth.h"
#include "codes.h"
#include "transport.h"
#include "flow.h"
#include "reg.h"


#define DEBUG_MODULE "reg"
#include <re_dbg.h>


enum {
	REG_AUTH_MAX        = 2,
	REG_MINEXP_MAX      = 1,
	REG_EXPIRES_MIN     = 30,
	REG_EXPIRES_MAX     = 86400,
	REG_REFRESH_PERCENT = 90,
	REG_CREDS_WAIT_MS   = 30000,
};

enum reg_state {
	REG_IDLE,
	REG_REGISTERING,
	REG_REGISTERED,
	REG_UNREGISTERING,
};

struct reg {
	struct sip *sip;
	struct sip_dialog *dlg;
	struct sip_auth *auth;
	struct auth_creds *creds;
	struct sip_request *req;
	struct tmr tmr;
	struct tmr wait;      /* for the app's credential             */
	struct sip_msg *chall; /* the challenge that waits for it     */
	char *cuser;
	char instance[40];    /* RFC 5626 +sip.instance UUID, or "" */
	char *gruu;           /* RFC 5627 pub-gruu given us, or NULL */
	uint32_t expires;     /* what we ask for   */
	uint32_t granted;     /* what we were given */
	enum reg_state state;
	unsigned authc;
	unsigned minexpc;
	unsigned retryc;      /* retries since the binding was lost */
	bool recover;         /* a binding existed: retry its loss  */
	bool bound;           /* registered since register()        */
	bool retry_first;     /* also retry a first REGISTER's loss */
	bool waiting;         /* lost with the flow: register when a
				 new one opens (reg_flow_up)         */
	bool refetched;       /* this request replaced a refused one */
	reg_event_h *eh;
	void *arg;
};


static int send_request(struct reg *reg, bool fresh);


static void destructor(void *arg)
{
	struct reg *reg = arg;

	tmr_cancel(&reg->tmr);
	tmr_cancel(&reg->wait);
	mem_deref(reg->chall);
	reg->req = mem_deref(reg->req);
	mem_deref(reg->dlg);
	mem_deref(reg->auth);
	mem_deref(reg->creds);
	mem_deref(reg->cuser);
	mem_deref(reg->gruu);
	mem_deref(reg->sip);
}


static void emit(struct reg *reg, enum reg_event ev, uint16_t status,
		 const char *code, const struct sip_msg *msg,
		 uint32_t retry_in)
{
	struct reg_info info;

	memset(&info, 0, sizeof(info));
	info.expires  = reg->granted;
	info.status   = status;
	info.code     = code;
	info.retry_in = retry_in;
	if (msg)
		info.reason = msg->reason;

	reg->eh(ev, &info, reg->arg);
}


static void retry_handler(void *arg);


/* A new request or an outcome: no challenge waits any more */
static void unpark(struct reg *reg)
{
	tmr_cancel(&reg->wait);
	reg->chall = mem_deref(reg->chall);
}


/*
 * The request failed: report it, and retry a lost binding (see top).
 * @p reopen_in: the flow was lost and its owner reopens it after that
 * many ms (reg_flow_down); 0: a retry, if any, is ours.
 */
static void fail(struct reg *reg, uint16_t status, const char *code,
		 const struct sip_msg *msg, uint32_t reopen_in)
{
	/* no answer, or one that says try later; not the app's credential */
	bool network = (!status && strcmp(code, CODE_CREDENTIALS_UNAVAILABLE))
		|| status == 408 || status >= 500;
	uint32_t delay = 0;

	reg->state = REG_IDLE;
	reg->granted = 0;
	tmr_cancel(&reg->tmr);
	unpark(reg);

	if (reg->recover && network) {
		delay = reopen_in;
		reg->waiting = delay != 0;
		if (!delay) {
			delay = flow_backoff_ms(reg->retryc);
			tmr_start(&reg->tmr, delay, retry_handler, reg);
		}
		DEBUG_INFO("failed: %s (status %u); binding lost, %s in %u ms"
			   " (attempt %u)\n", code, status, reg->waiting ?
			   "the flow reopens" : "a retry", delay,
			   reg->retryc + 1);
		/* reported once; a binding lost with its flow not at all:
		 * the phone says "reconnecting" */
		if (reg->retryc++ || (reg->waiting && reg->bound))
			return;
	}
	else {
		DEBUG_INFO("failed: %s (status %u)\n", code, status);
		reg->recover = false;
		reg->bound = false;
		reg->retryc = 0;
	}

	emit(reg, REG_EV_FAILED, status, code, msg, delay);
}


static void retry_handler(void *arg)
{
	struct reg *reg = arg;

	DEBUG_INFO("registering again (attempt %u)\n", reg->retryc);
	reg->state = REG_REGISTERING;
	if (send_request(reg, true))
		fail(reg, 0, CODE_TRANSPORT_CLOSED, NULL, 0);
}


static void refresh_handler(void *arg)
{
	struct reg *reg = arg;

	DEBUG_INFO("refreshing the binding\n");
	if (send_request(reg, true))
		fail(reg, 0, CODE_TRANSPORT_CLOSED, NULL, 0);
}


/* Where @p str is in @p pl, or NULL */
static const char *find(const struct pl *pl, const char *str)
{
	const size_t n = strlen(str);
	size_t i;

	for (i = 0; n && i + n <= pl->l; ++i) {
		if (!memcmp(pl->p + i, str, n))
			return pl->p + i;
	}

	return NULL;
}


/* The quoted value of pub-gruu= in @p params: not msg_param_decode(),
 * which stops at the ";gr=" inside the quotes */
static bool pub_gruu(const struct pl *params, struct pl *val)
{
	const char *p = find(params, "pub-gruu=\""), *q;

	if (!p)
		return false;

	val->p = p + 10;
	q = memchr(val->p, '"', (size_t)(params->p + params->l - val->p));
	if (!q)
		return false;

	val->l = (size_t)(q - val->p);

	return true;
}


/* A pub-gruu we may print between < > as our Contact: "sip:" or
 * "sips:", then only URI characters (RFC 3261 25.1) */
static bool gruu_ok(const struct pl *v)
{
	static const char uric[] = "-_.!~*'()%;:=@+$,/?&";
	size_t i;

	if (v->l < 5 || v->l > 256)
		return false;

	if (strncmp(v->p, "sip:", 4) && strncmp(v->p, "sips:", 5))
		return false;

	for (i = 0; i < v->l; ++i) {
		unsigned char ch = (unsigned char)v->p[i];

		if (!isalnum(ch) && !strchr(uric, ch))
			return false;
	}

	return true;
}


/* The expiry the registrar granted our binding (RFC 3261 10.2.4) and
 * the GRUU it gives our instance */
static bool contact_handler(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct reg *reg = arg;
	struct sip_addr c;
	struct pl pval;
	(void)msg;

	if (sip_addr_decode(&c, &hdr->val))
		return false;

	/* the 2xx lists every binding of the AOR: ours has our instance
	 * (other phones of this user, maybe in this very page, have
	 * theirs); a registrar that drops the parameter, our user */
	if (!find(&c.params, reg->instance) &&
	    (find(&c.params, "+sip.instance") ||
	     pl_strcmp(&c.uri.user, reg->cuser)))
		return false;

	if (!msg_param_decode(&c.params, "expires", &pval))
		reg->granted = pl_u32(&pval);

	if (pub_gruu(&c.params, &pval) && gruu_ok(&pval)) {
		if (pl_strcmp(&pval, reg->gruu ? reg->gruu : "")) {
			reg->gruu = mem_deref(reg->gruu);
			(void)pl_strdup(&reg->gruu, &pval);
		}
	}

	return true;
}


static const char *fail_code(const struct reg *reg)
{
	enum auth_fail f = auth_creds_failure(reg->creds);

	return auth_fail_name(f != AUTH_FAIL_NONE ? f : AUTH_FAIL_REJECTED);
}


static void wait_handler(void *arg)
{
	reg_credentials(arg, false);
}


/* Keep the challenge until the app gave a credential (reg_credentials) */
static void park(struct reg *reg, const struct sip_msg *msg, const char *why)
{
	DEBUG_INFO("%u: waiting for a credential from the app (%s)\n",
		   msg->scode, why);
	reg->chall = mem_ref((struct sip_msg *)msg);
	tmr_start(&reg->wait, REG_CREDS_WAIT_MS, wait_handler, reg);
	emit(reg, REG_EV_NEED_CREDS, 0, why, NULL, 0);
}


/* 401/407: answer the challenge, or wait for the app's credential */
static int challenged(struct reg *reg, const struct sip_msg *msg)
{
	bool ondemand = auth_creds_ondemand(reg->creds);
	const char *need;
	int err;

	if (reg->authc >= REG_AUTH_MAX) {
		DEBUG_INFO("%u after %u answers: the answer was refused\n",
			   msg->scode, reg->authc);
		return EAUTH;
	}

	need = auth_creds_need(reg->creds, tmr_jiffies() / 1000);
	if (ondemand && need) {
		park(reg, msg, need);
		return 0;
	}

	err = sip_auth_authenticate(reg->auth, msg);
	if (err == EAUTH && ondemand && !reg->refetched &&
	    auth_creds_failure(reg->creds) == AUTH_FAIL_REJECTED) {
		reg->refetched = true;
		auth_creds_clear(reg->creds);
		park(reg, msg, "rejected");
		return 0;
	}
	if (err) {
		DEBUG_INFO("%u: challenge not answered (%m)\n", msg->scode,
			   err);
		return err;
	}

	++reg->authc;
	DEBUG_INFO("%u: challenge answered (answer %u of at most %u)\n",
		   msg->scode, reg->authc, REG_AUTH_MAX);

	return send_request(reg, false);
}


static void response_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct reg *reg = arg;
	const struct sip_hdr *minexp;
	bool unreg = reg->state == REG_UNREGISTERING;

	if (err || !msg) {
		DEBUG_INFO("%s got no answer (%m)\n",
			   unreg ? "un-REGISTER" : "REGISTER", err);
		fail(reg, 0, err == ETIMEDOUT ? CODE_TIMEOUT :
		     CODE_TRANSPORT_CLOSED, NULL, 0);
		return;
	}

	if (msg->scode < 200)
		return;

	DEBUG_INFO("%s answered %u %r\n", unreg ? "un-REGISTER" : "REGISTER",
		   msg->scode, &msg->reason);

	if (msg->scode < 300) {

		if (unreg) {
			DEBUG_INFO("unregistered\n");
			reg->state = REG_IDLE;
			reg->granted = 0;
			emit(reg, REG_EV_UNREGISTERED, msg->scode, NULL, msg,
			     0);
			return;
		}

		reg->granted = pl_isset(&msg->expires)
			? pl_u32(&msg->expires) : reg->expires;
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT,
					contact_handler, reg);
		if (!reg->granted) {
			reg->recover = false;
			fail(reg, msg->scode, CODE_REJECTED, msg, 0);
			return;
		}

		reg->state = REG_REGISTERED;
		reg->recover = true;
		reg->bound = true;
		reg->retryc = 0;
		tmr_start(&reg->tmr, (uint64_t)reg->granted * 10 *
			  REG_REFRESH_PERCENT, refresh_handler, reg);
		DEBUG_INFO("registered for %u s; refresh scheduled in %u ms\n",
			   reg->granted,
			   reg->granted * 10 * REG_REFRESH_PERCENT);
		emit(reg, REG_EV_REGISTERED, msg->scode, NULL, msg, 0);
		return;
	}

	switch (msg->scode) {

	case 401:
	case 407:
		err = challenged(reg, msg);
		if (!err)
			return;
		break;

	case 423:
		/* RFC 3261 10.2.8: honour Min-Expires, once, within bounds */
		minexp = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES);
		if (!minexp || unreg || reg->minexpc >= REG_MINEXP_MAX)
			break;
		if (pl_u32(&minexp->val) <= reg->expires ||
		    pl_u32(&minexp->val) > REG_EXPIRES_MAX)
			break;

		reg->expires = pl_u32(&minexp->val);
		++reg->minexpc;
		DEBUG_INFO("423: asking again with Min-Expires %u\n",
			   reg->expires);
		err = send_request(reg, false);
		if (!err)
			return;
		break;

	default:
		break;
	}

	if (msg->scode == 401 || msg->scode == 407)
		fail(reg, msg->scode, fail_code(reg), msg, 0);
	else
		fail(reg, msg->scode, codes_status(msg->scode, true), msg, 0);
}


static int send_handler(enum sip_transp tp, const struct sa *src,
			const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct reg *reg = arg;
	(void)dst;

	/* transp.c turns the placeholder address into the .invalid host */
	return mbuf_printf(mb, "Contact: <sip:%s@%J%s;ob>;expires=%u"
			   ";+sip.instance=\"<urn:uuid:%s>\";reg-id=1\r\n",
			   reg->cuser, src, sip_transp_param(tp),
			   reg->state == REG_UNREGISTERING ? 0 : reg->expires,
			   reg->instance);
}


static int send_request(struct reg *reg, bool fresh)
{
	bool unreg = reg->state == REG_UNREGISTERING;
	int err;

	unpark(reg);
	if (fresh) {
		reg->authc = 0;
		reg->minexpc = 0;
		reg->refetched = false;
		auth_creds_reset_failure(reg->creds);
		sip_auth_reset(reg->auth);
	}

	reg->req = mem_deref(reg->req);

	err = sip_drequestf(&reg->req, reg->sip, true, "REGISTER", reg->dlg,
			    0, reg->auth, send_handler, response_handler,
			    reg,
			    "Supported: outbound, path, gruu\r\n"
			    "Expires: %u\r\n"
			    "Content-Length: 0\r\n"
			    "\r\n",
			    unreg ? 0 : reg->expires);
	if (err)
		DEBUG_INFO("%s not sent (%m)\n",
			   unreg ? "un-REGISTER" : "REGISTER", err);
	else
		DEBUG_INFO("%s sent (Expires %u%s)\n",
			   unreg ? "un-REGISTER" : "REGISTER",
			   unreg ? 0 : reg->expires,
			   fresh ? "" : ", with the answer");

	return err;
}


/**
 * Allocate a registration client for one address of record
 *
 * @param regp    Pointer to allocated registration
 * @param sip     SIP stack
 * @param aor     Address of record, e.g. "sip:alice@example.com"
 * @param display Display name (optional)
 * @param expires Requested expiry in seconds
 * @param creds   Digest credentials (referenced)
 * @param eh      Event handler
 * @param arg     Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int reg_alloc(struct reg **regp, struct sip *sip, const char *aor,
	      const char *display, uint32_t expires,
	      struct auth_creds *creds, reg_event_h *eh, void *arg)
{
	struct sip_addr addr;
	struct reg *reg;
	struct pl pl;
	char *ruri = NULL;
	int err;

	if (!regp || !sip || !aor || !creds || !eh)
		return EINVAL;

	if (expires < REG_EXPIRES_MIN || expires > REG_EXPIRES_MAX)
		return EINVAL;

	pl_set_str(&pl, aor);
	if (sip_addr_decode(&addr, &pl))
		return EINVAL;
	if (!pl_isset(&addr.uri.user) || !pl_isset(&addr.uri.host))
		return EINVAL;

	reg = mem_zalloc(sizeof(*reg), destructor);
	if (!reg)
		return ENOMEM;

	tmr_init(&reg->tmr);
	tmr_init(&reg->wait);
	reg->sip     = mem_ref(sip);
	reg->creds   = mem_ref(creds);
	reg->expires = expires;
	reg->eh      = eh;
	reg->arg     = arg;

	err = pl_strdup(&reg->cuser, &addr.uri.user);
	if (err)
		goto out;

	/* RFC 3261 10.2: the Request-URI is the domain of the AOR */
	err = re_sdprintf(&ruri, "sip:%r", &addr.uri.host);
	if (err)
		goto out;

	err = sip_dialog_alloc(&reg->dlg, ruri, aor, display, aor, NULL, 0);
	if (err)
		goto out;

	err = sip_auth_alloc(&reg->auth, auth_creds_h, creds, false);

 out:
	mem_deref(ruri);
	if (err)
		mem_deref(reg);
	else
		*regp = reg;

	return err;
}


/**
 * Register (or re-register now); outcome via the event handler
 *
 * @return 0 if the REGISTER was sent, EBUSY if one is in progress,
 *         otherwise errorcode
 */
int reg_register(struct reg *reg)
{
	int err;

	if (!reg)
		return EINVAL;

	if (reg->state == REG_REGISTERING || reg->state == REG_UNREGISTERING)
		return EBUSY;

	tmr_cancel(&reg->tmr);
	reg->state = REG_REGISTERING;
	reg->retryc = 0;
	reg->waiting = false;
	reg->recover = reg->recover || reg->retry_first;
	reg->bound = false;  /* the app waits for this one's outcome */

	err = send_request(reg, true);
	if (err)
		reg->state = REG_IDLE;

	return err;
}


/**
 * Remove the binding (REGISTER with Expires: 0)
 *
 * @return 0 if sent, EALREADY if not registered (nothing to remove)
 */
int reg_unregister(struct reg *reg)
{
	int err;

	if (!reg)
		return EINVAL;

	tmr_cancel(&reg->tmr);
	reg->recover = false;
	reg->bound = false;
	reg->retryc = 0;
	reg->waiting = false;

	if (reg->state == REG_IDLE)
		return EALREADY;

	reg->state = REG_UNREGISTERING;
	err = send_request(reg, true);
	if (err)
		reg->state = REG_IDLE;

	return err;
}


/**
 * The flow closed: a request in progress can get no answer, so it fails
 * now rather than at timer F (32 s); a binding over that flow is lost.
 *
 * @param reg      Registration
 * @param retry_in 0, or the wait before the flow's owner reopens it
 *                 (the phone asks for that while reg_recovering()): the
 *                 REGISTER then goes out on the new flow (reg_flow_up)
 */
void reg_flow_down(struct reg *reg, uint32_t retry_in)
{
	if (!reg || reg->state == REG_IDLE)
		return;

	DEBUG_INFO("the flow closed\n");
	reg->req = mem_deref(reg->req);
	if (reg->state == REG_UNREGISTERING) {
		/* the binding goes with the flow (RFC 5626 5.3) */
		reg->state = REG_IDLE;
		reg->granted = 0;
		tmr_cancel(&reg->tmr);
		emit(reg, REG_EV_UNREGISTERED, 0, NULL, NULL, 0);
		return;
	}

	fail(reg, 0, CODE_TRANSPORT_CLOSED, NULL, retry_in);
}


/**
 * A new flow opened: a registration lost with the old one goes out on it
 *
 * @return True if a REGISTER went out for it (its outcome follows)
 */
bool reg_flow_up(struct reg *reg)
{
	if (!reg || !reg->waiting)
		return false;

	DEBUG_INFO("a new flow opened: the lost binding goes out on it\n");
	reg->waiting = false;
	retry_handler(reg);

	return true;
}


/**
 * The flow will not come back (its reopens are used up): a binding that
 * waits for it fails for good ("registration-failed", retryIn 0), and so
 * does the next loss
 */
void reg_give_up(struct reg *reg)
{
	if (!reg)
		return;

	reg->recover = false;
	if (!reg->waiting)
		return;

	DEBUG_INFO("the flow is not coming back: the binding is lost\n");
	reg->waiting = false;
	reg->bound = false;
	reg->retryc = 0;
	emit(reg, REG_EV_FAILED, 0, CODE_TRANSPORT_CLOSED, NULL, 0);
}


/**
 * RFC 5626 outbound: the phone's instance UUID for the Contact, and
 * whether a first REGISTER lost to the network is retried
 */
void reg_set_outbound(struct reg *reg, const char *instance,
		      bool retry_first)
{
	if (!reg)
		return;

	str_ncpy(reg->instance, instance, sizeof(reg->instance));
	reg->retry_first = retry_first;
}


/** True while a lost binding should come back (the flow is wanted) */
bool reg_recovering(const struct reg *reg)
{
	return reg && reg->recover && reg->state != REG_UNREGISTERING;
}


/**
 * The app answered REG_EV_NEED_CREDS: answer the waiting challenge with
 * the credential it set, or fail with "credentials-unavailable"
 *
 * @param reg Registration
 * @param ok  True if the credential was set
 */
void reg_credentials(struct reg *reg, bool ok)
{
	struct sip_msg *msg;
	int err;

	if (!reg || !reg->chall)
		return;

	msg = reg->chall;
	reg->chall = NULL;
	tmr_cancel(&reg->wait);

	if (!ok) {
		DEBUG_INFO("the app has no credential\n");
		fail(reg, 0, CODE_CREDENTIALS_UNAVAILABLE, NULL, 0);
	}
	else {
		/* the new credential answers as if for the first time */
		auth_forget(reg->auth);
		err = challenged(reg, msg);
		if (err)
			fail(reg, msg->scode, err == EAUTH ? fail_code(reg) :
			     CODE_TRANSPORT_CLOSED, msg, 0);
	}

	mem_deref(msg);
}


/** The public GRUU the registrar gave our instance, or NULL */
const char *reg_gruu(const struct reg *reg)
{
	return reg ? reg->gruu : NULL;
}


/** True while a binding is in place */
bool reg_registered(const struct reg *reg)
{
	return reg && reg->state == REG_REGISTERED;
}
