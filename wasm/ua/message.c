/**
 * @file message.c  SIP MESSAGE (RFC 3428) out and in, OPTIONS out and in
 *
 * Out of dialog requests other than INVITE reach the phone here (libre's
 * sipsess takes INVITE and what belongs to a call first):
 *   MESSAGE  200 OK, then the text goes to the app
 *   OPTIONS  200 OK with what we allow and accept (RFC 3261 11.2)
 *   other    405 Method Not Allowed with Allow
 * A MESSAGE or OPTIONS we send gets its own short dialog; a digest
 * challenge is answered once with the phone's credentials.
 */
#include <string.h>
#include <re.h>
#include "auth.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "ua.h"
#include "message.h"


#define DEBUG_MODULE "message"
#include <re_dbg.h>


enum {
	MESSAGE_TEXT_MAX = 16384,  /* bytes of one text we send */
};

#define NAME(m) ((m)->body ? "MESSAGE" : "OPTIONS")

struct message {
	struct le le;
	struct sip_request *req;
	struct sip_dialog *dlg;
	struct sip_auth *auth;
	struct mbuf *body;           /* NULL: an OPTIONS */
	struct message_ctx *ctx;
	uint32_t id;
	bool authed;
};


static void destructor(void *arg)
{
	struct message *m = arg;

	list_unlink(&m->le);
	mem_deref(m->req);
	mem_deref(m->dlg);
	mem_deref(m->auth);
	mem_deref(m->body);
}


static int send_msg(struct message *m);


static void resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct message *m = arg;
	struct message_ctx *ctx = m->ctx;
	uint16_t status = msg ? msg->scode : 0;

	if (msg)
		DEBUG_INFO("%s %u answered %u %r\n", NAME(m), m->id, status,
			   &msg->reason);
	else
		DEBUG_INFO("%s %u got no answer (%m)\n", NAME(m), m->id, err);

	if (!err && (status == 401 || status == 407) && !m->authed) {
		m->authed = true;
		err = sip_auth_authenticate(m->auth, msg);
		if (!err) {
			err = send_msg(m);
			if (!err)
				return;
		}
		DEBUG_INFO("%s %u: challenge not answered (%m)\n", NAME(m),
			   m->id, err);
		ctx->doneh(m->id, err == EAUTH ? CODE_AUTH_FAILED :
			   CODE_REJECTED, status, msg, ctx->arg);
		mem_deref(m);
		return;
	}

	if (err)
		ctx->doneh(m->id, err == ETIMEDOUT ? CODE_TIMEOUT :
			   CODE_TRANSPORT_CLOSED, 0, NULL, ctx->arg);
	else if (status < 300)
		ctx->doneh(m->id, NULL, status, msg, ctx->arg);
	else
		ctx->doneh(m->id, codes_status(status, false), status, msg,
			   ctx->arg);

	mem_deref(m);
}


static int send_msg(struct message *m)
{
	const struct mbuf *b = m->body;
	int err;

	m->req = mem_deref(m->req);

	err = sip_drequestf(&m->req, m->ctx->sip, true,
			    b ? "MESSAGE" : "OPTIONS", m->dlg, 0, m->auth,
			    NULL, resp_handler, m,
			    "%s"
			    "Content-Length: %zu\r\n"
			    "\r\n"
			    "%b",
			    b ? "Content-Type: text/plain;charset=utf-8\r\n" :
			    "Accept: application/sdp\r\n",
			    b ? b->end : 0, b ? b->buf : NULL, b ? b->end : 0);
	if (err)
		DEBUG_INFO("%s %u not sent (%m)\n", NAME(m), m->id, err);
	else
		DEBUG_INFO("%s %u sent (body %zu bytes%s)\n", NAME(m),
			   m->id, b ? b->end : 0,
			   m->authed ? ", with the answer" : "");

	return err;
}


/* A MESSAGE with text, or an OPTIONS (text NULL) */
static int request(struct message_ctx *ctx, const char *target,
		   const char *text, uint32_t *idp)
{
	struct message *m;
	char *uri = NULL;
	int err;

	err = call_target(&uri, ctx->aor, target);
	if (err)
		return err;

	m = mem_zalloc(sizeof(*m), destructor);
	if (!m) {
		err = ENOMEM;
		goto out;
	}

	m->ctx = ctx;
	m->id  = ++ctx->next_id;
	list_append(&ctx->pending, &m->le, m);

	if (text) {
		m->body = mbuf_alloc(strlen(text) + 1);
		if (!m->body) {
			err = ENOMEM;
			goto out;
		}
		err = mbuf_write_str(m->body, text);
		if (err)
			goto out;
	}

	err = sip_dialog_alloc(&m->dlg, uri, uri, ctx->display, ctx->aor,
			       NULL, 0);
	if (err)
		goto out;

	err = sip_auth_alloc(&m->auth, auth_creds_h, ctx->creds, false);
	if (err)
		goto out;

	err = send_msg(m);
	if (err)
		goto out;

	*idp = m->id;

 out:
	mem_deref(uri);
	if (err)
		mem_deref(m);

	return err;
}


/**
 * Send a text as SIP MESSAGE; the outcome comes to ctx->doneh
 *
 * @param ctx    The phone's message context
 * @param target sip:/sips: URI or a user name in the phone's domain
 * @param text   UTF-8 text, at most 16 KiB
 * @param idp    Returns the id the outcome carries
 *
 * @return 0 if sent, EINVAL for a bad target or text
 */
int message_send(struct message_ctx *ctx, const char *target,
		 const char *text, uint32_t *idp)
{
	if (!ctx || !text || !idp || strlen(text) > MESSAGE_TEXT_MAX)
		return EINVAL;

	return request(ctx, target, text, idp);
}


/**
 * Send OPTIONS out of dialog (RFC 3261 11); the outcome, with the
 * response (its Allow and Supported), comes to ctx->doneh
 *
 * @param ctx    The phone's message context
 * @param target sip:/sips: URI (no user part: the server itself) or a
 *               user name in the phone's domain
 * @param idp    Returns the id the outcome carries
 *
 * @return 0 if sent, EINVAL for a bad target
 */
int message_options(struct message_ctx *ctx, const char *target,
		    uint32_t *idp)
{
	if (!ctx || !idp)
		return EINVAL;

	return request(ctx, target, NULL, idp);
}


static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct message_ctx *ctx = arg;

	if (!pl_strcmp(&msg->met, "MESSAGE")) {

		if (pl_isset(&msg->to.tag)) {
			DEBUG_INFO("MESSAGE in no dialog of ours: 481\n");
			(void)sip_reply(ctx->sip, msg, 481,
					"Call/Transaction Does Not Exist");
			return true;
		}

		DEBUG_INFO("MESSAGE received (%zu bytes of %r/%r): 200\n",
			   mbuf_get_left(msg->mb), &msg->ctyp.type,
			   &msg->ctyp.subtype);
		(void)sip_reply(ctx->sip, msg, 200, "OK");
		ctx->recvh(msg, ctx->arg);
		return true;
	}

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		DEBUG_INFO("OPTIONS received: 200\n");
		(void)sip_treplyf(NULL, NULL, ctx->sip, msg, false, 200, "OK",
				  SIP_ALLOW
				  "Accept: application/sdp, text/plain\r\n"
				  "Content-Length: 0\r\n\r\n");
		return true;
	}

	if (!pl_strcmp(&msg->met, "ACK"))
		return true;  /* a stray ACK gets no response */

	DEBUG_INFO("%r out of dialog: 405\n", &msg->met);
	(void)sip_treplyf(NULL, NULL, ctx->sip, msg, false,
			  405, "Method Not Allowed",
			  SIP_ALLOW "Content-Length: 0\r\n\r\n");

	return true;
}


/**
 * Start answering out-of-dialog requests for a phone
 *
 * @param ctx The phone's message context (sip, aor, creds, handlers set)
 *
 * @return 0 if success, otherwise errorcode
 */
int message_listen(struct message_ctx *ctx)
{
	return sip_listen(&ctx->lsnr, ctx->sip, true, request_handler, ctx);
}


/** Stop: pending messages are dropped without an outcome */
void message_close(struct message_ctx *ctx)
{
	ctx->lsnr = mem_deref(ctx->lsnr);
	list_flush(&ctx->pending);
}
