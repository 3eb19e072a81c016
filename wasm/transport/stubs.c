/**
 * @file stubs.c  The sockets libre references but a browser does not have
 *
 * In a page there is no UDP, no TCP and no TLS socket: SIP runs on the
 * browser's WebSocket (websock.c) and TLS is the browser's wss://.  libre's
 * sip/transp.c and sip/keepalive_udp.c still reference these symbols, so
 * they are answered here with EPROTONOSUPPORT, the way re/src/tls/stub.c
 * answers for TLS.  Nothing in sipshield's paths calls them.
 */
#include <re.h>
#include <sip.h>
#include "transport.h"


int udp_listen(struct udp_sock **usp, const struct sa *local,
	       udp_recv_h *rh, void *arg)
{
	(void)usp; (void)local; (void)rh; (void)arg;
	return EPROTONOSUPPORT;
}


int udp_send(struct udp_sock *us, const struct sa *dst, struct mbuf *mb)
{
	(void)us; (void)dst; (void)mb;
	return EPROTONOSUPPORT;
}


int udp_local_get(const struct udp_sock *us, struct sa *local)
{
	(void)us; (void)local;
	return EPROTONOSUPPORT;
}


int tcp_listen(struct tcp_sock **tsp, const struct sa *local,
	       tcp_conn_h *ch, void *arg)
{
	(void)tsp; (void)local; (void)ch; (void)arg;
	return EPROTONOSUPPORT;
}


int tcp_connect(struct tcp_conn **tcp, const struct sa *peer,
		tcp_estab_h *eh, tcp_recv_h *rh, tcp_close_h *ch, void *arg)
{
	(void)tcp; (void)peer; (void)eh; (void)rh; (void)ch; (void)arg;
	return EPROTONOSUPPORT;
}


int tcp_accept(struct tcp_conn **tcp, struct tcp_sock *ts, tcp_estab_h *eh,
	       tcp_recv_h *rh, tcp_close_h *ch, void *arg)
{
	(void)tcp; (void)ts; (void)eh; (void)rh; (void)ch; (void)arg;
	return EPROTONOSUPPORT;
}


void tcp_reject(struct tcp_sock *ts)
{
	(void)ts;
}


int tcp_send(struct tcp_conn *tc, struct mbuf *mb)
{
	(void)tc; (void)mb;
	return EPROTONOSUPPORT;
}


int tcp_sock_local_get(const struct tcp_sock *ts, struct sa *local)
{
	(void)ts; (void)local;
	return EPROTONOSUPPORT;
}


/* Called on a WebSocket flow (websock_tcp()): the local address of a
 * browser socket is unknown by design, so it is the placeholder. */
int tcp_conn_local_get(const struct tcp_conn *tc, struct sa *local)
{
	if (!tc || !local)
		return EINVAL;

	transport_placeholder_laddr(local);

	return 0;
}


int tls_start_tcp(struct tls_conn **ptc, struct tls *tls,
		  struct tcp_conn *tcp, int layer)
{
	(void)ptc; (void)tls; (void)tcp; (void)layer;
	return EPROTONOSUPPORT;
}


int http_client_alloc(struct http_cli **clip, struct dnsc *dnsc)
{
	(void)dnsc;

	if (!clip)
		return EINVAL;

	/* a token object: websock_connect() ignores the HTTP client */
	*clip = mem_zalloc(1, NULL);

	return *clip ? 0 : ENOMEM;
}


int http_listen(struct http_sock **sockp, const struct sa *laddr,
		http_req_h *reqh, void *arg)
{
	(void)sockp; (void)laddr; (void)reqh; (void)arg;
	return EPROTONOSUPPORT;
}


int https_listen(struct http_sock **sockp, const struct sa *laddr,
		 const char *cert, http_req_h *reqh, void *arg)
{
	(void)sockp; (void)laddr; (void)cert; (void)reqh; (void)arg;
	return EPROTONOSUPPORT;
}


struct tcp_sock *http_sock_tcp(struct http_sock *sock)
{
	(void)sock;
	return NULL;
}


int stun_alloc(struct stun **stunp, const struct stun_conf *conf,
	       stun_ind_h *indh, void *arg)
{
	(void)conf; (void)indh; (void)arg;

	if (!stunp)
		return EINVAL;

	*stunp = NULL;

	return 0;
}


void udp_handler_set(struct udp_sock *us, udp_recv_h *rh, void *arg)
{
	(void)us; (void)rh; (void)arg;
}


int sip_keepalive_udp(struct sip_keepalive *ka, struct sip *sip,
		      struct udp_sock *us, const struct sa *paddr,
		      uint32_t interval)
{
	(void)ka; (void)sip; (void)us; (void)paddr; (void)interval;
	return EPROTONOSUPPORT;
}


/* STUN only runs on libre's UDP transport, which does not exist here */
int stun_msg_decode(struct stun_msg **msgpp, struct mbuf *mb,
		    struct stun_unknown_attr *ua)
{
	(void)msgpp; (void)mb; (void)ua;
	return EPROTONOSUPPORT;
}


uint16_t stun_msg_class(const struct stun_msg *msg)
{
	(void)msg;
	return 0;
}


uint16_t stun_msg_method(const struct stun_msg *msg)
{
	(void)msg;
	return 0;
}


int stun_ctrans_recv(struct stun *stun, const struct stun_msg *msg,
		     const struct stun_unknown_attr *ua)
{
	(void)stun; (void)msg; (void)ua;
	return EPROTONOSUPPORT;
}


int stun_reply(int proto, void *sock, const struct sa *dst, size_t presz,
	       const struct stun_msg *req, const uint8_t *key,
	       size_t keylen, bool fp, uint32_t attrc, ...)
{
	(void)proto; (void)sock; (void)dst; (void)presz; (void)req;
	(void)key; (void)keylen; (void)fp; (void)attrc;
	return EPROTONOSUPPORT;
}


/* HTTP serving (a WebSocket server) is never set up in a browser */
const struct sa *http_conn_peer(const struct http_conn *conn)
{
	(void)conn;
	return NULL;
}


const struct http_hdr *http_msg_hdr(const struct http_msg *msg,
				    enum http_hdrid id)
{
	(void)msg; (void)id;
	return NULL;
}


int http_reply(struct http_conn *conn, uint16_t scode, const char *reason,
	       const char *fmt, ...)
{
	(void)conn; (void)scode; (void)reason; (void)fmt;
	return EPROTONOSUPPORT;
}
