/**
 * @file calls.c  All calls: the handle table, lookup and accessors, and
 *                what a phone tells every call (its flow's events)
 *
 * JS holds a call as an integer handle (wasm/handle/); a call that ended
 * is not found any more, though libre may still hold it for a moment.
 */
#include <string.h>
#include <re.h>
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "handle.h"
#include "codes.h"
#include "priv.h"


#define DEBUG_MODULE "call"
#include <re_dbg.h>


static struct call *callv[CALL_MAX];
static int call_idv[CALL_MAX];
static struct handles calls = HANDLES(callv, call_idv);


/** A handle for a new call; 0 if CALL_MAX calls are under way */
int call_table_add(struct call *call)
{
	return handle_add(&calls, call);
}


/** The call's handle is free again */
void call_table_del(int handle)
{
	handle_del(&calls, handle);
}


/** The call with @p handle, or NULL */
struct call *call_lookup(int handle)
{
	struct call *call = handle_get(&calls, handle);

	return call && !call->ended ? call : NULL;
}


int call_handle(const struct call *call)
{
	return call ? call->handle : 0;
}


int call_phone(const struct call *call)
{
	return call ? call->ctx->phone : 0;
}


/** The SIP Call-ID of @p call; NULL before its INVITE went out */
const char *call_id(const struct call *call)
{
	return call && call->sess ?
		sip_dialog_callid(sipsess_dialog(call->sess)) : NULL;
}


/**
 * Tell the calls of a phone what happened to its flow (wasm/transport/
 * flow.c, through ua.c)
 *
 * A dialog reaches us over the flow it was set up on: Kamailio routes
 * to the WebSocket its Contact alias names.  After FLOW_DOWN no
 * in-dialog request can reach us; after FLOW_REPLACED none will until we
 * send one on the new flow, which moves the route: each confirmed call
 * sends a re-INVITE (call_reroute).  Media, the browser's, goes on.
 *
 * @param lst     The phone's calls
 * @param ev      FLOW_DOWN or FLOW_DEAD (the loss), FLOW_REPLACED
 *                (FLOW_UP: the first flow, which every call is on)
 * @param attempt After a loss: the phone's reopen that will follow
 *                (CALL_EV_RECONNECTING), 0 if it gave up: every
 *                confirmed call then ends as "transport-closed"
 * @param why     After a loss: its cause, for CALL_EV_RECONNECTING
 */
void call_flow(struct list *lst, enum flow_event ev, unsigned attempt,
	       const char *why)
{
	struct le *le = list_head(lst);

	if (ev == FLOW_UP)
		return;

	while (le) {
		struct call *call = le->data;
		struct call_evinfo info;

		le = le->next;

		if (ev == FLOW_REPLACED) {
			/* replaced only matters to a call that lost it */
			if (call->flow != FLOW_DOWN)
				continue;
			call->flow = ev;
			DEBUG_INFO("call %d: the flow was replaced\n",
				   call->handle);
			call_reroute(call);
			continue;
		}

		call->flow = FLOW_DOWN;
		if (call->ended || call->state != CALL_ESTABLISHED)
			continue;

		DEBUG_INFO("call %d: the flow is lost (%s)\n", call->handle,
			   why);
		memset(&info, 0, sizeof(info));
		info.cause = why;
		info.attempt = attempt;
		if (attempt)
			call->ctx->eh(call, CALL_EV_RECONNECTING, &info,
				      call->ctx->arg);
		else
			call_end(call, CODE_TRANSPORT_CLOSED);
	}
}


/** End every call of a phone (it is closing): cause "phone-closed" */
void call_close_all(struct list *lst)
{
	struct le *le;

	while ((le = list_head(lst)))
		call_end(le->data, CODE_PHONE_CLOSED);
}


/** True if a call would lose its dialog with the flow (a confirmed one):
 *  the phone reopens the flow for it */
bool call_flow_wanted(const struct list *lst)
{
	struct le *le;

	for (le = list_head(lst); le; le = le->next) {
		const struct call *call = le->data;

		if (!call->ended && call->state == CALL_ESTABLISHED)
			return true;
	}

	return false;
}


/** What happened to the phone's flow since the call began (0: nothing) */
enum flow_event call_flow_state(const struct call *call)
{
	return call ? call->flow : 0;
}
