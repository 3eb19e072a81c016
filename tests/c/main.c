/**
 * @file main.c  C unit test runner (native under ASan/UBSan, and wasm)
 *
 * Usage: test-c [-d VECTORS_DIR] [--oom | --oom-at N] [TEST_NAME ...]
 * Runs every test in the table of test.h (or only those named), each
 * from a clean core state, and ends with "N passed, N failed".  Leaks are
 * caught by LeakSanitizer in the native build (libre's own accounting is
 * off in RELEASE builds).
 *
 * --oom (native only; oom.c): the out-of-memory mode.  Each test runs
 * again and again with its allocation N failing, N = 1, 2, ... until a run
 * makes fewer than N allocations and passes.  A run where the allocation
 * failed may fail (the ENOMEM, or an assertion it broke); it must not
 * crash, trip ASan or UBSan, leave blocks allocated or timers running.
 * Without names it runs every test, a few only in part or not at all
 * (oom_bounds below says which and why), then the canaries
 * (oom_canary.c) that prove each kind of bug is caught.  One line per
 * test: "ok NAME (oom: A allocations failed in turn: ...)", or "not ok"
 * with the allocation, what went wrong and the command that repeats it;
 * a bug's stderr (the sanitizer's report) is shown, other runs' is not.
 * --oom-at N runs the named tests once each with allocation N failing,
 * in this process, and prints where that allocation was made.
 */
#include <stdlib.h>
#include <dirent.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "sipmsg.h"
#include "test.h"


const char *test_datapath = "tests/vectors";

struct list *tmrl_get(void);

enum { TEST_FILE_MAX = 1 << 20 };


/**
 * Build a response from its text without the strict check (wasm/check):
 * "SIP/2.0 code reason", then "Name: value" lines (folded or not) to an
 * empty line, all CRLF.  NUL bytes and overlong values go through as they
 * are.
 *
 * @param msgp The message, pointing into mb
 * @param mb   The text from its position; moves to the body
 *
 * @return 0 if success, EBADMSG if it is not of that form, ENOMEM
 */
int test_msg_build(struct sip_msg **msgp, struct mbuf *mb)
{
	const char *p = (const char *)mbuf_buf(mb);
	const char *e = p + mbuf_get_left(mb), *nl, *colon;
	struct sip_msg *msg = NULL;
	struct pl name;
	int err;

	nl = memchr(p, '\n', e - p);
	if (!nl || e - p < 13 || memcmp(p, "SIP/2.0 ", 8))
		return EBADMSG;

	err = sipmsg_alloc(&msg, mb);
	if (err)
		return err;

	msg->ver.p    = p;
	msg->ver.l    = 7;
	msg->scode    = (uint16_t)atoi(p + 8);
	msg->reason.p = p + 12;
	msg->reason.l = nl - 1 - msg->reason.p;

	for (p = nl + 1; p < e && *p != '\r'; p = nl + 1) {

		nl = memchr(p, '\n', e - p);
		colon = nl ? memchr(p, ':', nl - p) : NULL;
		if (!colon) {
			err = EBADMSG;
			goto out;
		}

		/* folded lines belong to the field */
		while (nl + 1 < e && (nl[1] == ' ' || nl[1] == '\t'))
			nl = memchr(nl + 1, '\n', e - nl - 1);
		if (!nl) {
			err = EBADMSG;
			goto out;
		}

		name.p = p;
		name.l = colon - p;
		err = sipmsg_field(msg, &name, sipmsg_hdr_id(&name), colon + 1,
				   nl - 1 - colon - 1, nl + 1);
		if (err)
			goto out;
	}

	if (e - p < 2) {
		err = EBADMSG;
		goto out;
	}

	err = sipmsg_end(msg);
	mb->pos = p + 2 - (const char *)mb->buf;

 out:
	if (err)
		mem_deref(msg);
	else
		*msgp = msg;

	return err;
}


int test_file_load(struct mbuf **mbp, const char *path)
{
	struct mbuf *mb = NULL;
	uint8_t buf[4096];
	FILE *f;
	size_t n;
	int err = 0;

	f = fopen(path, "rb");
	if (!f) {
		(void)fprintf(stderr, "%s: cannot open\n", path);
		return ENOENT;
	}

	mb = mbuf_alloc(sizeof(buf));
	if (!mb) {
		err = ENOMEM;
		goto out;
	}

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {

		if (mb->end + n > TEST_FILE_MAX) {
			err = EFBIG;
			goto out;
		}

		err = mbuf_write_mem(mb, buf, n);
		if (err)
			goto out;
	}

	if (ferror(f))
		err = EIO;

 out:
	(void)fclose(f);

	if (err)
		mem_deref(mb);
	else
		*mbp = mb;

	return err;
}


/*
 * Call fh(dir, name, arg) for every file NAME<ext> in test_datapath/sub
 * (any order).  A failing file is named on stderr and the walk goes on;
 * ENOMEM stops it.  Returns the first error, or ENOENT for no directory.
 */
int test_vectors_each(const char *sub, const char *ext, test_vector_h *fh,
		      void *arg)
{
	const size_t extlen = strlen(ext);
	char dir[512];
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (re_snprintf(dir, sizeof(dir), "%s/%s", test_datapath, sub) < 0)
		return ENAMETOOLONG;

	d = opendir(dir);
	if (!d) {
		(void)fprintf(stderr, "%s: cannot open the directory\n", dir);
		return ENOENT;
	}

	while ((de = readdir(d)) != NULL) {
		const size_t n = strlen(de->d_name);
		int e;

		if (n <= extlen || strcmp(de->d_name + n - extlen, ext))
			continue;

		e = oom_vector(fh, dir, de->d_name, arg);
		if (e) {
			(void)fprintf(stderr, "  vector %s/%s failed (%d)\n",
				      sub, de->d_name, e);
			if (!err)
				err = e;
			if (e == ENOMEM)
				break;
		}
	}

	(void)closedir(d);

	return err;
}


static const struct test {
	const char *name;
	int (*exec)(void);
} tests[] = {
#define X(name) {#name, name},
	TESTS(X)
#undef X
};


enum {
	OOM_RUNS_MAX    = 20000,  /* runs of a test: then it is bounded */
	OOM_RUNS_X25519 = 300,
};

/*
 * --oom without names runs every test, these only in part: allocations 1
 * to runs fail in turn (and as many of each vector's), or none if runs is
 * 0.  A test named runs in full.
 */
static const struct oom_bound {
	const char *name;
	unsigned runs;
	const char *why;
} oom_bounds[] = {
	/* mbedTLS's bignum allocates at every step of an X25519: over 10,000
	 * allocations a test, each run repeating those before (minutes) */
	{"test_crypto_x25519",         OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_roundtrip", OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_format",    OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_tamper",    OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_stream",    OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_truncate",  OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_misuse",    OOM_RUNS_X25519, "X25519"},
	{"test_record_seal_vectors",   OOM_RUNS_X25519, "X25519"},
	/* differential tests: libre's own decoder, the reference, allocates
	 * for every header of every vector (minutes), and wasm/sipmsg is
	 * decoded by the check, whose vectors run in full */
	{"test_sipmsg_vectors",        0, "libre's decoder as reference"},
	{"test_sipmsg_quirks",         0, "libre's decoder as reference"},
};


static const struct oom_bound *oom_bound(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(oom_bounds); ++i) {
		if (!strcmp(oom_bounds[i].name, name))
			return &oom_bounds[i];
	}

	return NULL;
}


static bool selected(const char *name, int argc, char *argv[], int first)
{
	int i;

	if (first >= argc)
		return true;

	for (i = first; i < argc; ++i) {
		if (!strcmp(argv[i], name))
			return true;
	}

	return false;
}


/* One run of a test from a fresh core (oom_run_h) */
static int run(void *arg, bool *timers)
{
	const struct test *test = arg;
	int err;

	fake_spjs_reset();
	/* every log line the build has is formatted (under ASan);
	 * SIPSHIELD_TEST_LOG=1 shows them (fake_spjs.c) */
	(void)sp_init(4, 0);
	err = test->exec();
	sp_close();

	*timers = list_head(tmrl_get()) != NULL;

	return err;
}


/* The test under OOM, with one line for it; 0 if every run was clean */
static int run_oom(const struct test *test, uint64_t at,
		   const struct oom_bound *bound)
{
	const uint64_t max = bound ? bound->runs : OOM_RUNS_MAX;
	struct oom_report rep;
	int err;

	if (at) {
		memset(&rep, 0, sizeof(rep));
		(void)oom_run(&rep, at, run, (void *)test);
		err = rep.why[0] ? EFAULT : 0;
		(void)printf("%s %s (oom: allocation %llu failing: %s)\n",
			     err ? "not ok" : "ok", test->name,
			     (unsigned long long)at,
			     rep.why[0] ? rep.why :
			     rep.allocs ? "not reached, passed" :
			     rep.enomem ? "ENOMEM" : rep.other ?
			     "another error" : "passed");
		return err;
	}

	err = oom_test(&rep, max, run, (void *)test, false);
	if (err && rep.vector) {
		(void)printf("not ok %s (oom: %s; rerun: test-c -d %s --oom"
			     " %s)\n", test->name, rep.why, test_datapath,
			     test->name);
	}
	else if (err) {
		(void)printf("not ok %s (oom: allocation %llu failing: %s;"
			     " rerun: test-c -d %s --oom-at %llu %s)\n",
			     test->name, (unsigned long long)rep.n,
			     rep.why[0] ? rep.why : strerror(err),
			     test_datapath, (unsigned long long)rep.n,
			     test->name);
	}
	else {
		(void)printf("ok %s (oom: %llu allocations failed in turn%s:"
			     " %llu ENOMEM, %llu another error, %llu passed",
			     test->name, (unsigned long long)rep.allocs,
			     rep.bounded ? " (bounded: the first ones)" : "",
			     (unsigned long long)rep.enomem,
			     (unsigned long long)rep.other,
			     (unsigned long long)rep.passed);
		if (rep.vectors)
			(void)printf("; %llu vectors, their %llu%s",
				     (unsigned long long)rep.vectors,
				     (unsigned long long)rep.vallocs,
				     rep.vbounded ? " (bounded: at most"
				     " as many each)" : "");
		(void)printf(")\n");
	}

	return err;
}


static const struct canary {
	const char *name;
	int (*exec)(void);
	const char *why;
} canaries[] = {
#define X(name, why) {#name, name, why},
	OOM_CANARIES(X)
#undef X
};


/* A canary under OOM: it passes if the bug is caught, for its reason */
static int run_canary(const struct canary *c)
{
	struct test test = {c->name, c->exec};
	struct oom_report rep;
	int err;

	err = oom_test(&rep, OOM_RUNS_MAX, run, &test, true);
	if (err == EFAULT && strstr(rep.why, c->why)) {
		(void)printf("ok %s (caught: %s)\n", c->name, rep.why);
		return 0;
	}

	(void)printf("not ok %s (--oom missed it: %s)\n", c->name,
		     rep.why[0] ? rep.why : "every run clean");

	return EINVAL;
}


static int usage(void)
{
	(void)fprintf(stderr, "usage: test-c [-d VECTORS_DIR] [--oom |"
		      " --oom-at N] [TEST_NAME ...]\n");

	return 2;
}


int main(int argc, char *argv[])
{
	unsigned passed = 0, failed = 0;
	uint64_t oom_at = 0;
	bool oom = false;
	int first = 1;
	size_t i;

	while (first < argc && argv[first][0] == '-') {

		if (!strcmp(argv[first], "-d") && first + 1 < argc) {
			test_datapath = argv[first + 1];
			first += 2;
		}
		else if (!strcmp(argv[first], "--oom")) {
			oom = true;
			++first;
		}
		else if (!strcmp(argv[first], "--oom-at") &&
			 first + 1 < argc) {
			oom = true;
			oom_at = strtoull(argv[first + 1], NULL, 10);
			if (!oom_at)
				return usage();
			first += 2;
		}
		else {
			return usage();
		}
	}

	if (oom && !oom_supported()) {
		(void)fprintf(stderr, "test-c: --oom needs the native build"
			      " (its allocations are wrapped)\n");
		(void)printf("0 passed, 1 failed\n");
		return 1;
	}

	for (i = 0; i < ARRAY_SIZE(tests); ++i) {
		const struct oom_bound *bound;
		bool timers = false;
		int err;

		if (!selected(tests[i].name, argc, argv, first))
			continue;

		bound = first < argc ? NULL : oom_bound(tests[i].name);
		if (oom && bound && !bound->runs && !oom_at) {
			(void)printf("skip %s (oom: %s)\n", tests[i].name,
				     bound->why);
			continue;
		}

		if (oom) {
			if (run_oom(&tests[i], oom_at, bound))
				++failed;
			else
				++passed;
			continue;
		}

		err = run((void *)&tests[i], &timers);

		/* a test must not leave timers behind */
		if (!err && timers) {
			(void)fprintf(stderr, "%s: timers left running\n",
				      tests[i].name);
			err = EBUSY;
		}

		if (err) {
			(void)printf("not ok %s (%s)\n", tests[i].name,
				     strerror(err));
			++failed;
		}
		else {
			(void)printf("ok %s\n", tests[i].name);
			++passed;
		}
	}

	/* the mode itself: it must catch each kind of bug */
	for (i = 0; oom && !oom_at && i < ARRAY_SIZE(canaries); ++i) {

		if (!selected(canaries[i].name, argc, argv, first))
			continue;

		if (run_canary(&canaries[i]))
			++failed;
		else
			++passed;
	}

	(void)printf("%u passed, %u failed\n", passed, failed);

	return failed ? 1 : 0;
}
