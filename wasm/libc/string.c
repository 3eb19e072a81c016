/**
 * @file string.c  Byte-at-a-time string functions for the wasm core
 *
 * Emscripten's C library has musl's word-at-a-time versions, which read
 * a word per step to be fast on long strings; here strings are headers,
 * tokens and SDP lines, and the simple loops are about 0.5 KB smaller.
 * Native builds (unit tests, fuzzing) keep the C library's.  no_builtin
 * keeps the compiler from turning a loop back into a call to itself.
 */
#ifdef __EMSCRIPTEN__

#include <stddef.h>
#include <string.h>


__attribute__((no_builtin("strlen")))
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		++p;

	return (size_t)(p - s);
}


__attribute__((no_builtin("strchr")))
char *strchr(const char *s, int c)
{
	for (;; ++s) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}


__attribute__((no_builtin("memchr")))
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; --n, ++p) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}

	return NULL;
}


__attribute__((no_builtin("strcpy")))
char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;

	return dst;
}


/* C11 7.24.2.4: at most n bytes; pads with NUL up to n */
__attribute__((no_builtin("strncpy")))
char *strncpy(char *dst, const char *src, size_t n)
{
	char *d = dst;

	for (; n && *src; --n)
		*d++ = *src++;
	for (; n; --n)
		*d++ = '\0';

	return dst;
}


__attribute__((no_builtin("strcspn")))
size_t strcspn(const char *s, const char *reject)
{
	const char *p = s;

	while (*p && !strchr(reject, *p))
		++p;

	return (size_t)(p - s);
}


/* strcmp and strcasecmp are their n-forms without a limit: one loop for
 * each pair instead of musl's two */
__attribute__((no_builtin("strcmp")))
int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}


int strcasecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, (size_t)-1);
}

#endif
