/**
 * @file priv.h  Shared by the files of wasm/abi/ (include call.h first)
 *
 * abi.c (the exports, phone.* and sdp.check) and callcmd.c (call.*) both
 * use phones.c and reply.c, and abi.c dispatches to callcmd.c: no file
 * calls back into one that calls it.
 */

struct ua;
struct odict;

/* phones.c: the phones JS holds, at most maxPhones (sp_init: default
 * 256, at most 4096; issue 13: a Node process runs hundreds).  The table
 * is zeroed memory, not in the download, of which only the first
 * maxPhones slots are ever touched; a phone's own memory is taken when it
 * is made */
enum { ABI_PHONE_DEFAULT = 256, ABI_PHONE_MAX = 4096 };

int  abi_phones_limit(int n);
int  abi_phones_max(void);
struct ua *abi_phone(int handle);
int  abi_phone_add(struct ua *ua);
void abi_phone_del(int handle);
void abi_phones_close(void);

/* reply.c: one reply per command.  Every bad-command has the one message
 * (the code says which rule: a message each cost the page core 50 B) */
#define ABI_BAD_COMMAND "need JSON {v:1, id, cmd} with a known cmd"

void abi_reply_err(uint64_t id, const char *code, const char *message);
void abi_reply_ok(uint64_t id);

/* callcmd.c: the call.* commands and the call events */
void abi_call_cmd(uint64_t id, const char *name, const struct odict *cmd);
void abi_call_event(struct call *call, enum call_event ev,
		    const struct call_evinfo *info, void *arg);
