/**
 * @file message.h  SIP MESSAGE and OPTIONS out and in; the rest answered
 */

struct sip;
struct sip_msg;
struct sip_lsnr;
struct auth_creds;

/** A MESSAGE arrived (already answered 200) */
typedef void (message_recv_h)(const struct sip_msg *msg, void *arg);

/** Our MESSAGE @p id ended: @p code NULL on 2xx, else a stable cause */
typedef void (message_done_h)(uint32_t id, const char *code,
			      uint16_t status, const struct sip_msg *msg,
			      void *arg);

/** What the message module needs from its phone (filled by ua.c) */
struct message_ctx {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	const char *aor;
	const char *display;
	struct auth_creds *creds;
	struct list pending;      /* MESSAGEs awaiting their response */
	uint32_t next_id;
	message_recv_h *recvh;
	message_done_h *doneh;
	void *arg;
};

int  message_listen(struct message_ctx *ctx);
int  message_send(struct message_ctx *ctx, const char *target,
		  const char *text, uint32_t *idp);
int  message_options(struct message_ctx *ctx, const char *target,
		     uint32_t *idp);
void message_close(struct message_ctx *ctx);
