/**
 * @file clock.c  The clock of the native unit tests, which jumps on demand
 *
 * libre reads the time with gettimeofday() (tmr/tmr.c: tmr_jiffies, the
 * only caller in the test binary), and tools/core.mk wraps it natively.
 * A test that waits for the core's timers (the retry after a lost flow, a
 * credential coming near its expiry) moves the clock on instead of
 * spinning for a second of real time, so the native suite and its
 * out-of-memory runs (oom.c), which repeat each test hundreds of times, do
 * not wait.  In wasm the clock is the real one, and those tests spin.
 */
#include <sys/time.h>
#include <re.h>
#include "abi.h"
#include "test.h"


#ifndef __EMSCRIPTEN__

static uint64_t skipped_ms;


int __real_gettimeofday(struct timeval *tv, void *tz);
int __wrap_gettimeofday(struct timeval *tv, void *tz);


int __wrap_gettimeofday(struct timeval *tv, void *tz)
{
	const int r = __real_gettimeofday(tv, tz);

	if (r == 0 && tv) {
		tv->tv_sec  += (time_t)(skipped_ms / 1000);
		tv->tv_usec += (suseconds_t)(skipped_ms % 1000) * 1000;
		if (tv->tv_usec >= 1000000) {
			tv->tv_usec -= 1000000;
			++tv->tv_sec;
		}
	}

	return r;
}


/**
 * Move the clock @p ms ahead (libre's timers see the time pass)
 *
 * @param ms Milliseconds
 */
void test_clock_skip(unsigned ms)
{
	skipped_ms += ms;
}


#else


void test_clock_skip(unsigned ms)
{
	(void)ms;
}


#endif


/**
 * Run the core's timers until @p done, for at most @p ms of test clock
 *
 * @return The last answer of @p done
 */
bool test_wait_for(int ms, bool (*done)(void))
{
	uint64_t until = tmr_jiffies() + (uint64_t)ms;

	while (tmr_jiffies() < until) {
		(void)sp_tick(0);
		if (done())
			return true;
		test_clock_skip(1);
	}

	return done();
}
