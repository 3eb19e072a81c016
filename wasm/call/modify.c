/**
 * @file modify.c  Our changes of a confirmed call: hold and resume, an
 *                 ICE restart, and the re-INVITE that moves the dialog's
 *                 route to the phone's new flow (each an offer from the
 *                 shim, sent by re-INVITE, one at a time)
 */
#include <re.h>
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "priv.h"


#define DEBUG_MODULE "call"
#include <re_dbg.h>


static void reroute_handler(void *arg)
{
	call_reroute(arg);
}


/*
 * A modification is over (@p ok, else refused with @p status or not
 * sent): a re-INVITE that was to move the route is tried again, and one
 * that waited for this modification goes now
 */
void call_modify_over(struct call *call, bool ok, uint16_t status)
{
	call->restart = false;
	if (call->route) {
		call->route = false;
		if (ok) {
			call->routec = 0;
		}
		else if (++call->routec >= CALL_ROUTE_MAX) {
			DEBUG_INFO("call %d: the route could not be moved\n",
				   call->handle);
			call_end_later(call, CODE_TRANSPORT_CLOSED, status);
			return;
		}
		else {
			tmr_start(&call->rtmr, flow_backoff_ms(call->routec),
				  reroute_handler, call);
			return;
		}
	}

	if (call->reroute)
		tmr_start(&call->rtmr, 0, reroute_handler, call);
}


/**
 * Move the dialog's route to the phone's new flow: a re-INVITE that
 * changes nothing else (its offer from the shim, held as it is), now or
 * once the pending modification is over
 *
 * @param call Call (ignored unless confirmed)
 */
void call_reroute(struct call *call)
{
	if (!call || call->ended || call->state != CALL_ESTABLISHED)
		return;

	if (call->modify != MODIFY_NONE) {
		call->reroute = true;
		return;
	}

	call->reroute = false;
	call->route = true;
	call->modify = MODIFY_LOCAL_NEED;
	call->hold_want = call->held;
	DEBUG_INFO("call %d: re-INVITE to move the route (attempt %u)\n",
		   call->handle, call->routec + 1);
	call_media_need(call, "offer");
}


/**
 * Hold or resume: the shim is asked for a new offer, sent by re-INVITE
 *
 * @param call Call
 * @param hold true to hold, false to resume
 *
 * @return 0 if started, EALREADY if already in that state, EBUSY if
 *         another modification is pending, EPROTO if not established
 */
int call_hold(struct call *call, bool hold)
{
	if (!call)
		return EINVAL;

	if (call->state != CALL_ESTABLISHED)
		return EPROTO;

	if (call->modify != MODIFY_NONE)
		return EBUSY;

	if (call->held == hold)
		return EALREADY;

	call->modify = MODIFY_LOCAL_NEED;
	call->hold_want = hold;
	DEBUG_INFO("call %d: %s, asking the browser for an offer\n",
		   call->handle, hold ? "putting on hold" : "resuming");
	call_media_need(call, "offer");

	return 0;
}


/**
 * Restart ICE (RFC 8445 9): the shim is asked for an offer with new ICE
 * credentials, sent by re-INVITE
 *
 * @param call Call
 *
 * @return 0 if started, EBUSY if another modification is pending, EPROTO
 *         if not established
 */
int call_ice_restart(struct call *call)
{
	if (!call)
		return EINVAL;

	if (call->state != CALL_ESTABLISHED)
		return EPROTO;

	if (call->modify != MODIFY_NONE)
		return EBUSY;

	call->modify = MODIFY_LOCAL_NEED;
	call->hold_want = call->held;
	call->restart = true;
	DEBUG_INFO("call %d: ICE restart, asking the browser for an offer\n",
		   call->handle);
	call_media_need(call, "offer");

	return 0;
}
