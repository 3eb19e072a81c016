/**
 * @file policy.h  Security policy: what the core lets through
 *
 * Pure functions: input in, verdict out; no I/O, no state.
 */

enum { POLICY_URL_MAX = 1024 };

/** A wss:// server URL, split; slices point into the checked string */
struct policy_url {
	struct pl host;    /* without brackets for IPv6 literals */
	uint16_t port;     /* 0 if absent (443 implied)          */
	struct pl path;    /* "/" if absent                      */
};

int policy_transport_check(struct policy_url *url, const char *str,
			   const char **reason);
