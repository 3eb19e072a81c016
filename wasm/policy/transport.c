/**
 * @file transport.c  Transport policy: signalling only over wss://
 *
 * The server URL is parsed here, in C, before any socket exists.  Only
 * "wss://host[:port][/path]" passes (RFC 7118 section 4; RFC 6455 section
 * 3).  A known insecure or non-WebSocket scheme (ws, http, https, sip,
 * sips, tcp, udp, tls) is EPROTONOSUPPORT ("insecure-transport"); anything
 * malformed is EINVAL ("invalid-config").  The reason string says what
 * the URL must be, one short sentence for every way of being malformed
 * (each a message of its own cost 0.25 KB of the page core), and never
 * echoes the URL (it may carry credentials).
 *
 * A phone may have several servers, one URL after another separated by
 * single spaces (policy_servers_check): each must pass.
 */
#include <string.h>
#include <ctype.h>
#include <re.h>
#include "policy.h"


static void slice(struct pl *pl, const char *p, size_t n)
{
	pl->p = p;
	pl->l = n;
}


static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}


static bool scheme_is(const struct pl *scheme, const char *name)
{
	return 0 == pl_strcasecmp(scheme, name);
}


/**
 * Check a signalling server URL against the transport policy
 *
 * @param url    Parsed URL on success (slices into @p str); may be NULL
 * @param str    The URL as configured
 * @param reason Set to a human-readable reason on failure; may be NULL
 *
 * @return 0 if allowed, EPROTONOSUPPORT if insecure, EINVAL if malformed
 */
int policy_transport_check(struct policy_url *url, const char *str,
			   const char **reason)
{
	static const char *insecure[] = {
		"ws", "http", "https", "sip", "sips", "tcp", "udp", "tls"
	};
	struct policy_url u;
	struct pl scheme;
	const char *p, *end;
	const char *r = "server must be wss://host[:port][/path], no user"
		" info or fragment";
	size_t n, i;
	int err = EINVAL;

	if (!str)
		goto out;

	n = strlen(str);
	if (n == 0 || n > POLICY_URL_MAX)
		goto out;

	for (i = 0; i < n; ++i) {
		if ((unsigned char)str[i] <= 0x20 || str[i] == 0x7f)
			goto out;
	}

	p = strchr(str, ':');
	if (!p || p == str)
		goto out;

	slice(&scheme, str, p - str);
	for (i = 0; i < scheme.l; ++i) {
		if (!isalpha((unsigned char)scheme.p[i]))
			goto out;
	}

	if (!scheme_is(&scheme, "wss")) {
		for (i = 0; i < ARRAY_SIZE(insecure); ++i) {
			if (scheme_is(&scheme, insecure[i])) {
				err = EPROTONOSUPPORT;
				r = "only wss:// signalling is allowed";
				goto out;
			}
		}
		goto out;
	}

	if (strncmp(p, "://", 3))
		goto out;
	p += 3;

	memset(&u, 0, sizeof(u));
	end = p + strcspn(p, "/?#");

	if (memchr(p, '@', end - p))
		goto out;

	if (*p == '[') {
		const char *rb = memchr(p, ']', end - p);

		if (!rb || rb == p + 1)
			goto out;
		for (i = 1; p + i < rb; ++i) {
			if (!isxdigit((unsigned char)p[i]) && p[i] != ':'
			    && p[i] != '.')
				goto out;
		}
		slice(&u.host, p + 1, rb - p - 1);
		p = rb + 1;
	}
	else {
		const char *h = p;

		while (p < end && host_char(*p))
			++p;
		slice(&u.host, h, p - h);
	}

	if (!u.host.l || u.host.l > 253)
		goto out;

	if (p < end && *p == ':') {
		uint32_t port = 0;

		++p;
		if (p == end || end - p > 5)
			goto out;
		for (; p < end; ++p) {
			if (!isdigit((unsigned char)*p))
				goto out;
			port = port * 10 + (uint32_t)(*p - '0');
		}
		if (port == 0 || port > 65535)
			goto out;
		u.port = (uint16_t)port;
	}

	if (p != end || *p == '#')
		goto out;

	if (*p)
		pl_set_str(&u.path, p);
	else
		pl_set_str(&u.path, "/");

	if (url)
		*url = u;
	err = 0;

 out:
	if (reason)
		*reason = err ? r : NULL;

	return err;
}


/**
 * Check a phone's servers: one URL, or several separated by single spaces
 * (the flow moves down the list when one is lost: wasm/transport/flow.c),
 * each allowed by policy_transport_check()
 *
 * @param list   The servers as configured
 * @param reason Set to a human-readable reason on failure; may be NULL
 *
 * @return 0 if all are allowed, EPROTONOSUPPORT if one is insecure, EINVAL
 *         if one is malformed (an empty one included)
 */
int policy_servers_check(const char *list, const char **reason)
{
	/* a URL longer than POLICY_URL_MAX is copied one byte too long,
	 * which policy_transport_check() refuses */
	char url[POLICY_URL_MAX + 2];
	size_t n;
	int err;

	if (!list)
		return policy_transport_check(NULL, NULL, reason);

	do {
		n = strcspn(list, " ");
		str_ncpy(url, list, min(n + 1, sizeof(url)));
		err = policy_transport_check(NULL, url, reason);
		list += n;
	} while (!err && *list++);

	return err;
}
