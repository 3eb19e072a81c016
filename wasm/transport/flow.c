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
 *     (flow_reopen: a registration or a confirmed call must come back),
 *     after the back-off of flow_backoff_ms() (the first wait drawn
 *     from 0.5 to 8.5 s so that phones dropped together do not come
 *     back together, then doubling to at most 60 s).  A message that
 *     must go out meanwhile opens the flow at once and ends the wait;
 *   - what happened, told upward once each: FLOW_UP (the phone's first
 *     flow opened), FLOW_DOWN (the flow closed, or closed before it
 *     opened), FLOW_DEAD (we closed it: keep-alive unanswered) and
 *     FLOW_REPLACED (a new flow opened after one was lost);
 *
 * The shim only executes: open this URL, send this frame, close.  The
 * phone (wasm/ua/ua.c) passes every event on to its registration
 * (reg_flow_down, reg_flow_up) and to each of its calls (call_flow).
 *
 *   - whether the flow is alive: RFC 5626 4.4.1 keep-alive over the
 *     WebSocket.  Any frame from the server proves it; after 2/3 of
 *     the bound (ka_ms, default 30 s) without one we send CRLFCRLF, and a
 *     flow that has not answered (the CRLF pong, or any frame) when the
 *     bound is up is closed as dead: FLOW_DEAD, a FLOW_DOWN with its
 *     own cause.  A dead flow is found within ka_ms of its last frame.
 *     (Kamailio answers the CRLFCRLF frame with CRLF with or without
 *     its outbound module; a registrar's Flow-Timer is not read yet.)
 *   - how long to try: flow_reopen() gives up after max attempts
 *     (FLOW_REOPEN_MAX by default): the phone then reports the loss as
 *     final.
 *   - where to: a phone may have several servers (sharing their
 *     registrations, e.g. Kamailio nodes with DMQ).  A flow goes to
 *     the first; every flow lost, or closed before it opened, moves
 *     the next one to the next server of the list, after the last to
 *     the first again.  A phone thus stays on a server that works, and
 *     moves on (or back) only when it loses it, unless it has a failback
 *     time (flow_set_failback): after that long on a later server the
 *     phone is told FLOW_LATER (again every FLOW_LATER_MS while it stays
 *     there), and when it has no call it calls flow_failback(), which
 *     closes the flow (FLOW_BACK, a FLOW_DOWN) and reopens it to the
 *     first server at once.
 */
#include <re.h>
#include "transport.h"
#include "flow.h"


#define DEBUG_MODULE "flow"
#include <re_dbg.h>


enum {
	FLOW_FIRST_MIN_MS = 500,
	FLOW_FIRST_SPAN_MS = 8000,
	FLOW_RETRY_MIN_MS = 1000,
	FLOW_RETRY_MID_MAX_MS = 40000,
};

/**
 * The wait before reopen (or retry) number @p attempt, from 0
 *
 * The first is drawn from 0.5 to 8.5 s: phones dropped together (a
 * server restart) come back spread over 8 s, an eighth of them in a
 * second on average.  With those that came before the server was back
 * trying again, the peak measured with 200 phones is 44-49 a second,
 * within a quarter of them, and all are back within 8.6 s of the stop
 * (tools/bench/load.js; over 5 s it was 66-79).  Then 1 s doubling, each
 * drawn from half to one and a half times it, to at most 60 s (20 to 60
 * s).
 *
 * @param attempt Attempts since the last success
 *
 * @return Delay in milliseconds
 */
uint32_t flow_backoff_ms(unsigned attempt)
{
	uint32_t mid;

	if (!attempt)
		return FLOW_FIRST_MIN_MS + rand_u32() %
			(FLOW_FIRST_SPAN_MS + 1);

	mid = min(FLOW_RETRY_MID_MAX_MS, FLOW_RETRY_MIN_MS << min(attempt,
							     6u));

	return mid / 2 + rand_u32() % (mid + 1);
}


static void ka_handler(void *arg);


/* On a later server for the failback time: the phone may move back (it
 * calls flow_failback), or not yet: ask again in a while */
static void fb_handler(void *arg)
{
	struct flow *flow = arg;

	tmr_start(&flow->fb, FLOW_LATER_MS, fb_handler, flow);
	flow->eh(FLOW_LATER, 0, flow->arg);
}


/* (Re)arm the keep-alive: the next ping after 2/3 of the bound */
static void ka_arm(struct flow *flow)
{
	flow->pinged = false;
	if (flow->ka_ms && flow->open)
		tmr_start(&flow->ka, flow->ka_ms * 2 / 3, ka_handler, flow);
	else
		tmr_cancel(&flow->ka);
}


/* Nothing came for 2/3 of the bound: ping; no answer by its end: dead */
static void ka_handler(void *arg)
{
	struct flow *flow = arg;

	if (!flow->pinged && !transport_ping(flow->sip)) {
		flow->pinged = true;
		tmr_start(&flow->ka, flow->ka_ms - flow->ka_ms * 2 / 3,
			  ka_handler, flow);
		return;
	}

	DEBUG_INFO("no answer to the keep-alive: the flow is dead\n");
	flow->closing = FLOW_DEAD;
	transport_close(flow->sip, FLOW_CLOSE_DEAD);
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
		flow->open = true;
		ka_arm(flow);
		if (flow->later && flow->fb_ms)
			tmr_start(&flow->fb, flow->fb_ms, fb_handler, flow);
		flow->eh(flow->opened ? FLOW_REPLACED : FLOW_UP, 0,
			 flow->arg);
		flow->opened = true;
		break;

	case TRANSPORT_ALIVE:
		ka_arm(flow);
		break;

	case TRANSPORT_CLOSED:
		DEBUG_INFO("closed (WebSocket code %d)\n", code);
		flow->open = false;
		flow->later = transport_next(flow->sip,
					     flow->closing == FLOW_BACK);
		tmr_cancel(&flow->ka);
		tmr_cancel(&flow->fb);
		flow->eh(flow->closing ? flow->closing : FLOW_DOWN, code,
			 flow->arg);
		flow->closing = 0;
		break;
	}
}


/* The wait ended: open a new flow; if the browser refuses it at once,
 * nothing went up or down, so wait again (or give up) */
static void reopen_handler(void *arg)
{
	struct flow *flow = arg;
	int err;

	DEBUG_INFO("reopening (attempt %u)\n", flow->attempt);
	err = transport_open(flow->sip);
	if (err) {
		DEBUG_INFO("reopen failed (%m)\n", err);
		/* the reopens are used up: a loss, for the phone to end */
		if (!flow_reopen(flow))
			flow->eh(FLOW_DOWN, 0, flow->arg);
	}
}


/**
 * Give a SIP stack its flow and its owner
 *
 * @param flow  The owner, kept by the phone (which keeps @p sip too, and
 *              calls flow_reopen_cancel() before it releases the
 *              stack)
 * @param sip   SIP stack without a transport yet
 * @param url   wss:// URL, or several separated by spaces, already
 *              checked by policy_servers_check()
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
	flow->ka_ms = FLOW_KEEPALIVE_MS;
	flow->max = FLOW_REOPEN_MAX;

	return transport_attach(sip, url, transport_handler, flow);
}


/** Tag the flow with the phone handle that owns it (for the shim) */
void flow_set_owner(struct flow *flow, int owner)
{
	if (flow)
		transport_set_owner(flow->sip, owner);
}


/**
 * Find a dead flow within @p ms of its last frame (0: never ping); takes
 * effect at the next frame
 */
void flow_set_keepalive(struct flow *flow, uint32_t ms)
{
	if (flow)
		flow->ka_ms = ms;
}


/**
 * The network may have changed (the page saw it go, or woke up): ping
 * now, and close the flow as dead if nothing answers in FLOW_CHECK_MS
 * (whether or not keep-alives are on).  Nothing to do with no flow open.
 */
void flow_check(struct flow *flow)
{
	if (!flow || !flow->open || transport_ping(flow->sip))
		return;

	DEBUG_INFO("checking the flow\n");
	flow->pinged = true;
	tmr_start(&flow->ka, FLOW_CHECK_MS, ka_handler, flow);
}


/** Move back to the first server after @p ms on a later one (0: stay) */
void flow_set_failback(struct flow *flow, uint32_t ms)
{
	if (flow)
		flow->fb_ms = ms;
}


/**
 * Move back to the first server now (the phone was told FLOW_LATER and
 * has no call): the flow is closed (FLOW_BACK) and, if the phone wants it
 * back (flow_reopen), reopened to the first server at once
 */
void flow_failback(struct flow *flow)
{
	/* with no reopen allowed (reconnectAttempts 0) it stays */
	if (!flow || !flow->open || flow->attempt >= flow->max)
		return;

	DEBUG_INFO("back to the first server\n");
	flow->closing = FLOW_BACK;
	transport_close(flow->sip, FLOW_CLOSE_BACK);
}


/** Reopen at most @p max times before flow_reopen() gives up */
void flow_set_reopen_max(struct flow *flow, unsigned max)
{
	if (flow)
		flow->max = max;
}


/** Reopens since the flow settled (the number of the last one) */
unsigned flow_attempt(const struct flow *flow)
{
	return flow ? flow->attempt : 0;
}


/**
 * The phone wants the lost flow back: reopen after the next back-off
 *
 * @return The wait in milliseconds; 0 if @p flow is NULL or the reopens
 *         are used up (the phone gives up)
 */
uint32_t flow_reopen(struct flow *flow)
{
	uint32_t delay;

	if (!flow || flow->attempt >= flow->max)
		return 0;

	delay = flow_backoff_ms(flow->attempt++);
	/* a move back to the first server is no loss: at once */
	if (flow->closing == FLOW_BACK)
		delay = 1;
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


/** The phone closes: no more reopens or keep-alives */
void flow_close(struct flow *flow)
{
	if (!flow)
		return;

	tmr_cancel(&flow->tmr);
	tmr_cancel(&flow->ka);
	tmr_cancel(&flow->fb);
}


/** The flow did what it is for (a registration went through, or the app
 *  asked anew): the next loss starts the back-off over */
void flow_settled(struct flow *flow)
{
	if (flow)
		flow->attempt = 0;
}
