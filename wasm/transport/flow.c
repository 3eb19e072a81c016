/**
 * @file flow.c  The owner of a phone's connection: when to open, reopen
 *
 * transp.c is the mechanism: it opens, feeds and closes the browser's
 * WebSocket when told and reports what happened.  This file is the
 * policy, and the only place that decides:
 *
 *   - when to open: when a message must go out and no flow is open or
 *     opening (transp.c asks with TRANSPORT_NEEDED), or when a reopen
 *     wait ends;
 *   - when to reopen after a loss: only when the phone asks for it
 *     (flow_reopen: a registration that was in place must come back),
 *     after the back-off of flow_backoff_ms() (1 s doubling to 60 s,
 *     +-20% jitter so that phones dropped together do not come back
 *     together).  A message that must go out meanwhile opens the flow
 *     at once and ends the wait;
 *   - what happened, told upward once each: FLOW_UP (the phone's first
 *     flow opened), FLOW_DOWN (the flow closed, or closed before it
 *     opened) and FLOW_REPLACED (a new flow opened after one was lost).
 *
 * The shim only executes: open this URL, send this frame, close.  The
 * phone (wasm/ua/ua.c) passes every event on to its registration
 * (reg_flow_down, reg_flow_up) and to each of its calls (call_flow).
 *
 * Where the resilience work fits without another redesign:
 *   - RFC 5626 keep-alive over WebSocket (CRLFCRLF ping, CRLF pong within
 *     a bound) and "flow dead" detection live here and end in FLOW_DOWN,
 *     as a close does;
 *   - several servers: the reopen picks the next URL here
 *     (transport_open takes the stack's URL today), and FLOW_REPLACED
 *     tells everyone the route changed;
 *   - on FLOW_REPLACED the registration registers again over the new
 *     flow (with the same +sip.instance and reg-id once outbound is on),
 *     and each confirmed call, told by call_flow(), sends the re-INVITE
 *     that makes its dialog's route follow the new flow;
 *   - the reopen back-off is this file's alone; a request that fails on
 *     an open flow (408, 5xx) is retried by its owner on the same
 *     schedule (flow_backoff_ms).
 */
#include <re.h>
#include "transport.h"
#include "flow.h"


#define DEBUG_MODULE "flow"
#include <re_dbg.h>


enum {
	FLOW_RETRY_MIN_MS = 1000,
	FLOW_RETRY_MAX_MS = 60000,
	FLOW_RETRY_DOUBLINGS = 6,
};

/**
 * The wait before reopen (or retry) number @p attempt, from 0: 1 s
 * doubling to 60 s, each drawn from +-20% around it
 *
 * @param attempt Attempts since the last success
 *
 * @return Delay in milliseconds
 */
uint32_t flow_backoff_ms(unsigned attempt)
{
	uint32_t delay;

	delay = min(FLOW_RETRY_MAX_MS, FLOW_RETRY_MIN_MS <<
		    min(attempt, FLOW_RETRY_DOUBLINGS));

	return delay * 8 / 10 + (uint32_t)(rand_u32() % (delay * 4 / 10 + 1));
}


static void transport_handler(enum transport_state state, int code,
			      void *arg)
{
	struct flow *flow = arg;

	switch (state) {

	case TRANSPORT_NEEDED:
		/* a message must go out: open now; a reopen wait ends */
		DEBUG_INFO("opening (a message must go out%s)\n",
			   tmr_isrunning(&flow->tmr) ? ", reopen wait ended" :
			   "");
		tmr_cancel(&flow->tmr);
		(void)transport_open(flow->sip);
		break;

	case TRANSPORT_OPEN:
		DEBUG_INFO("open%s\n", flow->opened ?
			   ": replaces the lost one" : "");
		flow->eh(flow->opened ? FLOW_REPLACED : FLOW_UP, 0,
			 flow->arg);
		flow->opened = true;
		break;

	case TRANSPORT_CLOSED:
		DEBUG_INFO("closed (WebSocket code %d)\n", code);
		flow->eh(FLOW_DOWN, code, flow->arg);
		break;
	}
}


/* The wait ended: open a new flow; if the browser refuses it at once,
 * nothing went up or down, so wait again */
static void reopen_handler(void *arg)
{
	struct flow *flow = arg;
	int err;

	DEBUG_INFO("reopening (attempt %u)\n", flow->attempt);
	err = transport_open(flow->sip);
	if (err) {
		DEBUG_INFO("reopen failed (%m)\n", err);
		(void)flow_reopen(flow);
	}
}


/**
 * Give a SIP stack its flow and its owner
 *
 * @param flow  The owner, kept by the phone (which keeps @p sip too, and
 *              calls flow_reopen_cancel() before it releases the
 *              stack)
 * @param sip   SIP stack without a transport yet
 * @param url   wss:// URL, already checked by policy_transport_check()
 * @param eh    Told of FLOW_UP, FLOW_DOWN and FLOW_REPLACED
 * @param arg   Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int flow_init(struct flow *flow, struct sip *sip, const char *url,
	      flow_event_h *eh, void *arg)
{
	if (!flow || !eh)
		return EINVAL;

	flow->sip = sip;
	flow->eh  = eh;
	flow->arg = arg;

	return transport_attach(sip, url, transport_handler, flow);
}


/** Tag the flow with the phone handle that owns it (for the shim) */
void flow_set_owner(struct flow *flow, int owner)
{
	if (flow)
		transport_set_owner(flow->sip, owner);
}


/**
 * The phone wants the lost flow back: reopen after the next back-off
 *
 * @return The wait in milliseconds, 0 if @p flow is NULL
 */
uint32_t flow_reopen(struct flow *flow)
{
	uint32_t delay;

	if (!flow)
		return 0;

	delay = flow_backoff_ms(flow->attempt++);
	tmr_start(&flow->tmr, delay, reopen_handler, flow);
	DEBUG_INFO("reopen in %u ms (attempt %u)\n", delay, flow->attempt);

	return delay;
}


/** The phone no longer wants the flow back (it unregistered, or it
 *  closes) */
void flow_reopen_cancel(struct flow *flow)
{
	if (!flow)
		return;

	if (tmr_isrunning(&flow->tmr))
		DEBUG_INFO("reopen cancelled\n");
	tmr_cancel(&flow->tmr);
}


/** The flow did what it is for (a registration went through, or the app
 *  asked anew): the next loss starts the back-off over */
void flow_settled(struct flow *flow)
{
	if (flow)
		flow->attempt = 0;
}
