/**
 * @file calls.c  All calls: the handle table, lookup and accessors, and
 *                what a phone tells every call (its flow's events)
 *
 * JS holds a call as an integer handle (wasm/handle/); a call that ended
 * is not found any more, though libre may still hold it for a moment.
 */
#include <re.h>
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "handle.h"
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
 * A dialog reaches us over the flow it was set up on: Kamailio puts that
 * WebSocket in its Record-Route.  After FLOW_DOWN no in-dialog request
 * can reach us; after FLOW_REPLACED none will until we send one on the
 * new flow, which moves the route (a re-INVITE, RFC 5626 5.4).  The
 * resilience work sends that re-INVITE from here; today a call records
 * the state (call_flow_state) and media, the browser's, goes on.
 *
 * @param lst The phone's calls
 * @param ev  FLOW_DOWN or FLOW_REPLACED (FLOW_UP: the first flow, which
 *            every call is on)
 */
void call_flow(struct list *lst, enum flow_event ev)
{
	struct le *le;

	if (ev == FLOW_UP)
		return;

	for (le = list_head(lst); le; le = le->next) {
		struct call *call = le->data;

		/* replaced only matters to a call that lost its flow */
		if (ev == FLOW_DOWN || call->flow == FLOW_DOWN) {
			call->flow = ev;
			DEBUG_INFO("call %d: the flow %s\n", call->handle,
				   ev == FLOW_DOWN ? "closed" :
				   "was replaced: its route is stale");
		}
	}
}


/** What happened to the phone's flow since the call began (0: nothing) */
enum flow_event call_flow_state(const struct call *call)
{
	return call ? call->flow : 0;
}
