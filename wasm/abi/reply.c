/**
 * @file reply.c  The replies to commands, and errno to a stable error code
 *
 * Every command gets exactly one reply (abi.c, callcmd.c):
 *   {"id":7,"err":null,...}  or  {"id":7,"err":"code","message":"..."}
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


/** The stable error code (shim/errors.js ErrorCode) of an errno */
const char *abi_errno_code(int err)
{
	switch (err) {

	case ENOENT:          return "not-found";
	case EALREADY:        return "busy";
	case ENOMEM:          return "no-memory";
	case ENOTCONN:        return "transport-closed";
	case ECONNRESET:      return "transport-closed";
	case EPROTONOSUPPORT: return "insecure-transport";
	case ETIMEDOUT:       return "timeout";
	case EINVAL:          return "invalid-argument";
	case ENOKEY:          return "credentials-needed";
	default:              return "internal";
	}
}
