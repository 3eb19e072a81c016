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
	struct mbuf *mb = mbuf_alloc(size ? size : 1);
	struct sip_msg *msg = NULL;

	if (!json || !mb)
		goto out;

	(void)check_sip(json, data, size);

	/* the decoder keeps a reference: a real (mem_alloc'd) mbuf */
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (!sip_msg_decode(&msg, mb))
		mem_deref(msg);

 out:
	mem_deref(json);
	mem_deref(mb);

	return 0;
}
