/**
 * @file fastparse/cseq.c  SIP CSeq decode without re_regex
 *
 * Replaces libre 1.1.0 src/sip/cseq.c with the same API and results:
 * "[0-9]+[ \t\r\n]+[^ \t\r\n]+" searched from every offset, so leading
 * junk is skipped and "007 INVITE x" is 7 "INVITE".  The number is
 * pl_u32() of the digits: modulo 2^32, as in libre.
 */
#include <stddef.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t cseq_steps[] = {
	FP_CLASS(FP_PLUS, FP_DIGIT, FP_LOC(0)),
	FP_CLASS(FP_PLUS, FP_WS, FP_SKIP),
	FP_CLASS(FP_NOT | FP_PLUS, FP_WS, FP_OUT(struct sip_cseq, met)), 0
};


/**
 * Decode a pointer-length string into a SIP CSeq header
 *
 * @param cseq SIP CSeq header
 * @param pl   Pointer-length string
 *
 * @return 0 for success, otherwise errorcode
 */
int sip_cseq_decode(struct sip_cseq *cseq, const struct pl *pl)
{
	struct pl num;
	int err;

	if (!cseq || !pl)
		return EINVAL;

	err = fastparse_match(pl, cseq_steps, NULL, cseq, &num);
	if (err)
		return err;

	cseq->num = pl_u32(&num);

	return 0;
}
