/**
 * @file fuzz_json.c  libFuzzer: hostile command JSON
 *
 * The input is a command as sp_cmd() receives it from JS.  The decoder
 * must return an odict or an error, never read past the input, and free
 * everything either way (LeakSanitizer).
 */
#include <re.h>
#include "abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct odict *o = NULL;

	if (size > 65536)
		return 0;

	if (!abi_json_decode(&o, (const char *)data, size, 8))
		(void)odict_count(o, true);

	mem_deref(o);

	return 0;
}
