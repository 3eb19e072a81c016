/**
 * @file reply.c  The replies to commands
 *
 * Every command gets exactly one reply (abi.c, callcmd.c):
 *   {"id":7,"err":null,...}  or  {"id":7,"err":"code","message":"..."}
 * where code is one of codes.h (an errno through codes_errno()).  The
 * message says what to fix where the caller can fix it (a config value,
 * an argument, the call's state); it is empty where the code says all
 * there is: no such phone or call, a failure of the core's own, a command
 * the shim never sends malformed (config not an object, an SDP whose
 * length is not its bytes).  Each of those messages cost the page core
 * 20-30 B gzip; the shim's PhoneError falls back to the code's hint.
 */
#include <re.h>
#include "abi.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "priv.h"
#include "msgs.h"


void abi_reply_err(uint64_t id, const char *code, const char *message)
{
	abi_emitf(ABI_RE_ERROR, (unsigned long long)id, abi_json_str, code,
		  abi_json_str, message);
}


void abi_reply_ok(uint64_t id)
{
	abi_emitf(ABI_RE_OK, (unsigned long long)id);
}

