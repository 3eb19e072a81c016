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
};

typedef void (flow_event_h)(enum flow_event ev, int code, void *arg);

/** The owner of one phone's flow, kept in the phone (fields are flow.c's:
 *  use the functions) */
struct flow {
	struct sip *sip;      /* the stack whose transport we own */
	struct tmr tmr;       /* the reopen wait                  */
	unsigned attempt;     /* reopens since the flow settled   */
	bool opened;          /* one opened: the next replaces it */
	flow_event_h *eh;
	void *arg;
};

int  flow_init(struct flow *flow, struct sip *sip, const char *url,
	       flow_event_h *eh, void *arg);
void flow_set_owner(struct flow *flow, int owner);
uint32_t flow_reopen(struct flow *flow);
void flow_reopen_cancel(struct flow *flow);
void flow_settled(struct flow *flow);
uint32_t flow_backoff_ms(unsigned attempt);
