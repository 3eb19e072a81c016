/**
 * @file string.c  Byte-at-a-time strlen, strchr and memchr for the wasm core
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

#endif
