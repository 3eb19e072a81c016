/**
 * @file call.h  Calls: libre sipsess under the SDP policy
 *
 * The core never makes media: it asks the shim for an SDP offer or answer
 * (CALL_EV_MEDIA_NEED), passes what the shim returns through the local SDP
 * policy before it leaves, and hands every remote SDP that passed the
 * remote policy back to the shim (CALL_EV_MEDIA_REMOTE).
 *
 * Needs flow.h (and policy.h) included first.
 */

struct call;
struct ua;
struct sip_msg;
struct sipsess_sock;

enum call_event {
	CALL_EV_INCOMING,      /* a new incoming call: from, display        */
	CALL_EV_REFUSED,       /* an INVITE answered 488 (call NULL): from,
				  display, cause, line, reason               */
	CALL_EV_MEDIA_NEED,    /* shim: make an "offer" or an "answer"      */
	CALL_EV_MEDIA_REMOTE,  /* shim: apply sdp as "offer", "pranswer" or
				  "answer"                                   */
	CALL_EV_RINGING,       /* 180 Ringing                               */
	CALL_EV_PROGRESS,      /* other 1xx, early media if an SDP came     */
	CALL_EV_ACCEPTED,      /* the call is established                   */
	CALL_EV_HOLD,          /* our hold / unhold took effect: held       */
	CALL_EV_MODIFY_FAILED, /* our re-INVITE was refused: status         */
	CALL_EV_INFO,          /* SIP INFO received: ctype, body            */
	CALL_EV_WARNING,       /* the call may not connect: cause           */
	CALL_EV_ENDED,         /* cause, status, reason, line               */
	CALL_EV_RECONNECTING,  /* the phone's flow was lost: cause, attempt
				  (the call stays; media goes on)          */
	CALL_EV_RECONNECTED,   /* our re-INVITE on the new flow went
				  through: the dialog's route follows it   */
};

struct call_evinfo {
	int phone;             /* CALL_EV_REFUSED: phone handle              */
	const char *sdp_type;  /* "offer" | "pranswer" | "answer"           */
	struct pl sdp;         /* CALL_EV_MEDIA_REMOTE                       */
	const char *fingerprint; /* CALL_EV_MEDIA_REMOTE: its hash          */
	struct pl from;        /* CALL_EV_INCOMING: remote URI               */
	struct pl display;     /* CALL_EV_INCOMING: display name             */
	struct pl ctype;       /* CALL_EV_INFO                               */
	struct pl body;        /* CALL_EV_INFO                               */
	const char *cause;     /* CALL_EV_ENDED, _WARNING: a CODE_ (codes.h)
				  or a policy reason                       */
	uint16_t status;       /* SIP status, 0 if none                      */
	struct pl reason;      /* SIP reason phrase or policy detail         */
	unsigned line;         /* policy refusal: SDP line                   */
	unsigned attempt;      /* CALL_EV_RECONNECTING: the phone's reopen  */
	bool held;             /* CALL_EV_HOLD                               */
	bool video;            /* CALL_EV_MEDIA_NEED                         */
	bool restart;          /* CALL_EV_MEDIA_NEED: an ICE restart offer   */
	bool relay;            /* CALL_EV_MEDIA_NEED: iceTransportPolicy
				  "relay"                                    */
};

typedef void (call_event_h)(struct call *call, enum call_event ev,
			    const struct call_evinfo *info, void *arg);

/** What a call needs from its phone (filled by ua.c) */
struct call_ctx {
	struct sip *sip;
	struct sipsess_sock *sock;
	const char *aor;       /* sip:user@domain                           */
	const char *display;   /* From display name, may be NULL            */
	const char *cuser;     /* Contact user                              */
	int privacy;           /* enum policy_privacy                       */
	sip_auth_h *authh;
	void *aarg;
	int phone;             /* phone handle, for events                  */
	struct list *calls;    /* the phone's calls                         */
	call_event_h *eh;
	void *arg;
};

enum {
	CALL_MAX = 32,  /* calls at once, over all phones */
};

int  call_connect(struct call **callp, const struct call_ctx *ctx,
		  const char *target, bool video);
void call_incoming(const struct call_ctx *ctx, const struct sip_msg *msg);
int  call_media(struct call *call, const char *sdp, size_t len,
		struct policy_verdict *v);
int  call_answer(struct call *call, bool video);
int  call_reject(struct call *call, uint16_t status);
int  call_hangup(struct call *call);
int  call_hold(struct call *call, bool hold);
int  call_ice_restart(struct call *call);
int  call_info(struct call *call, const char *ctype, const char *body);
struct call *call_lookup(int handle);
int  call_handle(const struct call *call);
int  call_phone(const struct call *call);
const char *call_id(const struct call *call);
void call_close_all(struct list *calls);
void call_flow(struct list *calls, enum flow_event ev, unsigned attempt,
	       const char *why);
bool call_flow_wanted(const struct list *calls);
enum flow_event call_flow_state(const struct call *call);
int  call_target(char **targetp, const char *aor, const char *target);
