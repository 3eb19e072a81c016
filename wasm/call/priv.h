/**
 * @file priv.h  A call's state, shared by the files of wasm/call/
 *
 *   call.c    a call's life on libre sipsess, every SDP through the policy
 *   calls.c   the handle table of all calls, lookup and accessors, and
 *             what a phone tells all its calls (its flow's events)
 *   modify.c  our changes of a confirmed call: hold, ICE restart, the
 *             re-INVITE that moves its route to a new flow
 *   target.c  what the app dialled -> the Request-URI
 *
 * Needs re.h, policy.h, flow.h and call.h included first.
 */

enum call_state {
	CALL_OFFERING,     /* outgoing, waiting for the shim's offer       */
	CALL_INVITING,     /* INVITE sent, no final response yet           */
	CALL_RINGING,      /* incoming, waiting for the app                */
	CALL_ANSWERING,    /* incoming, answered, waiting for the shim     */
	CALL_ESTABLISHED,
};

enum modify {
	MODIFY_NONE = 0,
	MODIFY_LOCAL_NEED,   /* our re-INVITE: waiting for the shim's offer */
	MODIFY_LOCAL_SENT,   /* our re-INVITE sent                          */
	MODIFY_REMOTE,       /* their re-INVITE: waiting for our answer     */
};

struct call {
	struct le le;                /* in the phone's call list         */
	int handle;
	const struct call_ctx *ctx;  /* owned by the phone (ua.c)        */
	struct sipsess *sess;
	enum call_state state;
	enum modify modify;
	bool hold_want;              /* the pending modification holds   */
	bool held;
	bool video;
	bool ended;
	bool nocand;                 /* our first SDP had no candidate   */
	char *target;                /* outgoing: request URI            */
	struct policy_verdict refused; /* remote SDP refused: the cause  */
	struct tmr tmr;              /* ends the call outside a handler  */
	enum flow_event flow;        /* the phone's flow since: 0, DOWN,
					REPLACED (call_flow)             */
	bool route;                  /* the pending re-INVITE moves the
					dialog's route to the new flow   */
	bool reroute;                /* one must, once the pending
					modification is over             */
	bool restart;                /* the pending offer restarts ICE  */
	unsigned routec;             /* its attempts so far              */
	struct tmr rtmr;             /* the wait before the next one     */
	uint16_t end_status;
	const char *end_cause;
};

enum {
	CALL_ROUTE_MAX = 5,  /* re-INVITEs that move the route, at most */
};

void call_reroute(struct call *call);
void call_modify_over(struct call *call, bool ok, uint16_t status);
void call_media_need(struct call *call, const char *type);
void call_end_later(struct call *call, const char *cause, uint16_t status);
void call_end(struct call *call, const char *cause);
int  call_table_add(struct call *call);
void call_table_del(int handle);
