/**
 * @file fuzz_sipmsg.c  libFuzzer: sipshield's SIP message decoder (the
 * strict check building a wasm/sipmsg message) against libre 1.1.0's own
 *
 * For a message sipshield accepts, any difference from libre's result
 * (libre refusing it, body position, fields, header list, lookups)
 * aborts; tests/c/sipmsg_libre.c says what differs.
 * Inputs are cut at 4096 octets: libre's start-line regex is quadratic.
 */
#include <stdlib.h>
#include "../c/sipmsg_libre.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int err;

	err = sipmsg_diff(data, size > 4096 ? 4096 : size, NULL);
	if (err && err != ENOMEM)
		abort();

	return 0;
}
