/**
 * @file codes.c  The stable codes, and the tables from SIP statuses and
 *                errno values to them (see codes.h for the decisions)
 *
 * A leaf: every layer that emits a code (abi, ua, reg, call, auth) uses
 * it, and it uses nothing of ours.
 */
#include <re.h>
#include "codes.h"


/* A row of a table: what a SIP status or an errno (key) means */
struct row {
	uint16_t key;
	bool reg;          /* a status: also a registration's code */
	const char *code;
};


/**
 * What a SIP final status means.  A call ends with the code, a MESSAGE
 * or OPTIONS fails with it; a registration fails with it only where reg
 * is set (a registrar's other refusals are "rejected").
 */
static const struct row statuses[] = {
	{401, true,  CODE_AUTH_FAILED},
	{403, true,  CODE_FORBIDDEN},
	{404, false, CODE_NOT_FOUND},
	{407, true,  CODE_AUTH_FAILED},
	{408, true,  CODE_TIMEOUT},
	{410, false, CODE_NOT_FOUND},
	{480, false, CODE_UNAVAILABLE},
	{484, false, CODE_ADDRESS_INCOMPLETE},
	{486, false, CODE_BUSY},
	{487, false, CODE_CANCELLED},
	{488, false, CODE_NOT_ACCEPTABLE},
	{600, false, CODE_BUSY},
	{603, false, CODE_DECLINED},
	{604, false, CODE_NOT_FOUND},
	{606, false, CODE_NOT_ACCEPTABLE},
};

/* What the errno of a failed command means; any other is "internal" */
static const struct row errnos[] = {
	{ENOENT,          false, CODE_NOT_FOUND},
	{EALREADY,        false, CODE_INVALID_STATE},
	{EPROTO,          false, CODE_INVALID_STATE},
	{EBUSY,           false, CODE_BUSY},
	{ENOMEM,          false, CODE_NO_MEMORY},
	{ENOTCONN,        false, CODE_TRANSPORT_CLOSED},
	{ECONNRESET,      false, CODE_TRANSPORT_CLOSED},
	{EPROTONOSUPPORT, false, CODE_INSECURE_TRANSPORT},
	{ETIMEDOUT,       false, CODE_TIMEOUT},
	{EINVAL,          false, CODE_INVALID_ARGUMENT},
	{ENOKEY,          false, CODE_CREDENTIALS_NEEDED},
};


static const char *find(const struct row *v, size_t n, int key, bool reg)
{
	size_t i;

	for (i = 0; i < n; ++i) {
		if (v[i].key == key && (v[i].reg || !reg))
			return v[i].code;
	}

	return NULL;
}


/**
 * The code of a SIP final status
 *
 * @param status SIP status (>= 300)
 * @param reg    True for a registration's code, false for a call's end
 *               cause (also a MESSAGE's or OPTIONS' code)
 *
 * @return Code, never NULL
 */
const char *codes_status(uint16_t status, bool reg)
{
	const char *code = find(statuses, ARRAY_SIZE(statuses), status, reg);

	if (code)
		return code;
	else if (!reg && status >= 300 && status < 400)
		return CODE_REDIRECTED;
	else if (!reg && status >= 500 && status < 600)
		return CODE_SERVER_ERROR;

	return CODE_REJECTED;
}


/**
 * The error code of a command that failed with an errno
 *
 * @param err Error code (errno)
 *
 * @return Error code, never NULL
 */
const char *codes_errno(int err)
{
	const char *code = find(errnos, ARRAY_SIZE(errnos), err, false);

	return code ? code : CODE_INTERNAL;
}


/**
 * The reason phrase of a status we send (RFC 3261 21)
 *
 * @param status SIP status (>= 300) of a call we reject
 *
 * @return Reason phrase, never NULL
 */
const char *codes_reason(uint16_t status)
{
	switch (status) {

	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 480: return "Temporarily Unavailable";
	case 486: return "Busy Here";
	case 488: return "Not Acceptable Here";
	case 600: return "Busy Everywhere";
	case 603: return "Decline";
	default:  return "Rejected";
	}
}
