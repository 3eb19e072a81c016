/**
 * @file oom_canary.c  Bugs the out-of-memory mode must catch (oom.c)
 *
 * Each canary is wrong in one way when an allocation fails: it leaks,
 * dereferences NULL, trips UBSan, leaves a timer running, or leaks in a
 * vector of a walk; one fails with nothing failing.  test-c --oom runs
 * them after the tests and passes each only if the mode reports it for
 * that reason, as tests/node/ccheck.test.js proves the style check's
 * rules fire.  They are not in the test table: run normally, the ones
 * that leak or crash only do so when an allocation fails.
 */
#include <limits.h>
#include <re.h>
#include "test.h"


int oom_canary_leak(void)
{
	void *a, *b;

	a = mem_alloc(8, NULL);
	if (!a)
		return ENOMEM;

	b = mem_alloc(8, NULL);
	if (!b)
		return ENOMEM;  /* a is left */

	mem_deref(b);
	mem_deref(a);

	return 0;
}


int oom_canary_null(void)
{
	char *a, *b;

	a = mem_alloc(8, NULL);
	if (!a)
		return ENOMEM;

	b = mem_alloc(8, NULL);
	b[0] = 'x';  /* not checked */
	a[0] = b[0];

	mem_deref(b);
	mem_deref(a);

	return 0;
}


int oom_canary_ubsan(void)
{
	volatile int big = INT_MAX;
	void *a;
	int n;

	a = mem_alloc(8, NULL);
	n = big + (a ? 0 : 1);  /* overflows when the allocation failed */
	mem_deref(a);

	return n == INT_MAX ? 0 : EINVAL;
}


static struct tmr canary_tmr;


static void canary_th(void *arg)
{
	(void)arg;
}


int oom_canary_timer(void)
{
	void *a;

	tmr_start(&canary_tmr, 1000, canary_th, NULL);

	a = mem_alloc(8, NULL);
	if (!a)
		return ENOMEM;  /* the timer is left running */

	tmr_cancel(&canary_tmr);
	mem_deref(a);

	return 0;
}


static int vector_leak(const char *dir, const char *name, void *arg)
{
	void *a, *b;
	(void)dir;
	(void)name;
	(void)arg;

	a = mem_alloc(8, NULL);
	if (!a)
		return ENOMEM;

	b = mem_alloc(8, NULL);
	if (!b)
		return ENOMEM;  /* a is left */

	mem_deref(b);
	mem_deref(a);

	return 0;
}


int oom_canary_vector(void)
{
	return test_vectors_each("digest", ".digest", vector_leak, NULL);
}


int oom_canary_fails(void)
{
	return EINVAL;
}
