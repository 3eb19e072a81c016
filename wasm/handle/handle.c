/**
 * @file handle.c  Objects that JS names by integer handle (see handle.h)
 */
#include <stddef.h>
#include "handle.h"


/**
 * Give an object a handle and a slot
 *
 * @param t   Handle table
 * @param obj The object (not NULL)
 *
 * @return The handle, or 0 if every slot is taken
 */
int handle_add(struct handles *t, void *obj)
{
	int i;

	if (!t || !obj)
		return 0;

	for (i = 0; i < t->n; ++i) {
		const int h = t->next;
		const int slot = h % t->n;

		t->next = h < HANDLE_MAX ? h + 1 : 1;

		if (!t->objv[slot]) {
			t->objv[slot] = obj;
			t->idv[slot]  = h;
			return h;
		}
	}

	return 0;
}


/**
 * The object with a handle
 *
 * @param t Handle table
 * @param h Handle (any int: from JS)
 *
 * @return The object, or NULL if none has that handle (any more)
 */
void *handle_get(const struct handles *t, int h)
{
	if (!t || h <= 0)
		return NULL;

	return t->idv[h % t->n] == h ? t->objv[h % t->n] : NULL;
}


/**
 * Free the slot of a handle (if it is still the handle's)
 *
 * @param t Handle table
 * @param h Handle
 */
void handle_del(struct handles *t, int h)
{
	if (!handle_get(t, h))
		return;

	t->objv[h % t->n] = NULL;
	t->idv[h % t->n]  = 0;
}
