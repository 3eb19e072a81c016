/**
 * @file sipmsg.h  SIP messages (wasm/sipmsg replaces libre's msg.c)
 *
 * libre's sip_msg_* lookups keep their API and results.  A message is
 * built by its one reader, the strict check (wasm/check/, whose check.c
 * also gives libre's sip_msg_decode): sipmsg_alloc, then sipmsg_field for
 * each header field in order (its id from sipmsg_hdr_id), then
 * sipmsg_end.  Include <re.h> first.
 */

int sipmsg_alloc(struct sip_msg **msgp, struct mbuf *mb);
enum sip_hdrid sipmsg_hdr_id(const struct pl *name);
int sipmsg_field(struct sip_msg *msg, const struct pl *name,
		 enum sip_hdrid id, const char *p, size_t l, const char *next);
int sipmsg_end(struct sip_msg *msg);
