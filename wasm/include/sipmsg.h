/**
 * @file sipmsg.h  SIP message decode (wasm/sipmsg replaces libre's msg.c)
 *
 * libre's sip_msg_* functions keep their API and results; this adds the
 * decode without the random tag.  Include <re.h> first.
 */

int sipmsg_decode(struct sip_msg **msgp, struct mbuf *mb);
