/**
 * @file policy.c  Tests of the transport policy (wss:// only)
 */
#include <re.h>
#include "policy.h"
#include "test.h"


int test_policy_transport(void)
{
	static const struct {
		const char *url;
		int err;
		const char *host;
		uint16_t port;
		const char *path;
	} v[] = {
		{"wss://sip.example.com/ws",   0, "sip.example.com", 0, "/ws"},
		{"wss://127.0.0.1:8443",       0, "127.0.0.1", 8443, "/"},
		{"WSS://Example.COM:443/a?b",  0, "Example.COM", 443, "/a?b"},
		{"wss://[::1]:7443/sip",       0, "::1", 7443, "/sip"},
		{"ws://sip.example.com/ws",    EPROTONOSUPPORT, 0, 0, 0},
		{"WS://sip.example.com",       EPROTONOSUPPORT, 0, 0, 0},
		{"http://sip.example.com",     EPROTONOSUPPORT, 0, 0, 0},
		{"https://sip.example.com",    EPROTONOSUPPORT, 0, 0, 0},
		{"sip:alice@example.com",      EPROTONOSUPPORT, 0, 0, 0},
		{"sips:example.com",           EPROTONOSUPPORT, 0, 0, 0},
		{"udp://1.2.3.4",              EPROTONOSUPPORT, 0, 0, 0},
		{"wss://",                     EINVAL, 0, 0, 0},
		{"wss:///path",                EINVAL, 0, 0, 0},
		{"wss:example.com",            EINVAL, 0, 0, 0},
		{"wss://user:pw@example.com",  EINVAL, 0, 0, 0},
		{"wss://example.com:0",        EINVAL, 0, 0, 0},
		{"wss://example.com:65536",    EINVAL, 0, 0, 0},
		{"wss://example.com:12a",      EINVAL, 0, 0, 0},
		{"wss://example.com:",         EINVAL, 0, 0, 0},
		{"wss://exa mple.com",         EINVAL, 0, 0, 0},
		{"wss://example.com#frag",     EINVAL, 0, 0, 0},
		{"wss://[::1",                 EINVAL, 0, 0, 0},
		{"wss://[]",                   EINVAL, 0, 0, 0},
		{"wss://ex%41mple.com",        EINVAL, 0, 0, 0},
		{"example.com",                EINVAL, 0, 0, 0},
		{"",                           EINVAL, 0, 0, 0},
		{"javascript:alert(1)",        EINVAL, 0, 0, 0},
		{"wss://exam\nple.com",        EINVAL, 0, 0, 0},
	};
	struct policy_url u;
	const char *reason;
	char long_url[1100];
	char list[1100];
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {
		int e = policy_transport_check(&u, v[i].url, &reason);

		if (e != v[i].err) {
			(void)fprintf(stderr, "url %zu: expected %d got %d\n",
				      i, v[i].err, e);
			err = EINVAL;
			goto out;
		}
		if (e) {
			TEST_ASSERT(reason != NULL);
			TEST_ASSERT(strstr(reason, "wss") ||
				    strstr(reason, "URL"));
			continue;
		}
		TEST_ASSERT(0 == pl_strcmp(&u.host, v[i].host));
		TEST_EQUALS(v[i].port, u.port);
		TEST_ASSERT(0 == pl_strcmp(&u.path, v[i].path));
	}

	/* the reason never echoes the URL: it may carry a secret */
	err = policy_transport_check(&u, "wss://alice:s3cr3t@x.example",
				     &reason);
	TEST_EQUALS(EINVAL, err);
	TEST_ASSERT(!strstr(reason, "s3cr3t"));

	TEST_EQUALS(EINVAL, policy_transport_check(&u, NULL, &reason));

	memset(long_url, 'a', sizeof(long_url) - 1);
	long_url[sizeof(long_url) - 1] = '\0';
	memcpy(long_url, "wss://", 6);
	TEST_EQUALS(EINVAL, policy_transport_check(&u, long_url, NULL));

	/* a phone's servers: each must pass, separated by single spaces */
	TEST_ERR(policy_servers_check("wss://a.example/ws", NULL));
	TEST_ERR(policy_servers_check("wss://a.example/ws"
				      " wss://b.example:8443/ws", NULL));
	TEST_EQUALS(EPROTONOSUPPORT, policy_servers_check(
			    "wss://a.example/ws ws://b.example/ws", &reason));
	TEST_ASSERT(strstr(reason, "wss"));
	TEST_EQUALS(EINVAL, policy_servers_check("wss://a.example/ws"
						 "  wss://b.example", NULL));
	TEST_EQUALS(EINVAL, policy_servers_check("wss://a.example ", NULL));
	TEST_EQUALS(EINVAL, policy_servers_check(" wss://a.example", NULL));
	TEST_EQUALS(EINVAL, policy_servers_check("", NULL));
	TEST_EQUALS(EINVAL, policy_servers_check(NULL, &reason));
	TEST_EQUALS(EINVAL, policy_servers_check("wss://x:1@a.example"
						 " wss://b.example", &reason));
	TEST_ASSERT(!strstr(reason, "x:1"));
	/* one a byte too long, first or last: refused, not cut to a
	 * valid one (wss://a.example/aaa..., 1025 bytes) */
	memset(list, 'a', sizeof(list));
	memcpy(list, "wss://b.example/ wss://a.example/", 33);
	memcpy(list + 17 + POLICY_URL_MAX + 1, " wss://c.example", 17);
	TEST_EQUALS(EINVAL, policy_servers_check(list + 17, NULL));
	list[17 + POLICY_URL_MAX + 1] = '\0';
	TEST_EQUALS(EINVAL, policy_servers_check(list, NULL));
	list[17 + POLICY_URL_MAX] = '\0';
	TEST_ERR(policy_servers_check(list, NULL));
	err = 0;

 out:
	return err;
}
