/**
 * @file fake_spjs.c  The JS imports, faked for the C unit tests
 *
 * Records what the core asked of the shim (sockets opened, messages sent,
 * events emitted) so tests can assert on it and answer with sp_ws_rx().
 */
#include <stdlib.h>
#include <re.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#include <sys/random.h>
#endif
#include "spjs.h"
#include "test.h"


struct fake_spjs fake_spjs;


void fake_spjs_reset(void)
{
	memset(&fake_spjs, 0, sizeof(fake_spjs));
}


static void copy(char *dst, size_t sz, const void *src, size_t len)
{
	if (len >= sz)
		len = sz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}


void spjs_emit(const char *json, size_t len)
{
	copy(fake_spjs.events[fake_spjs.nevents % 64], 1024, json, len);
	++fake_spjs.nevents;
}


int spjs_ws_open(int conn, int owner, const char *url, size_t len)
{
	if (fake_spjs.open_err)
		return fake_spjs.open_err;

	(void)owner;
	++fake_spjs.opens;
	fake_spjs.last_conn = conn;
	copy(fake_spjs.url, sizeof(fake_spjs.url), url, len);

	return 0;
}


int spjs_ws_send(int conn, const uint8_t *buf, size_t len)
{
	(void)conn;

	copy(fake_spjs.sent[fake_spjs.nsent % 16], sizeof(fake_spjs.sent[0]),
	     buf, len);
	++fake_spjs.nsent;

	/* SIPSHIELD_TEST_WIRE=1 shows what the core sends on stderr */
	if (getenv("SIPSHIELD_TEST_WIRE"))
		(void)fprintf(stderr, "sent: %.*s\n", (int)len,
			      (const char *)buf);

	return 0;
}


void spjs_ws_close(int conn, int code)
{
	(void)conn;
	(void)code;

	++fake_spjs.closes;
}


void spjs_random(uint8_t *buf, size_t len)
{
#ifdef __EMSCRIPTEN__
	/* node: crypto.getRandomValues, at most 65536 bytes a call */
	EM_ASM({
		const v = HEAPU8.subarray($0, $0 + $1);
		for (let i = 0; i < v.length; i += 65536)
			crypto.getRandomValues(v.subarray(i, i + 65536));
	}, buf, len);
#else
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n <= 0)
			abort();
		buf += n;
		len -= (size_t)n;
	}
#endif
}


/* Kept as "<level> <text>\n" lines; SIPSHIELD_TEST_LOG=1 shows them on
 * stderr */
void spjs_log(int level, const char *msg, size_t len)
{
	const size_t room = sizeof(fake_spjs.log) - fake_spjs.loglen;
	int n;

	n = snprintf(fake_spjs.log + fake_spjs.loglen, room, "%d %.*s\n",
		     level, (int)len, msg);
	if (n > 0)
		fake_spjs.loglen += min((size_t)n, room ? room - 1 : 0);

	if (getenv("SIPSHIELD_TEST_LOG"))
		(void)fprintf(stderr, "log%d: %.*s\n", level, (int)len, msg);
}


/** The newest emitted message that starts with @p prefix, or NULL */
const char *fake_spjs_event(const char *prefix)
{
	int i;

	for (i = fake_spjs.nevents - 1; i >= 0 && i >= fake_spjs.nevents - 64;
	     i--) {
		const char *ev = fake_spjs.events[i % 64];

		if (!strncmp(ev, prefix, strlen(prefix)))
			return ev;
	}

	return NULL;
}


/** How many of the last 64 emitted messages contain @p needle */
int fake_spjs_count(const char *needle)
{
	int i, n = 0;

	for (i = 0; i < fake_spjs.nevents && i < 64; ++i) {
		if (strstr(fake_spjs.events[i], needle))
			++n;
	}

	return n;
}


/** The i-th sent SIP message (0 = first of the last 16), or "" */
const char *fake_spjs_sent(int i)
{
	if (i < 0 || i >= fake_spjs.nsent || i < fake_spjs.nsent - 16)
		return "";

	return fake_spjs.sent[i % 16];
}
