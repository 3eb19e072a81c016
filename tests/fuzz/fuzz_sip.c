/**
 * @file fuzz_sip.c  libFuzzer: one WebSocket frame of SIP into the core
 *
 * Two paths a hostile server reaches: the message check (check_sip, the
 * CLI and the decision every frame gets) and libre's decoder as the
 * transport feeds it to a registered phone's SIP stack.
 */
#include <re.h>
#include "check.h"
#include "abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *json = mbuf_alloc(512);
	struct sip_msg *msg = NULL;
	struct mbuf mb;

	if (!json)
		return 0;

	(void)check_sip(json, data, size);
	mem_deref(json);

	mb.buf  = (uint8_t *)(uintptr_t)data;
	mb.size = size;
	mb.pos  = 0;
	mb.end  = size;
	if (!sip_msg_decode(&msg, &mb))
		mem_deref(msg);

	return 0;
}
