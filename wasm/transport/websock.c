/**
 * @file websock.c  libre's re_websock.h API on the browser WebSocket
 *
 * libre's sip/transp.c talks to this file exactly as to libre's own
 * websock module; instead of HTTP upgrade over a TCP socket it asks the
 * shim to open a browser WebSocket (spjs_ws_open), sends whole SIP
 * messages as binary frames (spjs_ws_send) and gets frames back through
 * sp_ws_rx().  The URL opened is the configured wss:// server, never the
 * placeholder address libre routes to (see dns.c).
 *
 * Privacy, RFC 7118 section 5: libre writes the placeholder local address
 * into Via and Contact; on the way out it is replaced by a random
 * "*.invalid" host, so no address of this machine ever leaves.
 */
#include <string.h>
#include <re.h>
#include <sip.h>
#include "spjs.h"
#include "check.h"
#include "transport.h"


#define DEBUG_MODULE "websock"
#include <re_dbg.h>


enum {
	CONN_MAX   = 64,
	VIA_HOSTSZ = 24,
	FRAME_MAX  = 65536,
};

struct websock {
	char *url;
	int owner;
	transport_event_h *eventh;
	void *arg;
	websock_shutdown_h *shuth;
	void *sharg;
};

struct websock_conn {
	struct websock *sock;
	int handle;
	bool open;
	struct sa peer;
	websock_estab_h *estabh;
	websock_recv_h *recvh;
	websock_close_h *closeh;
	void *arg;
};

static struct websock_conn *conns[CONN_MAX];
static int next_handle = 1;
static struct {
	struct sip_msg *msg;   /* the checked frame libre is receiving */
	size_t pos;            /* its body's position in msg->mb       */
} rx;
static char via_host[VIA_HOSTSZ];
static char laddr_str[32];


/** The placeholder local address libre formats into Via and Contact */
void transport_placeholder_laddr(struct sa *sa)
{
	(void)sa_set_str(sa, "192.0.2.2", 9);
}


/** The random "*.invalid" Via/Contact host of this instance (RFC 7118) */
const char *transport_via_host(void)
{
	static const char hex[] = "0123456789abcdefghijklmnopqrstuv";
	uint8_t rnd[12];
	size_t i;

	if (via_host[0])
		return via_host;

	rand_bytes(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		via_host[i] = hex[rnd[i] & 0x1f];
	(void)re_snprintf(&via_host[i], sizeof(via_host) - i, ".invalid");

	return via_host;
}


static struct websock_conn *conn_lookup(int handle)
{
	if (handle <= 0)
		return NULL;

	return conns[handle % CONN_MAX];
}


static void sock_destructor(void *arg)
{
	struct websock *sock = arg;

	mem_deref(sock->url);
}


static void conn_destructor(void *arg)
{
	struct websock_conn *conn = arg;

	if (conns[conn->handle % CONN_MAX] == conn)
		conns[conn->handle % CONN_MAX] = NULL;

	spjs_ws_close(conn->handle, WEBSOCK_NORMAL_CLOSURE);
	mem_deref(conn->sock);
}


int websock_alloc(struct websock **sockp, websock_shutdown_h *shuth,
		  void *arg)
{
	struct websock *sock;

	if (!sockp)
		return EINVAL;

	sock = mem_zalloc(sizeof(*sock), sock_destructor);
	if (!sock)
		return ENOMEM;

	sock->shuth = shuth;
	sock->sharg = arg;
	*sockp = sock;

	return 0;
}


void websock_shutdown(struct websock *sock)
{
	if (sock && sock->shuth)
		sock->shuth(sock->sharg);
}


/**
 * Bind a libre SIP stack to the server URL its WebSocket flow opens
 *
 * @param sip    SIP stack (from sip_alloc)
 * @param url    wss:// URL, already checked by policy_transport_check()
 * @param eventh Handler of WebSocket state changes (optional)
 * @param arg    Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int transport_attach(struct sip *sip, const char *url,
		     transport_event_h *eventh, void *arg)
{
	struct websock *sock;
	int err;

	if (!sip || !url || !sip->websock)
		return EINVAL;

	sock = sip->websock;
	sock->url = mem_deref(sock->url);
	err = str_dup(&sock->url, url);
	if (err)
		return err;

	sock->eventh = eventh;
	sock->arg    = arg;

	return 0;
}


/** Tag the flow of a SIP stack with the phone handle that owns it */
void transport_set_owner(struct sip *sip, int owner)
{
	if (sip && sip->websock)
		sip->websock->owner = owner;
}


int websock_connect(struct websock_conn **connp, struct websock *sock,
		    struct http_cli *cli, const char *uri, unsigned kaint,
		    websock_estab_h *estabh, websock_recv_h *recvh,
		    websock_close_h *closeh, void *arg,
		    const char *fmt, ...)
{
	struct websock_conn *conn;
	int i, err;
	(void)cli;
	(void)kaint;
	(void)fmt;

	if (!connp || !sock || !uri)
		return EINVAL;

	if (!sock->url)
		return ENOTCONN;

	conn = mem_zalloc(sizeof(*conn), conn_destructor);
	if (!conn)
		return ENOMEM;

	/* a free slot; handles grow so a stale one never aliases */
	for (i = 0; i < CONN_MAX; i++) {
		int h = next_handle++;

		if (next_handle > 0x3fffffff)
			next_handle = 1;
		if (!conns[h % CONN_MAX]) {
			conn->handle = h;
			break;
		}
	}
	if (!conn->handle) {
		mem_deref(conn);
		return EMFILE;
	}

	conn->sock   = mem_ref(sock);
	conn->estabh = estabh;
	conn->recvh  = recvh;
	conn->closeh = closeh;
	conn->arg    = arg;
	transport_placeholder_laddr(&conn->peer);
	conns[conn->handle % CONN_MAX] = conn;

	err = spjs_ws_open(conn->handle, sock->owner, sock->url,
			   strlen(sock->url));
	if (err) {
		err = ENOTCONN;
		conns[conn->handle % CONN_MAX] = NULL;
		conn->handle = 0;
		mem_deref(conn);
		return err;
	}

	*connp = conn;

	return 0;
}


int websock_accept(struct websock_conn **connp, struct websock *sock,
		   struct http_conn *htconn, const struct http_msg *msg,
		   unsigned kaint, websock_recv_h *recvh,
		   websock_close_h *closeh, void *arg)
{
	(void)connp; (void)sock; (void)htconn; (void)msg; (void)kaint;
	(void)recvh; (void)closeh; (void)arg;

	return ENOTSUP;
}


/* Replace every placeholder "192.0.2.2:9" in the head with the .invalid
 * host; the body (SDP) is left as it is. */
static int rewrite_head(struct mbuf *out, const uint8_t *p, size_t n)
{
	const char *host = transport_via_host();
	size_t plen, head, i = 0;
	int err = 0;

	if (!laddr_str[0]) {
		struct sa sa;

		transport_placeholder_laddr(&sa);
		(void)re_snprintf(laddr_str, sizeof(laddr_str), "%J", &sa);
	}
	plen = strlen(laddr_str);

	for (head = 0; head + 4 <= n; head++) {
		if (!memcmp(p + head, "\r\n\r\n", 4))
			break;
	}
	if (head + 4 > n)
		head = n;

	while (i < head) {
		if (i + plen <= head && !memcmp(p + i, laddr_str, plen)) {
			err |= mbuf_write_str(out, host);
			i += plen;
			continue;
		}
		err |= mbuf_write_u8(out, p[i]);
		i++;
	}
	err |= mbuf_write_mem(out, p + head, n - head);

	return err;
}


int websock_send(struct websock_conn *conn, enum websock_opcode opcode,
		 const char *fmt, ...)
{
	struct mbuf *mb = NULL, *out = NULL;
	va_list ap;
	int err;

	if (!conn || !fmt)
		return EINVAL;

	if (!conn->open)
		return ENOTCONN;

	if (opcode != WEBSOCK_BIN && opcode != WEBSOCK_TEXT)
		return ENOTSUP;

	mb  = mbuf_alloc(1024);
	out = mbuf_alloc(1024);
	if (!mb || !out) {
		err = ENOMEM;
		goto out;
	}

	va_start(ap, fmt);
	err = mbuf_vprintf(mb, fmt, ap);
	va_end(ap);
	if (err)
		goto out;

	err = rewrite_head(out, mb->buf, mb->end);
	if (err)
		goto out;

	if (spjs_ws_send(conn->handle, out->buf, out->end))
		err = ENOTCONN;

 out:
	mem_deref(mb);
	mem_deref(out);

	return err;
}


int websock_close(struct websock_conn *conn, enum websock_scode scode,
		  const char *fmt, ...)
{
	(void)fmt;

	if (!conn)
		return EINVAL;

	conn->open = false;
	spjs_ws_close(conn->handle, scode ? (int)scode : 1000);

	return 0;
}


const struct sa *websock_peer(const struct websock_conn *conn)
{
	return conn ? &conn->peer : NULL;
}


/* libre's transp.c only passes this to tcp_conn_local_get() (stubs.c) */
struct tcp_conn *websock_tcp(const struct websock_conn *conn)
{
	return conn ? (struct tcp_conn *)(void *)conn->sock : NULL;
}


/**
 * The message of the frame libre's sip/transp.c is receiving (patched to
 * call this instead of sip_msg_decode): the one the check decoded
 *
 * @param msgp Set to the message (a new reference)
 * @param mb   The frame, as transport_rx handed it to libre
 *
 * @return 0 if success, otherwise errorcode
 */
int transport_msg_decode(struct sip_msg **msgp, struct mbuf *mb)
{
	if (!msgp || !mb)
		return EINVAL;

	if (!rx.msg || rx.msg->mb != mb)
		return sip_msg_decode(msgp, mb);

	mb->pos = rx.pos;
	*msgp = mem_ref(rx.msg);

	return 0;
}


/**
 * One WebSocket frame arrived from the shim: check it, hand it to libre
 *
 * Every frame passes the strict message check (wasm/check/) first: what
 * it refuses (malformed, duplicate or missing headers, oversize values
 * that make libre's regex decoder slow) never reaches the SIP stack.  The
 * message the check decoded is the one libre gets (transport_msg_decode).
 *
 * @return 0, ENOENT for a stale handle, EMSGSIZE for an oversize frame,
 *         the check's errno for a refused message (dropped)
 */
int transport_rx(int handle, const uint8_t *buf, size_t len)
{
	struct websock_conn *conn = conn_lookup(handle);
	struct websock_hdr hdr;
	struct sip_msg *msg;
	int err;

	if (!conn || conn->handle != handle)
		return ENOENT;

	if (!buf && len)
		return EINVAL;

	if (len > FRAME_MAX)
		return EMSGSIZE;

	if (!conn->open || !conn->recvh)
		return ENOTCONN;

	/* RFC 7118 5: keep-alive CRLFs are not messages */
	if (len <= 4)
		return 0;

	err = check_sip_msg(&msg, buf, len);
	if (err) {
		DEBUG_WARNING("dropped a refused message (%m)\n", err);
		return err;
	}

	rx.msg = msg;
	rx.pos = msg->mb->pos;
	msg->mb->pos = 0;

	memset(&hdr, 0, sizeof(hdr));
	hdr.fin    = 1;
	hdr.opcode = WEBSOCK_BIN;
	hdr.len    = len;

	mem_ref(conn);
	conn->recvh(&hdr, msg->mb, conn->arg);
	mem_deref(conn);

	rx.msg = NULL;
	mem_deref(msg);

	return 0;
}


/**
 * The shim reports the WebSocket opened or closed
 *
 * @param handle Connection handle from spjs_ws_open()
 * @param state  TRANSPORT_OPEN or TRANSPORT_CLOSED
 * @param code   WebSocket close code (closed only)
 *
 * @return 0 or ENOENT for a stale handle
 */
int transport_state_set(int handle, enum transport_state state, int code)
{
	struct websock_conn *conn = conn_lookup(handle);
	struct websock *sock;

	if (!conn || conn->handle != handle)
		return ENOENT;

	sock = mem_ref(conn->sock);
	mem_ref(conn);

	switch (state) {

	case TRANSPORT_OPEN:
		if (!conn->open) {
			conn->open = true;
			if (sock->eventh)
				sock->eventh(TRANSPORT_OPEN, 0, sock->arg);
			if (conn->estabh)
				conn->estabh(conn->arg);
		}
		break;

	case TRANSPORT_CLOSED:
		conns[handle % CONN_MAX] = NULL;
		conn->open = false;
		if (sock->eventh)
			sock->eventh(TRANSPORT_CLOSED, code, sock->arg);
		if (conn->closeh)
			conn->closeh(code == 1000 ? 0 : ECONNRESET,
				     conn->arg);
		break;

	default:
		mem_deref(conn);
		mem_deref(sock);
		return EINVAL;
	}

	mem_deref(conn);
	mem_deref(sock);

	return 0;
}
