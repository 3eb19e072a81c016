/**
 * @file handle.h  Objects that JS names by integer handle
 *
 * Phones (wasm/abi), calls (wasm/call) and WebSocket flows
 * (wasm/transport) each live in one fixed table.  A handle is a positive
 * int below HANDLE_MAX; it picks its slot (handle % size), and handles
 * keep growing, so a stale handle finds nothing instead of a newer object
 * in its old slot.
 */

enum { HANDLE_MAX = 0x3fffffff };

struct handles {
	void **objv;   /**< The objects, one per slot               */
	int *idv;      /**< The handle of each slot's object        */
	int n;         /**< Number of slots                         */
	int next;      /**< Next handle to try                      */
};

/** A table on two arrays of the same length */
#define HANDLES(objv, idv) {(void **)(objv), (idv), \
		(int)(sizeof(idv) / sizeof((idv)[0])), 1}

int   handle_add(struct handles *t, void *obj);
void *handle_get(const struct handles *t, int h);
void  handle_del(struct handles *t, int h);
