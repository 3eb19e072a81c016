/**
 * @file oom.c  Out-of-memory mode of the native C unit tests (test-c --oom)
 *
 * A test is run again and again with allocation N failing, N = 1, 2, ...,
 * until a run makes fewer than N allocations and passes (libre's test
 * runner does the same with a threshold of blocks in use: testcase_oom).
 * Exactly one allocation fails in a run; the code goes on after it.
 *
 * Every allocation the native test binary makes comes through here:
 * tools/core.mk links it with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc,--wrap=free, so the calls in libre (mem.c's mem_alloc,
 * mem_zalloc and mem_realloc), in mbedTLS (mbedtls_calloc is calloc: no
 * MBEDTLS_PLATFORM_MEMORY), in the core (sp_malloc; wasm/heap/ is the
 * wasm builds' malloc only) and in the tests reach the wrappers below.
 * The C library's own (fopen, opendir) do not, and are never failed.
 * Release and wasm builds are not wrapped; in wasm the mode is refused.
 *
 * A run where the allocation failed may end in any error: the code under
 * test returned ENOMEM and the test saw it, directly or as an assertion
 * that no longer holds.  It is a bug if the run crashes or trips ASan or
 * UBSan, if blocks stay allocated after the core is closed (the wrappers
 * count malloc against free, reachable or not; LeakSanitizer then names
 * what is unreachable), if timers are left running, or if a run where
 * nothing failed does not pass.  Each test runs in a child process, so a
 * crash is reported with the allocation that caused it and the next test
 * goes on; the child's stderr goes to a file, shown only for a bug
 * (expected failures print their assertions by the thousand).
 *
 * Vector walks (test_vectors_each) would make that quadratic: the run
 * failing allocation N repeats the N - 1 before it, over every file.  So
 * each vector gets its own runs, once per test, in a process of its own
 * (a run's side effects on the walk's counters die with it), and the
 * walk itself then runs with injection paused: the test's numbering
 * counts only the allocations outside its walks.
 */
#include <stdlib.h>
#include <string.h>
#ifndef __EMSCRIPTEN__
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif
#include <re.h>
#include "test.h"


enum {
	OOM_SECONDS = 120,    /* one test, all its runs: then it is a hang */
	OOM_VECTORS = 1024,   /* vectors one test's walks can tell apart   */
};


#ifndef __EMSCRIPTEN__

/* What the runner, the test's process and a vector's share */
struct shared {
	uint64_t max;           /* runs of the test, and of each vector  */
	volatile uint64_t n;    /* the allocation failing in this run    */
	volatile uint64_t vn;   /* ... in this run of a vector           */
	volatile bool done;     /* the test's process finished its runs  */
	struct oom_report rep;
};


static struct {
	uint64_t count;     /* allocations since armed                 */
	uint64_t fail;      /* the one that fails, 0 for none          */
	bool fired;         /* it did                                  */
	bool paused;        /* a vector walk: neither counted nor failed */
	bool trace;         /* print where the allocation failed       */
	long live;          /* blocks allocated and not yet freed      */
	struct shared *sh;  /* --oom runs under way (the test's process) */
	int capture;        /* the file stderr goes to, there          */
	uint32_t vecv[OOM_VECTORS];  /* vectors whose runs are done    */
	size_t vecc;
} oom = {.capture = -1};


void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);


static bool fail_now(void)
{
	if (oom.paused || ++oom.count != oom.fail)
		return false;

	oom.fired = true;

	if (oom.trace) {
		(void)fprintf(stderr, "oom: allocation %llu fails here:\n",
			      (unsigned long long)oom.fail);
		__sanitizer_print_stack_trace();
	}

	return true;
}


void *__wrap_malloc(size_t size)
{
	void *p;

	if (fail_now())
		return NULL;

	p = __real_malloc(size);
	if (p)
		++oom.live;

	return p;
}


void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (fail_now())
		return NULL;

	p = __real_calloc(n, size);
	if (p)
		++oom.live;

	return p;
}


void *__wrap_realloc(void *p, size_t size)
{
	void *q;

	/* realloc(p, 0) frees p (glibc and ASan): not an allocation */
	if (p && !size) {
		--oom.live;
		return __real_realloc(p, size);
	}

	if (fail_now())
		return NULL;

	q = __real_realloc(p, size);
	if (q && !p)
		++oom.live;

	return q;
}


void __wrap_free(void *p)
{
	if (p)
		--oom.live;

	__real_free(p);
}


/* Fail allocation @p n from now on (the first is 1); 0 fails none */
static void arm(uint64_t n)
{
	oom.count  = 0;
	oom.fail   = n;
	oom.fired  = false;
	oom.paused = false;
}


static void capture_reset(void)
{
	(void)fflush(stderr);
	if (oom.capture >= 0 &&
	    (ftruncate(oom.capture, 0) || lseek(oom.capture, 0, SEEK_SET)))
		abort();
}


static void status_text(char *buf, size_t sz, int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		(void)re_snprintf(buf, sz, "still running after %u s",
				  OOM_SECONDS);
	else if (WIFSIGNALED(status))
		(void)re_snprintf(buf, sz, "crashed (signal %d)",
				  WTERMSIG(status));
	else
		(void)re_snprintf(buf, sz, "crashed (exit %d)",
				  WEXITSTATUS(status));
}


static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return errno;
	}

	return 0;
}


/* Whether the runs of this vector (in this walk) are done; marks it */
static bool vector_seen(test_vector_h *fh, const char *dir,
			const char *name, const void *arg)
{
	const uint32_t h = hash_joaat_str(dir) * 33 ^ hash_joaat_str(name) ^
		(uint32_t)(uintptr_t)fh ^ (uint32_t)(uintptr_t)arg * 31;
	size_t i;

	for (i = 0; i < oom.vecc; ++i) {
		if (oom.vecv[i] == h)
			return true;
	}

	if (oom.vecc < ARRAY_SIZE(oom.vecv))
		oom.vecv[oom.vecc++] = h;

	return false;
}


/* A vector's runs, in a process of its own; it ends there */
static void vector_runs(test_vector_h *fh, const char *dir,
			const char *name, void *arg)
{
	struct oom_report *rep = &oom.sh->rep;
	uint64_t n;

	(void)alarm(OOM_SECONDS);

	for (n = 1; n <= oom.sh->max; ++n) {
		const long live = oom.live;
		bool fired;

		oom.sh->vn = n;
		capture_reset();

		arm(n);
		(void)fh(dir, name, arg);
		fired = oom.fired;
		arm(0);

		if (oom.live != live) {
			(void)__lsan_do_recoverable_leak_check();
			(void)re_snprintf(rep->why, sizeof(rep->why),
					  "vector %s, its allocation %llu"
					  " failing: %ld blocks left"
					  " allocated",
					  name, (unsigned long long)n,
					  oom.live - live);
			break;
		}

		if (!fired)
			break;
	}

	++rep->vectors;
	rep->vallocs += n - 1;
	if (n > oom.sh->max)
		rep->vbounded = true;

	/* no LeakSanitizer at exit: the counts above tell */
	_exit(0);
}


/**
 * One vector of a walk (test_vectors_each): fh(dir, name, arg), and under
 * --oom first its own runs with allocation 1, 2, ... failing
 *
 * @param fh   The walk's handler
 * @param dir  Directory of the vector
 * @param name File name of the vector
 * @param arg  Handler argument
 *
 * @return What fh returns, or EFAULT for a bug in the vector's runs
 */
int oom_vector(test_vector_h *fh, const char *dir, const char *name,
	       void *arg)
{
	int status = 0, err;
	pid_t pid;

	if (!oom.fail || oom.paused)
		return fh(dir, name, arg);

	/* a bug was found: the test is over */
	if (oom.sh && oom.sh->rep.why[0])
		return EFAULT;

	if (oom.sh && !vector_seen(fh, dir, name, arg)) {

		(void)fflush(stdout);
		(void)fflush(stderr);

		pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0)
			vector_runs(fh, dir, name, arg);

		err = wait_child(pid, &status);
		if (err)
			return err;

		if (!oom.sh->rep.why[0] &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			char how[64];

			status_text(how, sizeof(how), status);
			(void)re_snprintf(oom.sh->rep.why,
					  sizeof(oom.sh->rep.why),
					  "vector %s, its allocation %llu"
					  " failing: %s", name,
					  (unsigned long long)oom.sh->vn,
					  how);
		}

		if (oom.sh->rep.why[0]) {
			oom.sh->rep.vector = true;
			return EFAULT;
		}
	}

	oom.paused = true;
	err = fh(dir, name, arg);
	oom.paused = false;

	return err;
}


/**
 * One run of a test with allocation @p n failing, judged: rep->why is
 * set for a bug; otherwise the run counts in rep, and rep->allocs is set
 * when the run made fewer than @p n allocations (it passed: the end).
 *
 * @param rep  The verdict, added to
 * @param n    The allocation to fail (the first is 1)
 * @param runh One run of the test
 * @param arg  Handler argument
 *
 * @return true if the test needs no more runs (passed, or a bug)
 */
bool oom_run(struct oom_report *rep, uint64_t n, oom_run_h *runh,
	     void *arg)
{
	const long live = oom.live;
	bool timers = false, fired;
	int err;

	rep->n = n;

	/* --oom-at N: one run, in this process */
	oom.trace = !oom.sh;

	arm(n);
	err = runh(arg, &timers);
	fired = oom.fired;
	arm(0);

	if (rep->why[0]) {
		/* a vector's runs found it */
	}
	else if (timers) {
		(void)re_snprintf(rep->why, sizeof(rep->why),
				  "timers left running");
	}
	else if (oom.live != live) {
		(void)__lsan_do_recoverable_leak_check();
		(void)re_snprintf(rep->why, sizeof(rep->why),
				  "%ld blocks left allocated",
				  oom.live - live);
	}
	else if (!fired && err) {
		(void)re_snprintf(rep->why, sizeof(rep->why),
				  "fails with no allocation failing (%m)",
				  err);
	}

	if (rep->why[0])
		return true;

	if (!fired) {
		rep->allocs = n - 1;
		return true;
	}

	if (err == ENOMEM)
		++rep->enomem;
	else if (err)
		++rep->other;
	else
		++rep->passed;

	return false;
}


/* The test's runs, each with one more allocation failing */
static void test_runs(struct shared *sh, oom_run_h *runh, void *arg)
{
	uint64_t n;

	(void)alarm(OOM_SECONDS);
	if (dup2(oom.capture, STDERR_FILENO) < 0)
		abort();

	oom.sh = sh;

	for (n = 1; n <= sh->max; ++n) {

		sh->n = n;
		capture_reset();

		if (oom_run(&sh->rep, n, runh, arg))
			break;
	}

	if (n > sh->max) {
		sh->rep.bounded = true;
		sh->rep.allocs  = sh->max;
	}

	sh->done = true;
}


/**
 * Run a test under OOM: its allocation N fails, for N = 1, 2, ... until a
 * run passes with none failing (at most @p max runs, and as many for each
 * vector of its walks), each run from a fresh core.  The runs happen in a
 * child process; a bug's stderr is copied to this process's.
 *
 * @param rep   What happened (zeroed first)
 * @param max   Runs at most
 * @param runh  One run of the test
 * @param arg   Handler argument
 * @param quiet Do not copy a bug's stderr
 *
 * @return 0 if every run ended cleanly, else an error (rep->why says)
 */
int oom_test(struct oom_report *rep, uint64_t max, oom_run_h *runh,
	     void *arg, bool quiet)
{
	struct shared *sh;
	FILE *cap;
	char buf[4096];
	size_t len;
	int status = 0;
	pid_t pid;
	int err = 0;

	memset(rep, 0, sizeof(*rep));

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return errno;
	memset(sh, 0, sizeof(*sh));
	sh->max = max;

	cap = tmpfile();
	if (!cap) {
		err = errno;
		goto out;
	}

	(void)fflush(stdout);
	(void)fflush(stderr);

	pid = fork();
	if (pid < 0) {
		err = errno;
		goto out;
	}
	if (pid == 0) {
		oom.capture = fileno(cap);
		test_runs(sh, runh, arg);
		/* exit(): LeakSanitizer's own check at exit runs too */
		exit(0);
	}

	err = wait_child(pid, &status);
	if (err)
		goto out;

	*rep = sh->rep;
	rep->n = sh->n;

	if (!sh->done) {
		status_text(rep->why, sizeof(rep->why), status);
	}
	else if (!rep->why[0] &&
		 !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		(void)re_snprintf(rep->why, sizeof(rep->why),
				  "exit status %d at the end",
				  WIFEXITED(status) ? WEXITSTATUS(status) :
				  -WTERMSIG(status));
	}

	if (rep->why[0])
		err = EFAULT;

	if (rep->why[0] && !quiet) {
		rewind(cap);
		while ((len = fread(buf, 1, sizeof(buf), cap)) > 0)
			(void)fwrite(buf, 1, len, stderr);
	}

 out:
	if (cap)
		(void)fclose(cap);
	(void)munmap(sh, sizeof(*sh));

	return err;
}


/** Whether this build can fail allocations (native: yes) */
bool oom_supported(void)
{
	return true;
}


#else


int oom_vector(test_vector_h *fh, const char *dir, const char *name,
	       void *arg)
{
	return fh(dir, name, arg);
}


bool oom_run(struct oom_report *rep, uint64_t n, oom_run_h *runh,
	     void *arg)
{
	(void)n;
	(void)runh;
	(void)arg;

	(void)re_snprintf(rep->why, sizeof(rep->why), "not in wasm");

	return true;
}


int oom_test(struct oom_report *rep, uint64_t max, oom_run_h *runh,
	     void *arg, bool quiet)
{
	(void)max;
	(void)runh;
	(void)arg;
	(void)quiet;

	memset(rep, 0, sizeof(*rep));

	return ENOSYS;
}


/* wasm: malloc is wasm/heap/heap.c, not wrapped */
bool oom_supported(void)
{
	return false;
}


#endif
