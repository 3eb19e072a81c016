/**
 * @file flow.h  The owner of a phone's connection (wasm/transport/flow.c)
 *
 * Needs transport.h's struct sip declaration; include after re.h.
 */

struct flow;
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

int  flow_alloc(struct flow **flowp, struct sip *sip, const char *url,
		flow_event_h *eh, void *arg);
void flow_set_owner(struct flow *flow, int owner);
uint32_t flow_reopen(struct flow *flow);
void flow_reopen_cancel(struct flow *flow);
void flow_settled(struct flow *flow);
uint32_t flow_backoff_ms(unsigned attempt);
