/**
 * @file fuzz_sipmsg.c  libFuzzer: the SIP message decoder (wasm/sipmsg)
 * against libre 1.1.0's own, on one message
 *
 * Any difference in the results (return code, body position, fields,
 * header list, lookups) aborts; tests/c/sipmsg_libre.c says what differs.
 * Inputs are cut at 4096 octets: libre's start-line regex is quadratic.
 */
#include <stdlib.h>
#include "../c/sipmsg_libre.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int err;

	err = sipmsg_diff(data, size > 4096 ? 4096 : size);
	if (err && err != ENOMEM)
		abort();

	return 0;
}
