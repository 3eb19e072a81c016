/**
 * @file handle.c  Tests of the handle tables (wasm/handle/handle.c)
 */
#include <re.h>
#include "handle.h"
#include "test.h"


int test_handle_table(void)
{
	int objs[5];
	void *objv[3] = {NULL};
	int idv[3] = {0};
	struct handles t = HANDLES(objv, idv);
	int h[4], i;
	int err = 0;

	/* handles start at 1, one slot each, until the table is full */
	for (i = 0; i < 3; ++i) {
		h[i] = handle_add(&t, &objs[i]);
		TEST_EQUALS(i + 1, h[i]);
		TEST_ASSERT(handle_get(&t, h[i]) == &objs[i]);
	}
	TEST_EQUALS(0, handle_add(&t, &objs[3]));
	TEST_EQUALS(0, handle_add(&t, NULL));

	/* a freed handle stays dead when its slot is taken again */
	handle_del(&t, h[1]);
	TEST_ASSERT(handle_get(&t, h[1]) == NULL);
	h[3] = handle_add(&t, &objs[3]);
	TEST_ASSERT(h[3] > 3 && h[3] % 3 == h[1] % 3);
	TEST_ASSERT(handle_get(&t, h[1]) == NULL);
	TEST_ASSERT(handle_get(&t, h[3]) == &objs[3]);

	/* deleting a stale handle leaves the slot's new owner alone */
	handle_del(&t, h[1]);
	TEST_ASSERT(handle_get(&t, h[3]) == &objs[3]);

	/* anything JS may send */
	TEST_ASSERT(handle_get(&t, 0) == NULL);
	TEST_ASSERT(handle_get(&t, -3) == NULL);
	TEST_ASSERT(handle_get(&t, HANDLE_MAX) == NULL);
	TEST_ASSERT(handle_get(NULL, 1) == NULL);

	/* handles wrap after HANDLE_MAX, skipping 0 */
	handle_del(&t, h[2]);  /* slot 0: HANDLE_MAX % 3 */
	t.next = HANDLE_MAX;
	TEST_EQUALS(HANDLE_MAX, handle_add(&t, &objs[4]));
	TEST_EQUALS(1, t.next);
	TEST_ASSERT(handle_get(&t, HANDLE_MAX) == &objs[4]);

 out:
	return err;
}
