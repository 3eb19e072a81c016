/**
 * @file ua.h  The user agent: one account, its SIP stack and its flow
 *
 * Needs call.h (and so policy.h) included first.
 */

struct ua;
struct odict;

enum ua_event {
	UA_EV_TRANSPORT,          /* state = "open" | "closed", code       */
	UA_EV_REGISTERED,         /* expires, status                       */
	UA_EV_UNREGISTERED,
	UA_EV_REGISTRATION_FAILED, /* code, status, reason                */
	UA_EV_MESSAGE,             /* from, display, ctype, body           */
	UA_EV_MESSAGE_DONE,        /* id, code (NULL if 2xx), status,
				      reason, msg (MESSAGE or OPTIONS)     */
	UA_EV_NEED_CREDS,          /* code = "missing" | "expired" |
				      "rejected": answer with
				      ua_credentials()                     */
	UA_EV_RECONNECTING,        /* the flow was lost and is reopened:
				      code (the cause), id (the attempt),
				      retry_in                              */
	UA_EV_RECONNECTED,         /* the new flow carries the registration
				      again (or opened, if there is none)   */
};

struct ua_evinfo {
	const char *state;
	const char *code;
	int wscode;
	uint32_t expires;
	uint16_t status;
	struct pl reason;
	uint32_t retry_in;
	uint32_t id;
	struct pl from;
	struct pl display;
	struct pl ctype;
	struct pl body;
	const struct sip_msg *msg;  /* MESSAGE_DONE: the response or NULL */
};

typedef void (ua_event_h)(struct ua *ua, enum ua_event ev,
			  const struct ua_evinfo *info, void *arg);

int  ua_alloc(struct ua **uap, const struct odict *cfg, ua_event_h *eh,
	      call_event_h *ceh, void *arg, const char **codep,
	      const char **reasonp);
int  ua_call(struct ua *ua, struct call **callp, const char *target,
	     bool video);
int  ua_message(struct ua *ua, const char *target, const char *text,
		uint32_t *idp);
int  ua_options(struct ua *ua, const char *target, uint32_t *idp);
int  ua_credentials(struct ua *ua, const struct odict *c,
		    const char **reasonp);
int  ua_register(struct ua *ua);
int  ua_unregister(struct ua *ua);
void ua_check(struct ua *ua);
void ua_set_handle(struct ua *ua, int handle);
int  ua_handle(const struct ua *ua);
const char *ua_digest(const struct ua *ua);
const char *ua_instance(const struct ua *ua);
