/**
 * @file phones.c  The phones JS holds, by integer handle
 *
 * One table for the whole core (maxPhones of sp_init, at most
 * ABI_PHONE_MAX): abi.c adds and removes phones for the phone.* commands,
 * callcmd.c looks them up for call.new.  A stale handle finds nothing.
 */
#include <re.h>
#include "handle.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "transport.h"
#include "priv.h"


static struct ua *phonev[ABI_PHONE_MAX];
static int phone_idv[ABI_PHONE_MAX];
static struct handles phones = HANDLES(phonev, phone_idv);


/**
 * Hold at most @p n phones (1..ABI_PHONE_MAX), each with up to two
 * connections (transport_limit): only that part of the tables is used.
 * Only while no phone is open (sp_init before the first, or after
 * sp_close)
 *
 * @return 0, or EINVAL for a bad @p n
 */
int abi_phones_limit(int n)
{
	if (n < 1 || n > ABI_PHONE_MAX)
		return EINVAL;

	phones.n = n;
	transport_limit(2 * n);

	return 0;
}


/** The limit abi_phones_limit() set */
int abi_phones_max(void)
{
	return phones.n;
}


/** The phone with @p handle, or NULL */
struct ua *abi_phone(int handle)
{
	return handle_get(&phones, handle);
}


/**
 * Give @p ua a handle
 *
 * @return The handle, or 0 if the table is full
 */
int abi_phone_add(struct ua *ua)
{
	return handle_add(&phones, ua);
}


/** Forget the phone with @p handle (the caller frees it) */
void abi_phone_del(int handle)
{
	handle_del(&phones, handle);
}


/** Free every phone; handles start again from 1 */
void abi_phones_close(void)
{
	size_t i;

	for (i = 0; i < ABI_PHONE_MAX; ++i) {
		phonev[i] = mem_deref(phonev[i]);
		phone_idv[i] = 0;
	}

	phones.next = 1;
}
