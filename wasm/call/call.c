/**
 * @file call.c  Calls on libre sipsess, every SDP through the policy
 *
 * A call never makes media.  It asks the shim for an SDP offer or answer
 * (CALL_EV_MEDIA_NEED); what the shim returns (call_media()) passes the
 * local policy (DTLS-SRTP, privacy rewrite, relay fail-closed) before it
 * leaves, and every remote SDP passes the remote policy before the shim
 * sees it (CALL_EV_MEDIA_REMOTE).
 *
 *   outgoing: OFFERING --media--> INVITING --2xx--> ESTABLISHED
 *   incoming: RINGING --answer--> ANSWERING --media--> ESTABLISHED (ACK)
 *   hold/unhold and a remote re-INVITE: ESTABLISHED with a modification
 *   pending (one at a time)
 *
 * An incoming INVITE whose offer the policy refuses is answered 488 with
 * a Warning naming the reason; a refused answer to our offer ends the
 * call (libre ACKs, then sends BYE with a Reason header).  Every end is
 * reported once, with a stable cause (wasm/codes/ maps SIP statuses).
 *
 * The flow lost and replaced (call_flow, calls.c): a confirmed call sends
 * a re-INVITE on the new flow (its offer from the shim, as for hold) so
 * that the peer's and the proxy's route to us follow it (RFC 5626 5.4;
 * Kamailio routes to the Contact's alias of the new WebSocket).  Refused
 * or unanswered, it is tried again after flow_backoff_ms(), at most
 * CALL_ROUTE_MAX times; then the call ends as "transport-closed".  (A
 * 491 glare is libre's: it sends the re-INVITE again itself.)
 *
 * ICE needs a candidate on at least one side (the other learns a
 * peer-reflexive one from its checks, RFC 8445 7.3.1.3).  Our first SDP
 * leaving with none (mdns privacy drops raw-IP host candidates; no TURN)
 * is a warning; an answer to it with none either ends the call at once
 * as "no-candidates" instead of letting it wait for ICE in silence.
 */
#include <string.h>
#include <re.h>
#include "policy.h"
#include "transport.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "priv.h"


#define DEBUG_MODULE "call"
#include <re_dbg.h>


static void destructor(void *arg)
{
	struct call *call = arg;

	tmr_cancel(&call->tmr);
	tmr_cancel(&call->rtmr);
	list_unlink(&call->le);
	call_table_del(call->handle);
	mem_deref(call->sess);
	mem_deref(call->target);
}


static void emit(struct call *call, enum call_event ev,
		 struct call_evinfo *info)
{
	struct call_evinfo none;

	if (!info) {
		memset(&none, 0, sizeof(none));
		info = &none;
	}

	call->ctx->eh(call, ev, info, call->ctx->arg);
}


/*
 * Report the end once and free the call.  The session goes with it:
 * libre sends what the state needs (CANCEL, BYE) unless it already ended.
 */
static void end(struct call *call, const char *cause, uint16_t status,
		const struct pl *reason, unsigned line)
{
	struct call_evinfo info;

	if (call->ended)
		return;

	call->ended = true;
	DEBUG_INFO("call %d: ended: %s (status %u)\n", call->handle, cause,
		   status);

	memset(&info, 0, sizeof(info));
	info.cause  = cause;
	info.status = status;
	info.line   = line;
	if (reason)
		info.reason = *reason;

	emit(call, CALL_EV_ENDED, &info);
	mem_deref(call);
}


/* Neither side has an ICE candidate: no media path can come up */
static void no_candidates(struct policy_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->reason = CODE_NO_CANDIDATES;  /* the shim says what to configure */
}


static void end_policy(struct call *call, const struct policy_verdict *v)
{
	struct pl detail;

	pl_set_str(&detail, v->detail ? v->detail : "");
	end(call, v->reason, 0, &detail, v->line);
}


/* Ending from inside a libre handler is deferred to a 0 ms timer */
static void end_timer(void *arg)
{
	struct call *call = arg;

	end(call, call->end_cause, call->end_status, NULL, 0);
}


void call_end_later(struct call *call, const char *cause, uint16_t status)
{
	call->end_cause  = cause;
	call->end_status = status;
	tmr_start(&call->tmr, 0, end_timer, call);
}


static int call_alloc(struct call **callp, const struct call_ctx *ctx)
{
	struct call *call;

	call = mem_zalloc(sizeof(*call), destructor);
	if (!call)
		return ENOMEM;

	tmr_init(&call->tmr);

	call->handle = call_table_add(call);
	if (!call->handle) {
		mem_deref(call);
		return EBUSY;
	}

	call->ctx = ctx;
	list_append(ctx->calls, &call->le, call);

	*callp = call;

	return 0;
}


static bool is_sdp(const struct sip_msg *msg)
{
	return mbuf_get_left(msg->mb) > 0 &&
		msg_ctype_cmp(&msg->ctyp, "application", "sdp");
}


/* The remote SDP of @p msg through the policy; v says why if refused */
static int remote_check(struct policy_verdict *v, const struct sip_msg *msg)
{
	if (!is_sdp(msg)) {
		memset(v, 0, sizeof(*v));
		v->reason = CODE_MALFORMED_SDP;
		v->detail = "no application/sdp body";
		return EPROTO;
	}

	return policy_sdp_remote(v, (const char *)mbuf_buf(msg->mb),
				 mbuf_get_left(msg->mb));
}


static void media_remote(struct call *call, const char *type,
			 const struct sip_msg *msg,
			 const struct policy_verdict *v)
{
	struct call_evinfo info;

	memset(&info, 0, sizeof(info));
	info.sdp_type = type;
	info.fingerprint = v->fingerprint;
	info.sdp.p = (const char *)mbuf_buf(msg->mb);
	info.sdp.l = mbuf_get_left(msg->mb);

	emit(call, CALL_EV_MEDIA_REMOTE, &info);
}


void call_media_need(struct call *call, const char *type)
{
	struct call_evinfo info;

	memset(&info, 0, sizeof(info));
	info.sdp_type = type;
	info.video = call->video;
	info.held  = call->modify ? call->hold_want : call->held;
	info.restart = call->restart;
	info.relay = call->ctx->privacy == POLICY_PRIVACY_RELAY;

	emit(call, CALL_EV_MEDIA_NEED, &info);
}


/* The Reason header of the BYE that ends a call the policy refused */
static void close_reason(struct call *call, const struct policy_verdict *v)
{
	(void)sipsess_set_close_headers(call->sess, "Reason: SIP "
					";cause=488 ;text=\"%s\"\r\n",
					v->reason);
}


/* --- libre sipsess handlers ------------------------------------------ */

/* Their re-INVITE: check the offer, then let the shim answer it */
static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;
	struct policy_verdict v;
	(void)descp;

	if (call->modify != MODIFY_NONE || call->state != CALL_ESTABLISHED) {
		DEBUG_INFO("call %d: re-INVITE while busy: refused\n",
			   call->handle);
		return EBUSY;
	}

	DEBUG_INFO("call %d: re-INVITE received\n", call->handle);
	if (remote_check(&v, msg)) {
		DEBUG_NOTICE("re-INVITE refused: %s\n", v.reason);
		return EPROTO;
	}

	call->modify = MODIFY_REMOTE;
	media_remote(call, "offer", msg, &v);
	call_media_need(call, "answer");

	return EINPROGRESS;  /* answered by call_media() */
}


/* Our change of the call did not happen (@p status and @p reason of the
 * refusal, 0 if never sent): the shim rolls its media back, the call
 * goes on */
static void modify_failed(struct call *call, uint16_t status,
			  const struct pl *reason)
{
	struct call_evinfo info;

	call->modify = MODIFY_NONE;
	memset(&info, 0, sizeof(info));
	info.status = status;
	if (reason)
		info.reason = *reason;
	info.held = call->held;
	emit(call, CALL_EV_MODIFY_FAILED, &info);
	call_modify_over(call, false, status);
}


/* The answer to our offer: the 2xx of an INVITE or re-INVITE; with the
 * sipshield patch also the failure of our re-INVITE (status >= 300) */
static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	struct policy_verdict v;

	DEBUG_INFO("call %d: %s answered %u %r\n", call->handle,
		   call->modify == MODIFY_LOCAL_SENT ? "re-INVITE" : "INVITE",
		   msg->scode, &msg->reason);

	if (call->modify == MODIFY_LOCAL_SENT && msg->scode >= 300) {
		modify_failed(call, msg->scode, &msg->reason);
		return 0;
	}

	if (remote_check(&v, msg)) {
		DEBUG_INFO("call %d: their SDP answer refused: %s\n",
			   call->handle, v.reason);
		call->refused = v;
		close_reason(call, &v);

		if (call->modify == MODIFY_LOCAL_SENT) {
			/* libre ignores the error here: end after its ACK */
			call->modify = MODIFY_NONE;
			call_end_later(call, v.reason, 0);
		}

		return EPROTO;  /* initial INVITE: libre ACKs, BYE, closeh */
	}

	if (call->modify != MODIFY_LOCAL_SENT && call->nocand && !v.cands) {
		DEBUG_INFO("call %d: no ICE candidate on either side\n",
			   call->handle);
		no_candidates(&v);
		call->refused = v;
		close_reason(call, &v);
		return EPROTO;
	}

	media_remote(call, "answer", msg, &v);

	if (call->modify == MODIFY_LOCAL_SENT) {
		call->modify = MODIFY_NONE;
		if (call->route) {
			DEBUG_INFO("call %d: the route follows the new flow\n",
				   call->handle);
			emit(call, CALL_EV_RECONNECTED, NULL);
		}
		else if (!call->restart) {
			struct call_evinfo info;

			call->held = call->hold_want;
			DEBUG_INFO("call %d: %s\n", call->handle,
				   call->held ? "on hold" : "resumed");
			memset(&info, 0, sizeof(info));
			info.held = call->held;
			emit(call, CALL_EV_HOLD, &info);
		}
		call_modify_over(call, true, 0);
	}

	return 0;
}


static void progress_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	struct policy_verdict v;

	/* 100 Trying is hop-by-hop (RFC 3261 8.1.3.2): it says nothing of
	 * the callee */
	if (msg->scode <= 100)
		return;

	DEBUG_INFO("call %d: %s (%u %r)\n", call->handle,
		   msg->scode == 180 ? "ringing" : "early progress",
		   msg->scode, &msg->reason);

	if (is_sdp(msg)) {
		if (remote_check(&v, msg)) {
			DEBUG_INFO("call %d: their early SDP refused: %s\n",
				   call->handle, v.reason);
			call->refused = v;
			call_end_later(call, v.reason, 0);  /* CANCEL */
			return;
		}

		media_remote(call, "pranswer", msg, &v);
	}

	emit(call, msg->scode == 180 ? CALL_EV_RINGING : CALL_EV_PROGRESS,
	     NULL);
}


static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	(void)msg;

	call->state = CALL_ESTABLISHED;
	DEBUG_INFO("call %d: established\n", call->handle);
	emit(call, CALL_EV_ACCEPTED, NULL);
}


static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;
	struct call_evinfo info;

	DEBUG_INFO("call %d: INFO received (%r/%r): 200\n", call->handle,
		   &msg->ctyp.type, &msg->ctyp.subtype);
	(void)sip_reply(sip, msg, 200, "OK");

	memset(&info, 0, sizeof(info));
	info.ctype = msg->ctyp.type;
	if (msg->ctyp.subtype.p) {
		info.ctype.l = (size_t)(msg->ctyp.subtype.p +
					msg->ctyp.subtype.l -
					msg->ctyp.type.p);
	}
	info.body.p = (const char *)mbuf_buf(msg->mb);
	info.body.l = mbuf_get_left(msg->mb);

	emit(call, CALL_EV_INFO, &info);
}


static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	const char *cause;
	uint16_t status = 0;
	struct pl reason = PL_INIT;

	if (call->refused.reason) {
		end_policy(call, &call->refused);
		return;
	}

	if (msg && msg->scode >= 300) {
		status = msg->scode;
		reason = msg->reason;
		cause  = codes_status(status, false);
	}
	else if (err == ECONNRESET)
		cause = call->state == CALL_ESTABLISHED ?
			CODE_REMOTE_HANGUP : CODE_CANCELLED;
	else if (err == ETIMEDOUT)
		cause = CODE_TIMEOUT;
	else if (err)
		cause = CODE_TRANSPORT_CLOSED;
	else
		cause = CODE_REMOTE_HANGUP;

	end(call, cause, status, pl_isset(&reason) ? &reason : NULL, 0);
}


/* --- outgoing --------------------------------------------------------- */

/**
 * Start an outgoing call: the shim is asked for an offer first
 *
 * @param callp  Returns the call
 * @param ctx    The phone's context
 * @param target sip:/sips: URI, or a user name in the phone's domain
 * @param video  Ask for video too
 *
 * @return 0 if success, EINVAL for a bad target, EBUSY if too many calls
 */
int call_connect(struct call **callp, const struct call_ctx *ctx,
		 const char *target, bool video)
{
	struct call *call = NULL;
	char *uri = NULL;
	int err;

	if (!callp || !ctx)
		return EINVAL;

	err = call_target(&uri, ctx->aor, target);
	if (err)
		return err;

	err = call_alloc(&call, ctx);
	if (err) {
		mem_deref(uri);
		return err;
	}

	call->target = uri;
	call->video  = video;
	call->state  = CALL_OFFERING;
	*callp = call;
	DEBUG_INFO("call %d: outgoing%s, asking the browser for an offer\n",
		   call->handle, video ? " with video" : "");

	call_media_need(call, "offer");

	return 0;
}


static int send_invite(struct call *call, struct mbuf *desc)
{
	const struct call_ctx *ctx = call->ctx;

	return sipsess_connect(&call->sess, ctx->sock, call->target,
			       ctx->display, ctx->aor, ctx->cuser,
			       NULL, 0, "application/sdp", desc,
			       ctx->authh, ctx->aarg, false,
			       offer_handler, answer_handler,
			       progress_handler, estab_handler,
			       info_handler, NULL, close_handler, call,
			       SIP_ALLOW);
}


/* --- incoming --------------------------------------------------------- */

/* 488 with a Warning naming the policy reason (RFC 3261 20.43) */
static void reply_refused(const struct call_ctx *ctx,
			  const struct sip_msg *msg,
			  const struct policy_verdict *v)
{
	(void)sip_treplyf(NULL, NULL, ctx->sip, msg, false,
			  488, "Not Acceptable Here",
			  "Warning: 399 %s \"%s: %s\"\r\n"
			  "Content-Length: 0\r\n\r\n",
			  transport_via_host(), v->reason,
			  v->detail ? v->detail : "refused");
}


/**
 * An incoming INVITE (sipsess_conn_h of the phone)
 *
 * @param ctx The phone's context
 * @param msg The INVITE
 */
void call_incoming(const struct call_ctx *ctx, const struct sip_msg *msg)
{
	struct call *call = NULL;
	struct policy_verdict v;
	struct call_evinfo info;
	int err;

	if (remote_check(&v, msg)) {
		DEBUG_INFO("incoming INVITE refused: %s (488)\n", v.reason);
		reply_refused(ctx, msg, &v);
		memset(&info, 0, sizeof(info));
		info.phone   = ctx->phone;
		info.from    = msg->from.auri;
		info.display = msg->from.dname;
		info.cause   = v.reason;
		info.line    = v.line;
		pl_set_str(&info.reason, v.detail ? v.detail : "");
		ctx->eh(NULL, CALL_EV_REFUSED, &info, ctx->arg);
		return;
	}

	err = call_alloc(&call, ctx);
	if (err) {
		DEBUG_INFO("incoming INVITE: no room (%m): 486\n", err);
		(void)sip_treply(NULL, ctx->sip, msg, 486, "Busy Here");
		return;
	}

	call->state = CALL_RINGING;
	DEBUG_INFO("call %d: incoming, ringing (180)\n", call->handle);

	err = sipsess_accept(&call->sess, ctx->sock, msg, 180, "Ringing",
			     ctx->cuser, "application/sdp", NULL,
			     ctx->authh, ctx->aarg, false,
			     offer_handler, answer_handler, estab_handler,
			     info_handler, NULL, close_handler, call,
			     SIP_ALLOW);
	if (err) {
		(void)sip_treply(NULL, ctx->sip, msg, 500, "Server Error");
		mem_deref(call);
		return;
	}

	memset(&info, 0, sizeof(info));
	info.from    = msg->from.auri;
	info.display = msg->from.dname;
	emit(call, CALL_EV_INCOMING, &info);
	if (!call->ended)
		media_remote(call, "offer", msg, &v);
}


/* --- commands --------------------------------------------------------- */

/**
 * The shim's SDP (offer or answer, as asked): local policy, then send
 *
 * @param call Call
 * @param sdp  The SDP the browser made
 * @param len  Its length
 * @param v    Returns why the policy refused it
 *
 * @return 0 if sent, EPROTO if the policy refused it (the call ended),
 *         EALREADY if no SDP was asked for, otherwise errorcode
 */
int call_media(struct call *call, const char *sdp, size_t len,
	       struct policy_verdict *v)
{
	const bool first = call && (call->state == CALL_OFFERING ||
				    call->state == CALL_ANSWERING);
	struct mbuf *desc;
	int err;

	if (!call || !sdp || !v)
		return EINVAL;

	if (!(call->state == CALL_OFFERING || call->state == CALL_ANSWERING ||
	      call->modify == MODIFY_LOCAL_NEED ||
	      call->modify == MODIFY_REMOTE))
		return EALREADY;

	desc = mbuf_alloc(len + 64);
	if (!desc)
		return ENOMEM;

	err = policy_sdp_local(desc, v, sdp, len,
			       (enum policy_privacy)call->ctx->privacy);
	if (err) {
		mem_deref(desc);
		if (err != EPROTO)
			return err;

		DEBUG_INFO("call %d: the browser's SDP refused: %s\n",
			   call->handle, v->reason);

		/* Our own change (hold, ICE restart, route) refused, as in
		 * relay mode while TURN is down: nothing leaves and the call
		 * goes on as it was; a restart is tried again later */
		if (call->modify == MODIFY_LOCAL_NEED) {
			modify_failed(call, 0, NULL);
			return EPROTO;
		}

		if (call->state == CALL_ESTABLISHED && call->sess)
			close_reason(call, v);
		/* CANCEL / BYE / 4xx as the state needs */
		end_policy(call, v);
		return EPROTO;
	}
	desc->pos = 0;

	switch (call->state) {

	case CALL_OFFERING:
		err = send_invite(call, desc);
		if (!err)
			call->state = CALL_INVITING;
		break;

	case CALL_ANSWERING:
		err = sipsess_answer(call->sess, 200, "OK", desc,
				     SIP_ALLOW);
		break;

	default:
		if (call->modify == MODIFY_REMOTE) {
			err = sipsess_answer(call->sess, 200, "OK", desc,
					     NULL);
			call->modify = MODIFY_NONE;
			call_modify_over(call, true, 0);
		}
		else {
			err = sipsess_modify(call->sess, desc);
			call->modify = err ? MODIFY_NONE : MODIFY_LOCAL_SENT;
			if (err)
				call_modify_over(call, false, 0);
		}
		break;
	}

	mem_deref(desc);

	if (err)
		DEBUG_INFO("call %d: SDP not sent (%m)\n", call->handle, err);
	else
		DEBUG_INFO("call %d: %s sent\n", call->handle,
			   call->state == CALL_INVITING ? "INVITE with offer" :
			   call->state == CALL_ANSWERING ? "200 with answer" :
			   call->modify == MODIFY_LOCAL_SENT ?
			   "re-INVITE with offer" : "200 with answer");

	if (!err && first && !v->cands) {
		struct call_evinfo info;

		call->nocand = call->state == CALL_INVITING;
		memset(&info, 0, sizeof(info));
		info.cause = CODE_NO_CANDIDATES;
		emit(call, CALL_EV_WARNING, &info);
	}

	return err;
}


/**
 * Answer an incoming call: the shim is asked for the SDP answer
 *
 * @param call  Call
 * @param video Answer with video too (if offered)
 *
 * @return 0 if success, EALREADY if not ringing
 */
int call_answer(struct call *call, bool video)
{
	if (!call)
		return EINVAL;

	if (call->state != CALL_RINGING)
		return EALREADY;

	call->state = CALL_ANSWERING;
	call->video = video;
	DEBUG_INFO("call %d: answering, asking the browser for an answer\n",
		   call->handle);
	call_media_need(call, "answer");

	return 0;
}


/**
 * Reject an incoming call that is not answered yet
 *
 * @param call   Call
 * @param status 4xx, 5xx or 6xx (486 Busy Here if 0)
 *
 * @return 0 if success, EALREADY if not ringing, EINVAL for a bad status
 */
int call_reject(struct call *call, uint16_t status)
{
	int err;

	if (!call)
		return EINVAL;

	if (!status)
		status = 486;

	if (status < 400 || status > 699)
		return EINVAL;

	if (call->state != CALL_RINGING && call->state != CALL_ANSWERING)
		return EALREADY;

	DEBUG_INFO("call %d: rejecting with %u\n", call->handle, status);
	err = sipsess_reject(call->sess, status, codes_reason(status), NULL);
	if (err)
		return err;

	end(call, CODE_REJECTED, status, NULL, 0);

	return 0;
}


/**
 * Hang up: CANCEL, decline (603) or BYE, as the state needs
 *
 * @param call Call
 *
 * @return 0 if success
 */
int call_hangup(struct call *call)
{
	if (!call)
		return EINVAL;

	switch (call->state) {

	case CALL_RINGING:
	case CALL_ANSWERING:
		if (!call_reject(call, 603))
			return 0;
		end(call, CODE_REJECTED, 0, NULL, 0);
		return 0;

	case CALL_ESTABLISHED:
		end(call, CODE_LOCAL_HANGUP, 0, NULL, 0);
		return 0;

	default:
		end(call, CODE_CANCELLED, 0, NULL, 0);
		return 0;
	}
}


/**
 * Send SIP INFO in the call's dialog (DTMF fallback)
 *
 * @param call  Call
 * @param ctype Content type, e.g. "application/dtmf-relay"
 * @param body  Body text
 *
 * @return 0 if sent
 */
int call_info(struct call *call, const char *ctype, const char *body)
{
	struct mbuf *mb;
	int err;

	if (!call || !ctype || !body)
		return EINVAL;

	if (call->state != CALL_ESTABLISHED)
		return EPROTO;

	mb = mbuf_alloc(strlen(body) + 1);
	if (!mb)
		return ENOMEM;

	err = mbuf_write_str(mb, body);
	mb->pos = 0;
	if (!err)
		err = sipsess_info(call->sess, ctype, mb, NULL, NULL);
	DEBUG_INFO("call %d: INFO (%s) %s\n", call->handle, ctype,
		   err ? "not sent" : "sent");

	mem_deref(mb);

	return err;
}


/** End @p call now with @p cause (CANCEL or BYE as its state needs) */
void call_end(struct call *call, const char *cause)
{
	end(call, cause, 0, NULL, 0);
}
