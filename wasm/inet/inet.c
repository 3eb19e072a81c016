/**
 * @file inet.c  IP address text forms, without printf or locale
 *
 * inet_parse4() and inet_parse6() read the text forms (RFC 3986 3.2.2
 * dec-octet, RFC 4291 2.2); the SDP policy, the URI decoder of
 * wasm/fastparse and inet_pton() share them.  A leaf module: it calls
 * the C library only.
 *
 * The wasm build also gets inet_pton() and inet_ntop() from here: libre
 * formats and reads addresses (%J, sa_set_str: only the placeholders
 * ever) through them, Emscripten's libc implements inet_ntop() with
 * snprintf, which pulls the whole printf machinery (~9 KB of wasm) into a
 * module that has no other use for it, and its inet_pton() is a second
 * parser.  inet_ntop() writes the RFC 5952 form: lowercase hex, the
 * longest run of two or more zero groups shortened to "::".
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "inet.h"


/* Dotted decimal, no leading zeros (RFC 3986 3.2.2 dec-octet) */
bool inet_parse4(uint8_t b[4], const char *p, size_t n)
{
	size_t i = 0;
	int k;

	for (k = 0; k < 4; ++k) {
		unsigned v = 0;
		size_t d = 0;

		if (k) {
			if (i >= n || p[i] != '.')
				return false;
			++i;
		}

		while (i < n && p[i] >= '0' && p[i] <= '9' && d < 4) {
			v = v * 10 + (unsigned)(p[i] - '0');
			++i;
			++d;
		}

		if (d == 0 || d > 3 || v > 255 ||
		    (d > 1 && p[i - d] == '0'))
			return false;

		b[k] = (uint8_t)v;
	}

	return i == n;
}



static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';

	c |= 0x20;

	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/* RFC 4291 2.2 text forms, with an IPv4 tail; no zone */
bool inet_parse6(uint8_t b[16], const char *p, size_t n)
{
	uint16_t w[8];
	int nw = 0, gap = -1, k;
	size_t i = 0;

	if (n < 2 || n > 45)
		return false;

	if (p[0] == ':') {
		if (p[1] != ':')
			return false;
		gap = 0;
		i = 2;
	}

	while (i < n) {
		size_t j = i;
		unsigned v = 0;

		while (j < n && j - i < 5 && hexval(p[j]) >= 0) {
			v = v * 16 + (unsigned)hexval(p[j]);
			++j;
		}

		if (j < n && p[j] == '.') {
			uint8_t v4[4];

			if (nw > 6 || !inet_parse4(v4, p + i, n - i))
				return false;
			w[nw++] = (uint16_t)(v4[0] << 8 | v4[1]);
			w[nw++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = n;
			break;
		}

		if (j == i || j - i > 4 || nw == 8)
			return false;

		w[nw++] = (uint16_t)v;
		i = j;
		if (i == n)
			break;

		if (p[i] != ':' || i + 1 == n)
			return false;
		++i;

		if (p[i] == ':') {
			if (gap >= 0)
				return false;
			gap = nw;
			++i;
		}
	}

	if (gap < 0 ? nw != 8 : nw > 7)
		return false;

	memset(b, 0, 16);
	for (k = 0; k < nw; ++k) {
		int at = (gap >= 0 && k >= gap) ? 8 - nw + k : k;

		b[2 * at]     = (uint8_t)(w[k] >> 8);
		b[2 * at + 1] = (uint8_t)w[k];
	}

	return true;
}



#ifdef __EMSCRIPTEN__
#include <errno.h>
#include <sys/socket.h>
#include <arpa/inet.h>


int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	if (af == AF_INET)
		return inet_parse4(dst, src, strlen(src));

	if (af == AF_INET6)
		return inet_parse6(dst, src, strlen(src));

	errno = EAFNOSUPPORT;

	return -1;
}


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
		for (i = 0; i < 4; ++i) {
			if (i)
				*p++ = '.';
			p = put_dec(p, a[i]);
		}
	}
	else if (af == AF_INET6) {
		unsigned w[8];

		for (i = 0; i < 8; ++i)
			w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];

		for (i = 0; i < 8; ++i) {
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

		for (i = 0; i < 8; ++i) {
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
