/**
 * @file callcmd.c  The call.* commands and the call events
 *
 * Commands:
 *   call.new    {phone, target, video}      -> {call}
 *   call.media  {call, sdp, bytes}          the SDP asked for by media.need
 *                                           -> {callId} once sent
 *   call.answer {call, video}   call.reject {call, status}
 *   call.hangup {call}          call.hold   {call, hold}
 *   call.info   {call, ctype, body}
 * Events (all carry phone, and call unless refused): incoming,
 * call-refused, media.need, media.remote, ringing, progress, accepted,
 * hold, modify-failed, info, no-candidates (a warning), ended.
 * Their fields, and the replies', are in the schema (tools/schema.js),
 * which msgs.h, their formats, is generated from.
 * Decode, dispatch, encode: the decisions are in wasm/call/.
 */
#include <string.h>
#include <re.h>
#include "abi.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "codes.h"
#include "ua.h"
#include "handle.h"
#include "priv.h"
#include "msgs.h"


static struct call *call_arg(uint64_t id, const struct odict *cmd)
{
	uint64_t h = 0;
	struct call *call = NULL;

	if (odict_get_number(cmd, &h, "call") && h <= HANDLE_MAX)
		call = call_lookup((int)h);

	if (!call)
		abi_reply_err(id, CODE_NOT_FOUND, "");

	return call;
}


static bool bool_arg(const struct odict *cmd, const char *key)
{
	bool b = false;

	(void)odict_get_boolean(cmd, &b, key);

	return b;
}


static void cmd_new(uint64_t id, const struct odict *cmd)
{
	const char *target = odict_string(cmd, "target");
	struct call *call = NULL;
	uint64_t h = 0;
	struct ua *ua = NULL;
	int err;

	if (odict_get_number(cmd, &h, "phone") && h <= HANDLE_MAX)
		ua = abi_phone((int)h);

	if (!ua) {
		abi_reply_err(id, CODE_NOT_FOUND, "");
		return;
	}

	err = ua_call(ua, &call, target, bool_arg(cmd, "video"));
	if (err == EINVAL)
		abi_reply_err(id, CODE_INVALID_TARGET, "target must be a "
			      "sip:/sips: URI or a user name");
	else if (err)
		abi_reply_err(id, codes_errno(err), err == EBUSY ?
			      "too many calls at once" : "");
	else
		abi_emitf(ABI_RE_CALL, (unsigned long long)id,
			  call_handle(call));
}


/* The SDP the shim made; "bytes" (UTF-8 length in JS) catches a \u0000 */
static void cmd_media(uint64_t id, struct call *call,
		      const struct odict *cmd)
{
	const char *sdp = odict_string(cmd, "sdp");
	struct policy_verdict v;
	uint64_t bytes = 0;
	int err;

	if (!sdp || !odict_get_number(cmd, &bytes, "bytes") ||
	    bytes != strlen(sdp)) {
		abi_reply_err(id, CODE_INVALID_ARGUMENT, "");
		return;
	}

	memset(&v, 0, sizeof(v));
	err = call_media(call, sdp, strlen(sdp), &v);
	if (err == EPROTO && v.reason)
		abi_emitf(ABI_RE_MEDIA_REFUSED, (unsigned long long)id,
			  abi_json_str, v.reason, abi_json_str, v.detail,
			  v.line);
	else if (err)
		abi_reply_err(id, codes_errno(err), err == EALREADY ?
			      "no SDP was asked for" : "");
	else
		abi_emitf(ABI_RE_CALL_ID, (unsigned long long)id,
			  abi_json_str, call_id(call));
}


static void reply(uint64_t id, int err)
{
	const char *message = "";

	if (!err) {
		abi_reply_ok(id);
		return;
	}

	if (err == EALREADY || err == EPROTO)
		message = "not possible in the call's state";
	else if (err == EBUSY)
		message = "another change is in progress";

	abi_reply_err(id, codes_errno(err), message);
}


/**
 * Run one call.* command; the reply is emitted before this returns
 *
 * @param id   Command id
 * @param name Command name ("call.new", ...)
 * @param cmd  The decoded command
 */
void abi_call_cmd(uint64_t id, const char *name, const struct odict *cmd)
{
	struct call *call;
	uint64_t status = 0;

	if (!strcmp(name, "call.new")) {
		cmd_new(id, cmd);
		return;
	}

	call = call_arg(id, cmd);
	if (!call)
		return;

	if (!strcmp(name, "call.media"))
		cmd_media(id, call, cmd);
	else if (!strcmp(name, "call.answer"))
		reply(id, call_answer(call, bool_arg(cmd, "video")));
	else if (!strcmp(name, "call.reject")) {
		(void)odict_get_number(cmd, &status, "status");
		reply(id, status > 699 ? EINVAL :
		      call_reject(call, (uint16_t)status));
	}
	else if (!strcmp(name, "call.hangup"))
		reply(id, call_hangup(call));
	else if (!strcmp(name, "call.hold"))
		reply(id, call_hold(call, bool_arg(cmd, "hold")));
	else if (!strcmp(name, "call.restart"))
		reply(id, call_ice_restart(call));
	else if (!strcmp(name, "call.info"))
		reply(id, call_info(call, odict_string(cmd, "ctype"),
				    odict_string(cmd, "body")));
	else
		abi_reply_err(id, CODE_BAD_COMMAND, ABI_BAD_COMMAND);
}


/**
 * Encode one call event for the shim (call_event_h of every phone)
 *
 * @param call Call, NULL for CALL_EV_REFUSED
 * @param ev   Event
 * @param info Its details
 * @param arg  Unused
 */
void abi_call_event(struct call *call, enum call_event ev,
		    const struct call_evinfo *info, void *arg)
{
	const int p = call_phone(call), c = call_handle(call);
	(void)arg;

	switch (ev) {

	case CALL_EV_INCOMING:
		abi_emitf(ABI_EV_INCOMING, p, c, abi_json_pl, &info->from,
			  abi_json_pl, &info->display, abi_json_str,
			  call_id(call));
		break;

	case CALL_EV_REFUSED:
		abi_emitf(ABI_EV_CALL_REFUSED, info->phone,
			  abi_json_pl, &info->from, abi_json_pl,
			  &info->display, abi_json_str, info->cause,
			  info->line, abi_json_pl, &info->reason);
		break;

	case CALL_EV_MEDIA_NEED:
		abi_emitf(ABI_EV_MEDIA_NEED, p, c, abi_json_str,
			  info->sdp_type, info->video ? "true" : "false",
			  info->held ? "true" : "false",
			  info->restart ? "true" : "false",
			  info->relay ? "relay" : "all");
		break;

	case CALL_EV_MEDIA_REMOTE:
		abi_emitf(ABI_EV_MEDIA_REMOTE, p, c, abi_json_str,
			  info->sdp_type, abi_json_str, info->fingerprint,
			  abi_json_pl, &info->sdp);
		break;

	case CALL_EV_ACCEPTED:
		abi_emitf(ABI_EV_ACCEPTED, p, c, abi_json_str,
			  ua_digest(abi_phone(p)));
		break;

	case CALL_EV_RINGING:
	case CALL_EV_PROGRESS:
	case CALL_EV_RECONNECTED:
	case CALL_EV_WARNING:  /* the event is the warning's code */
		abi_emitf(ABI_EV_BARE,
			  ev == CALL_EV_RINGING ? "ringing" :
			  ev == CALL_EV_PROGRESS ? "progress" :
			  ev == CALL_EV_RECONNECTED ? "reconnected" :
			  info->cause, p, c);
		break;

	case CALL_EV_RECONNECTING:
		abi_emitf(ABI_EV_RECONNECTING, p, c, abi_json_str, info->cause,
			  info->attempt, 0);
		break;

	case CALL_EV_HOLD:
		abi_emitf(ABI_EV_HOLD, p, c, info->held ? "true" : "false");
		break;

	case CALL_EV_MODIFY_FAILED:
		abi_emitf(ABI_EV_MODIFY_FAILED, p, c, info->status,
			  abi_json_pl, &info->reason,
			  info->held ? "true" : "false");
		break;

	case CALL_EV_INFO:
		abi_emitf(ABI_EV_INFO, p, c, abi_json_pl, &info->ctype,
			  abi_json_pl, &info->body);
		break;

	case CALL_EV_ENDED:
		abi_emitf(ABI_EV_ENDED, p, c, abi_json_str, info->cause,
			  info->status, abi_json_pl, &info->reason,
			  info->line);
		break;
	}
}
