/**
 * @file heap.c  malloc for the wasm core: power-of-two size classes
 *
 * Replaces Emscripten's emmalloc (the wasm builds link with
 * -sMALLOC=none): a page downloads about 1 KB less.  A block is a power
 * of two from 16 bytes up; its first 8 bytes name its class and the rest
 * is the caller's.  A freed block goes on its class's free list and the
 * next allocation of that class takes it.  New blocks come from the end
 * of the heap (memory.grow) and memory is never given back, so the heap
 * is bounded by the peak use of each class, at most twice what is asked.
 * What a phone allocates is small and short-lived (SIP messages, frames
 * of at most 64 KiB), and one free list per class is all it needs.
 *
 * Blocks are 8-byte aligned, as max_align_t is in wasm32 (the heap base
 * is 16-aligned and every block a multiple of 16).  Native builds (unit
 * tests, fuzzing) keep the C library's malloc under the sanitizers.
 */
#ifdef __EMSCRIPTEN__

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <emscripten/emmalloc.h>


enum {
	MIN_SHIFT = 4,          /* the smallest block: 16 bytes       */
	CLASSES   = 28,         /* up to 2^31 bytes                   */
	HDR       = 8,          /* the class, then the caller's bytes */
	PAGE      = 65536,
};

#define ALLOC_MAX ((size_t)1 << 30)

/* The linker's end of static data: the heap starts there */
extern unsigned char __heap_base;

static void *freel[CLASSES];
static uintptr_t heap_end = (uintptr_t)&__heap_base;


/* The class of a block that holds @p n bytes and the header */
static unsigned block_class(size_t n)
{
	unsigned c = 0;

	while (((size_t)1 << (c + MIN_SHIFT)) < n + HDR)
		++c;

	return c;
}


/* @p size more bytes at the end of the heap, growing the memory */
static void *heap_grow(size_t size)
{
	uint64_t end = (uint64_t)heap_end + size;
	uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * PAGE;
	void *p;

	if (end > have &&
	    __builtin_wasm_memory_grow(0, (size_t)((end - have + PAGE - 1) /
						   PAGE)) == (size_t)-1)
		return NULL;

	p = (void *)heap_end;
	heap_end = (uintptr_t)end;

	return p;
}


void *malloc(size_t n)
{
	unsigned c;
	uint8_t *b;

	if (n > ALLOC_MAX)
		return NULL;

	c = block_class(n);
	b = freel[c];
	if (b)
		memcpy(&freel[c], b + HDR, sizeof(void *));
	else
		b = heap_grow((size_t)1 << (c + MIN_SHIFT));
	if (!b)
		return NULL;

	*(uint32_t *)(void *)b = c;

	return b + HDR;
}


void free(void *p)
{
	uint8_t *b;
	uint32_t c;

	if (!p)
		return;

	b = (uint8_t *)p - HDR;
	c = *(uint32_t *)(void *)b;
	memcpy(p, &freel[c], sizeof(void *));
	freel[c] = b;
}


/* Grows in place up to the block's size, else moves */
void *realloc(void *p, size_t n)
{
	size_t cap;
	void *q;

	if (!p)
		return malloc(n);

	cap = ((size_t)1 << (*(uint32_t *)(void *)((uint8_t *)p - HDR) +
			     MIN_SHIFT)) - HDR;
	if (n <= cap)
		return p;

	q = malloc(n);
	if (!q)
		return NULL;

	memcpy(q, p, cap);
	free(p);

	return q;
}


void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > ALLOC_MAX / size)
		return NULL;

	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);

	return p;
}


/* Emscripten's runtime (the debug build's JS glue) allocates through
 * these names */
void *emscripten_builtin_malloc(size_t n)
{
	return malloc(n);
}


void emscripten_builtin_free(void *p)
{
	free(p);
}

#endif
