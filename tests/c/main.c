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
#include "test.h"


const char *test_datapath = "tests/vectors";

struct list *tmrl_get(void);

enum { TEST_FILE_MAX = 1 << 20 };


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

	for (i = first; i < argc; i++) {
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

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		int err;

		if (!selected(tests[i].name, argc, argv, first))
			continue;

		fake_spjs_reset();
		(void)sp_init(getenv("SIPSHIELD_TEST_LOG") ? 4 : 0);
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
