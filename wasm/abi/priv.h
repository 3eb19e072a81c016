/**
 * @file priv.h  Shared by the files of wasm/abi/ (include call.h first)
 */

struct ua;
struct odict;

struct ua *abi_phone(int handle);
void abi_reply_err(uint64_t id, const char *code, const char *message);
void abi_reply_ok(uint64_t id);
const char *abi_errno_code(int err);

/* callcmd.c: the call.* commands and the call events */
void abi_call_cmd(uint64_t id, const char *name, const struct odict *cmd);
void abi_call_event(struct call *call, enum call_event ev,
		    const struct call_evinfo *info, void *arg);
