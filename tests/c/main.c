/**
 * @file main.c  C unit test runner (native under ASan/UBSan, and wasm)
 *
 * Usage: test-c [-d VECTORS_DIR] [TEST_NAME ...]
 * Runs every test in the table of test.h (or only those named), each
 * from a clean core state, and ends with "N passed, N failed".  Leaks are
 * caught by LeakSanitizer in the native build (libre's own accounting is
 * off in RELEASE builds).
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

		e = fh(dir, de->d_name, arg);
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


int main(int argc, char *argv[])
{
	unsigned passed = 0, failed = 0;
	int first = 1;
	size_t i;

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		test_datapath = argv[2];
		first = 3;
	}

	for (i = 0; i < ARRAY_SIZE(tests); ++i) {
		int err;

		if (!selected(tests[i].name, argc, argv, first))
			continue;

		fake_spjs_reset();
		/* every log line the build has is formatted (under ASan);
		 * SIPSHIELD_TEST_LOG=1 shows them (fake_spjs.c) */
		(void)sp_init(4);
		err = tests[i].exec();
		sp_close();

		/* a test must not leave timers behind */
		if (!err && list_head(tmrl_get())) {
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

	(void)printf("%u passed, %u failed\n", passed, failed);

	return failed ? 1 : 0;
}
