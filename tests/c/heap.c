/**
 * @file heap.c  The wasm core's malloc (wasm/heap/heap.c)
 *
 * Natively the C library's malloc runs these under ASan; the block reuse
 * and size-class checks hold only for the core's own allocator (wasm).
 */
#include <stdlib.h>
#include <stdint.h>
#include <re.h>
#include "test.h"


#ifdef __EMSCRIPTEN__
static void *volatile sink;
#endif


int test_heap_alloc(void)
{
	static const size_t sizes[] = {0, 1, 7, 8, 9, 24, 100, 1000, 4096,
				       65536, 200000};
	uint8_t *p[ARRAY_SIZE(sizes)] = {NULL};
	uint8_t *q = NULL, *r;
	size_t i, j;
	int err = 0;

	/* every size: 8-byte aligned, writable, independent */
	for (i = 0; i < ARRAY_SIZE(sizes); ++i) {
		p[i] = malloc(sizes[i]);
		TEST_ASSERT(p[i] != NULL);
		TEST_EQUALS(0, (int)((uintptr_t)p[i] % 8));
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); ++i) {
		for (j = 0; j < sizes[i]; ++j)
			TEST_EQUALS((int)i + 1, p[i][j]);
	}

	/* realloc keeps the bytes, growing and shrinking */
	q = malloc(10);
	TEST_ASSERT(q != NULL);
	memcpy(q, "0123456789", 10);
	r = realloc(q, 5000);
	TEST_ASSERT(r != NULL);
	q = r;
	TEST_ASSERT(!memcmp(q, "0123456789", 10));
	r = realloc(q, 4);
	TEST_ASSERT(r != NULL);
	q = r;
	TEST_ASSERT(!memcmp(q, "0123", 4));

	/* calloc zeroes a reused block; an overflowing count is refused */
	free(p[6]);
	p[6] = calloc(25, 4);
	TEST_ASSERT(p[6] != NULL);
	for (j = 0; j < 100; ++j)
		TEST_EQUALS(0, p[6][j]);

#ifdef __EMSCRIPTEN__
	/* (the results escape: the compiler drops an unused allocation and
	 * takes it for non-NULL) */
	sink = calloc(SIZE_MAX / 2, 4);
	TEST_ASSERT(sink == NULL);

	/* a freed block is the next one of its class */
	r = p[7];
	free(p[7]);
	p[7] = malloc(900);
	TEST_ASSERT(p[7] == r);

	/* realloc within the block's size stays in place */
	TEST_ASSERT(realloc(p[7], 1000) == p[7]);

	/* more than the allocator serves: NULL, and it goes on */
	sink = malloc(SIZE_MAX / 2 + 1);
	TEST_ASSERT(sink == NULL);
	r = malloc(64);
	TEST_ASSERT(r != NULL);
	free(r);
#endif

 out:
	for (i = 0; i < ARRAY_SIZE(sizes); ++i)
		free(p[i]);
	free(q);

	return err;
}
