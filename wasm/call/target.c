/**
 * @file target.c  What the app dialled -> a call's Request-URI
 *
 * A sip:/sips: URI as given, or a bare user name in the phone's domain;
 * nothing that could end the Request-URI or the To header early passes.
 */
#include <string.h>
#include <re.h>
#include "policy.h"
#include "flow.h"
#include "call.h"


enum {
	TARGET_MAX = 512,
};


/* Printable ASCII without space, quotes or angle brackets: nothing that
 * could end the Request-URI or the To header early */
static bool uri_chars_ok(const char *s)
{
	for (; *s; ++s) {
		if (*s <= ' ' || *s >= 0x7f || *s == '"' || *s == '<' ||
		    *s == '>' || *s == '\\')
			return false;
	}

	return true;
}


/**
 * A request target: a sip:/sips: URI as given, or a bare user name in
 * the domain of @p aor.  Nothing that could end a header early passes.
 *
 * @param targetp Returns the URI (mem_deref it)
 * @param aor     The phone's address of record
 * @param target  What the app gave
 *
 * @return 0 if success, EINVAL if not a usable target
 */
int call_target(char **targetp, const char *aor, const char *target)
{
	struct pl pl;
	struct uri uri;
	size_t len = target ? strlen(target) : 0;

	if (!len || len > TARGET_MAX || !uri_chars_ok(target))
		return EINVAL;

	if (!strncasecmp(target, "sip:", 4) ||
	    !strncasecmp(target, "sips:", 5)) {
		pl_set_str(&pl, target);
		if (uri_decode(&uri, &pl) || !pl_isset(&uri.host))
			return EINVAL;

		return str_dup(targetp, target);
	}

	/* a user name: no scheme, no host of its own */
	if (strchr(target, ':') || strchr(target, '@'))
		return EINVAL;

	pl_set_str(&pl, aor);
	if (uri_decode(&uri, &pl))
		return EINVAL;

	return re_sdprintf(targetp, "sip:%s@%r", target, &uri.host);
}
