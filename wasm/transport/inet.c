/**
 * @file inet.c  inet_ntop() without printf, for the wasm build
 *
 * libre formats addresses (%J, only the placeholder ever) through
 * inet_ntop(); Emscripten's libc implements it with snprintf, which pulls
 * the whole printf machinery (~9 KB of wasm) into a module that has no
 * other use for it.  RFC 5952 text form: lowercase hex, the longest run
 * of two or more zero groups shortened to "::".
 */
#ifdef __EMSCRIPTEN__
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <arpa/inet.h>


static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);

	return p;
}


static char *put_hex(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	int shift, started = 0;

	for (shift = 12; shift >= 0; shift -= 4) {
		unsigned d = (v >> shift) & 0xf;

		if (d || started || shift == 0) {
			*p++ = hex[d];
			started = 1;
		}
	}

	return p;
}


const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
		      socklen_t size)
{
	const unsigned char *a = src;
	char buf[48], *p = buf;
	int i, best = -1, bestlen = 0;

	if (af == AF_INET) {
		for (i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			p = put_dec(p, a[i]);
		}
	}
	else if (af == AF_INET6) {
		unsigned w[8];

		for (i = 0; i < 8; i++)
			w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];

		for (i = 0; i < 8; i++) {
			int j = i;

			while (j < 8 && !w[j])
				++j;
			if (j - i > bestlen && j - i >= 2) {
				best = i;
				bestlen = j - i;
			}
			if (j > i)
				i = j - 1;
		}

		for (i = 0; i < 8; i++) {
			if (i == best) {
				*p++ = ':';
				*p++ = ':';
				i += bestlen - 1;
				continue;
			}
			if (i && p[-1] != ':')
				*p++ = ':';
			p = put_hex(p, w[i]);
		}
	}
	else {
		errno = EAFNOSUPPORT;
		return 0;
	}

	*p = '\0';
	if ((size_t)(p - buf) >= size) {
		errno = ENOSPC;
		return 0;
	}
	memcpy(dst, buf, (size_t)(p - buf) + 1);

	return dst;
}
#endif
