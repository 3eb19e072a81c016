/**
 * @file check.h  Strict check of one incoming SIP message
 *
 * Decodes the message as libre's sip_msg_decode does (building it with
 * wasm/sipmsg; the one the SIP stack gets for an incoming WebSocket frame,
 * check_sip_msg) while it applies the checks a UA must apply that libre's
 * lenient decoder does not.  sip_msg_decode() is this check too.
 * One input is one WebSocket message: exactly one SIP message (RFC 7118).
 * The reason codes and their errnos are listed in wasm/check/check.c.
 * Include <re.h> first.
 */

/** Largest message accepted, in octets */
enum { CHECK_SIZE_MAX = 65536 };

int check_sip(struct mbuf *json, const uint8_t *buf, size_t len);
int check_sip_fast(const uint8_t *buf, size_t len, uint32_t *cseq);
int check_sip_msg(struct sip_msg **msgp, const uint8_t *buf, size_t len);
