/**
 * @file flow.h  The owner of a phone's connection (wasm/transport/flow.c)
 *
 * Include after re.h (struct tmr).
 */

struct sip;

/** What the owner tells the phone (ua), which tells reg and the calls */
enum flow_event {
	FLOW_UP = 1,      /* the phone's first flow opened              */
	FLOW_DOWN,        /* the flow closed (code: WebSocket close code)
			     or never opened                            */
	FLOW_REPLACED,    /* a new flow opened after one was lost: what
			     routed to us over the old one is stale     */
	FLOW_DEAD,        /* the flow stopped answering keep-alives and
			     was closed: a FLOW_DOWN                    */
	FLOW_LATER,       /* on a later server for the failback time:
			     flow_failback() moves back to the first    */
	FLOW_BACK,        /* flow_failback() closed the flow: a
			     FLOW_DOWN, reopened to the first at once   */
};

enum {
	FLOW_KEEPALIVE_MS = 30000,  /* a dead flow is found within this */
	FLOW_CLOSE_DEAD = 4000,     /* our WebSocket close code for it   */
	FLOW_CLOSE_BACK = 4001,     /* ... for a move back (failback)    */
	FLOW_REOPEN_MAX = 8,        /* reopens before giving up          */
	FLOW_CHECK_MS = 5000,       /* flow_check(): the pong within     */
	FLOW_LATER_MS = 10000,      /* FLOW_LATER again, while busy      */
};

typedef void (flow_event_h)(enum flow_event ev, int code, void *arg);

/** The owner of one phone's flow, kept in the phone (fields are flow.c's:
 *  use the functions) */
struct flow {
	struct sip *sip;      /* the stack whose transport we own */
	struct tmr tmr;       /* the reopen wait                  */
	struct tmr ka;        /* keep-alive: next ping, or the pong
				 wait                             */
	struct tmr fb;        /* failback: FLOW_LATER when it ends */
	uint32_t ka_ms;       /* dead within this; 0: no pings    */
	uint32_t fb_ms;       /* failback time; 0: stay           */
	unsigned attempt;     /* reopens since the flow settled   */
	unsigned max;         /* reopens before flow_reopen gives up */
	bool opened;          /* one opened: the next replaces it */
	bool open;            /* the flow is open now             */
	bool pinged;          /* a ping waits for its pong        */
	bool later;           /* the flow goes to a later server  */
	enum flow_event closing;  /* we close it, why: FLOW_DEAD
				     (keep-alive) or FLOW_BACK
				     (flow_failback); else 0      */
	flow_event_h *eh;
	void *arg;
};

int  flow_init(struct flow *flow, struct sip *sip, const char *url,
	       flow_event_h *eh, void *arg);
void flow_set_owner(struct flow *flow, int owner);
void flow_set_keepalive(struct flow *flow, uint32_t ms);
void flow_set_reopen_max(struct flow *flow, unsigned max);
void flow_set_failback(struct flow *flow, uint32_t ms);
void flow_failback(struct flow *flow);
unsigned flow_attempt(const struct flow *flow);
void flow_close(struct flow *flow);
void flow_check(struct flow *flow);
uint32_t flow_reopen(struct flow *flow);
void flow_reopen_cancel(struct flow *flow);
void flow_settled(struct flow *flow);
uint32_t flow_backoff_ms(unsigned attempt);
