/**
 * @file transp.c  libre's SIP transport on the browser's WebSocket
 *
 * Replaces libre's sip/transp.c, and with it libre's WebSocket client and
 * the TCP, UDP, HTTP and TLS code that stands under it.  A browser phone
 * has one flow per SIP stack: the WebSocket the shim opens to the
 * configured wss:// server (RFC 7118 5).  Every message goes over that
 * flow, whatever its next hop (Request-URI, Record-Route, a Contact's
 * *.invalid host): libre's routing picks an address, the address is not
 * used.  A message sent while the flow opens waits in its queue; when the
 * flow closes the waiting ones fail.  This file is the mechanism: the
 * flow opens when its owner says so (transport_open; the owner is asked
 * with TRANSPORT_NEEDED when a message finds no flow) and the owner is
 * told when it opened or closed.  The policy, when to open and reopen,
 * is wasm/transport/flow.c's.  The flow lives as long as the browser
 * keeps it (no idle timer).
 *
 * Every frame passes the strict message check (wasm/check/) before the
 * SIP stack sees it, and the stack gets the message the check decoded.
 *
 * Privacy, RFC 7118 5: libre formats a placeholder local address into
 * Via and Contact; on the way out it becomes a random "*.invalid" host,
 * so no address of this machine ever leaves.
 */
#include <string.h>
#include <re.h>
#include <sip.h>
#include "spjs.h"
/* The check decodes the frames: check/ and all it uses (sipmsg/,
 * fastparse/, the leaves inet/ and jsonstr/) sit below transport/ and
 * include nothing of it, so this arrow points down */
#include "check.h"
#include "transport.h"
#include "handle.h"


#define DEBUG_MODULE "transp"
#include <re_dbg.h>


enum {
	CONN_MAX   = 8192, /* two per phone while a flow is replaced:
			      transport_limit() uses a part */
	VIA_HOSTSZ = 24,
	CLOSE_NORMAL = 1000,
	LOG_LINE_MAX = 120,   /* of a start line or value in the log */
};

/* The transport of one SIP stack: where its flow goes (in sip->transpl) */
struct sip_transport {
	struct le le;
	struct sip *sip;
	struct sip_conn *conn;   /* the flow, open or opening; or NULL */
	char *url;               /* the servers, separated by spaces  */
	size_t srv;              /* offset in url of the one to open  */
	int owner;
	transport_event_h *eventh;
	void *arg;
};

/* One WebSocket; messages received on it hold it as msg->sock */
struct sip_conn {
	struct sip_transport *transp;   /* NULL once closed */
	struct list ql;                 /* waiting for the open */
	int handle;
	bool open;
};

/* A message waiting for the flow to open; ctrans may cancel it */
struct sip_connqent {
	struct le le;
	struct mbuf *mb;
	struct sip_connqent **qentp;
	sip_transp_h *transph;
	void *arg;
};

/* sip.c allocates one for a WebSocket server side: a phone has none */
struct websock {
	websock_shutdown_h *shuth;
	void *arg;
};

static struct sip_conn *connv[CONN_MAX];
static int conn_idv[CONN_MAX];
static struct handles conns = HANDLES(connv, conn_idv);
static char via_host[VIA_HOSTSZ];
static char laddr_str[32];


/**
 * Use @p n slots of the connection table (1..CONN_MAX, set while none is
 * open: twice the core's phone limit, wasm/abi/phones.c)
 */
void transport_limit(int n)
{
	conns.n = n;
}


/** The placeholder local address libre formats into Via and Contact */
void transport_placeholder_laddr(struct sa *sa)
{
	(void)sa_set_str(sa, "192.0.2.2", 9);
}


/* The peer of every flow, as libre sees it (TEST-NET-1, RFC 5737) */
static void placeholder_peer(struct sa *sa)
{
	(void)sa_set_str(sa, "192.0.2.1", 443);
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
	for (i = 0; i < sizeof(rnd); ++i)
		via_host[i] = hex[rnd[i] & 0x1f];
	(void)re_snprintf(&via_host[i], sizeof(via_host) - i, ".invalid");

	return via_host;
}


static struct sip_conn *conn_lookup(int handle)
{
	return handle_get(&conns, handle);
}


static void qent_destructor(void *arg)
{
	struct sip_connqent *qent = arg;

	if (qent->qentp)
		*qent->qentp = NULL;

	list_unlink(&qent->le);
	mem_deref(qent->mb);
}


/* Forget the WebSocket of @p conn and have the shim close it */
static void conn_shut(struct sip_conn *conn)
{
	conn->open = false;

	if (conn_lookup(conn->handle) != conn)
		return;

	DEBUG_INFO("flow %d: closing (its phone closes)\n", conn->handle);
	handle_del(&conns, conn->handle);
	spjs_ws_close(conn->handle, CLOSE_NORMAL);
}


static void conn_destructor(void *arg)
{
	struct sip_conn *conn = arg;

	conn_shut(conn);
	list_flush(&conn->ql);
}


/* The flow closes with its stack, even if a message still holds it */
static void transp_destructor(void *arg)
{
	struct sip_transport *transp = arg;

	if (transp->conn) {
		transp->conn->transp = NULL;
		conn_shut(transp->conn);
	}

	list_unlink(&transp->le);
	mem_deref(transp->conn);
	mem_deref(transp->url);
}


/* The transport of @p sip for @p tp: the stack has at most one */
static struct sip_transport *transp_find(const struct sip *sip,
					 enum sip_transp tp)
{
	struct sip_transport *transp;

	if (!sip)
		return NULL;

	transp = list_ledata(list_head(&sip->transpl));

	return transp && tp == SIP_TRANSP_WSS ? transp : NULL;
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

	for (head = 0; head + 4 <= n; ++head) {
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


#if DEBUG_LEVEL >= 7
/*
 * For the debug log: the start line of a message (name NULL) or the value
 * of its header @p name, written as libre writes it ("Call-ID: ").  Only
 * these are logged: other values (Authorization) may carry secrets.
 */
static struct pl head_value(const uint8_t *p, size_t n, const char *name)
{
	const size_t len = name ? strlen(name) : 0;
	struct pl val = PL("-");
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) : n;
		size_t end = e > i && p[e - 1] == '\r' ? e - 1 : e;

		if (end == i)
			break;  /* the empty line: the head ended */

		if (!name || (end - i > len && !memcmp(p + i, name, len))) {
			val.p = (const char *)p + i + len;
			val.l = min(end - i - len, (size_t)LOG_LINE_MAX);
			break;
		}

		i = e + 1;
	}

	return val;
}
#endif


/* One message out as one frame (RFC 7118 5.2) */
static int frame_send(struct sip_conn *conn, struct mbuf *mb)
{
	struct mbuf *out;
	int err;

	out = mbuf_alloc(mbuf_get_left(mb) + VIA_HOSTSZ * 4);
	if (!out)
		return ENOMEM;

	err = rewrite_head(out, mbuf_buf(mb), mbuf_get_left(mb));
	if (!err && spjs_ws_send(conn->handle, out->buf, out->end))
		err = ENOTCONN;

#if DEBUG_LEVEL >= 7
	if (!err) {
		struct pl start = head_value(out->buf, out->end, NULL);
		struct pl callid = head_value(out->buf, out->end, "Call-ID: ");
		struct pl cseq = head_value(out->buf, out->end, "CSeq: ");

		DEBUG_PRINTF("flow %d: sent %r (Call-ID %r, CSeq %r,"
			     " %zu bytes)\n", conn->handle, &start, &callid,
			     &cseq, out->end);
	}
#endif

	mem_deref(out);

	return err;
}


/* Open a new flow for @p transp (none is open or opening) */
static int flow_new(struct sip_transport *transp)
{
	const char *url = transp->url + transp->srv;
	struct sip_conn *conn;

	conn = mem_zalloc(sizeof(*conn), conn_destructor);
	if (!conn)
		return ENOMEM;

	conn->handle = handle_add(&conns, conn);
	if (!conn->handle) {
		mem_deref(conn);
		return EMFILE;
	}

	if (spjs_ws_open(conn->handle, transp->owner, url,
			 strcspn(url, " "))) {
		mem_deref(conn);
		return ENOTCONN;
	}

	conn->transp = transp;
	transp->conn = conn;

	return 0;
}


/* The flow of @p transp: the one open or opening, else the one its owner
 * opens when asked (TRANSPORT_NEEDED) */
static int flow_get(struct sip_conn **connp, struct sip_transport *transp)
{
	if (!transp->conn)
		transp->eventh(TRANSPORT_NEEDED, 0, transp->arg);

	if (!transp->conn)
		return ENOTCONN;

	*connp = transp->conn;

	return 0;
}


/**
 * Open the flow of a SIP stack, unless one is open or opening
 *
 * @param sip SIP stack with a transport (transport_attach)
 *
 * @return 0 if a flow is open or opening, otherwise errorcode
 */
int transport_open(struct sip *sip)
{
	struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);

	if (!transp || !transp->url)
		return EINVAL;

	return transp->conn ? 0 : flow_new(transp);
}


/**
 * Make the next server of the list (after the last, the first again), or
 * the first, the one the next flow of a SIP stack opens to
 *
 * @param sip   SIP stack with a transport (transport_attach)
 * @param first Go back to the first server
 *
 * @return true if that is not the first server
 */
bool transport_next(struct sip *sip, bool first)
{
	struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);
	const char *p;

	if (!transp || !transp->url)
		return false;

	p = transp->url + transp->srv;
	p += strcspn(p, " ");
	transp->srv = *p && !first ? (size_t)(p + 1 - transp->url) : 0;

	return transp->srv != 0;
}


/**
 * Send the RFC 5626 4.4.1 keep-alive (CRLFCRLF) on the open flow; the
 * server's CRLF comes back as TRANSPORT_ALIVE
 *
 * @return 0 if sent, ENOTCONN if no flow is open
 */
int transport_ping(struct sip *sip)
{
	static const uint8_t ping[] = "\r\n\r\n";
	struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);

	if (!transp || !transp->conn || !transp->conn->open)
		return ENOTCONN;

	return spjs_ws_send(transp->conn->handle, ping, 4) ? ENOTCONN : 0;
}


static void flow_closed(struct sip_conn *conn, int code);


/**
 * Close the flow of a SIP stack now (its owner found it dead): the shim
 * closes the WebSocket, and the owner is told TRANSPORT_CLOSED with
 * @p code at once, as if the browser had reported it
 */
void transport_close(struct sip *sip, int code)
{
	struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);
	struct sip_conn *conn;

	if (!transp || !transp->conn)
		return;

	conn = transp->conn;
	spjs_ws_close(conn->handle, code);
	flow_closed(conn, code);
}


int sip_transp_send(struct sip_connqent **qentp, struct sip *sip, void *sock,
		    enum sip_transp tp, const struct sa *dst, struct mbuf *mb,
		    sip_transp_h *transph, void *arg)
{
	struct sip_transport *transp;
	struct sip_conn *conn = sock;
	struct sip_connqent *qent;
	int err;

	if (!sip || !dst || !mb)
		return EINVAL;

	transp = transp_find(sip, tp);
	if (!transp)
		return EPROTONOSUPPORT;

	/* a response goes back on the flow its request came in on while
	 * that is open; anything else on the stack's flow */
	if (!conn || !conn->open) {
		err = flow_get(&conn, transp);
		if (err)
			return err;
	}

	if (conn->open)
		return frame_send(conn, mb);

	qent = mem_zalloc(sizeof(*qent), qent_destructor);
	if (!qent)
		return ENOMEM;

	list_append(&conn->ql, &qent->le, qent);
	qent->mb      = mem_ref(mb);
	qent->transph = transph;
	qent->arg     = arg;

	if (qentp) {
		qent->qentp = qentp;
		*qentp = qent;
	}

	return 0;
}


/* Empty the queue of @p conn: sent if @p err is 0, else failed with it */
static void queue_flush(struct sip_conn *conn, int err)
{
	struct le *le = list_head(&conn->ql);

	while (le) {
		struct sip_connqent *qent = le->data;
		int e = err;

		le = le->next;

		if (qent->qentp) {
			*qent->qentp = NULL;
			qent->qentp = NULL;
		}

		if (!e)
			e = frame_send(conn, qent->mb);
		if (e && qent->transph)
			qent->transph(e, qent->arg);

		list_unlink(&qent->le);
		mem_deref(qent);
	}
}


/* sip/transp.c's dispatch: the first listener that takes it, else 481
 * or 501 for a request (RFC 3261 9.2, 8.2.1) */
static void sip_recv(struct sip *sip, const struct sip_msg *msg)
{
	struct le *le = sip->lsnrl.head;

	while (le) {
		struct sip_lsnr *lsnr = le->data;

		le = le->next;

		if (msg->req != lsnr->req)
			continue;

		if (lsnr->msgh(msg, lsnr->arg))
			return;
	}

	if (!msg->req)
		return;

	if (!pl_strcmp(&msg->met, "CANCEL"))
		(void)sip_reply(sip, msg, 481, "Transaction Does Not Exist");
	else
		(void)sip_reply(sip, msg, 501, "Not Implemented");
}


/**
 * One WebSocket frame arrived from the shim: check it, hand it to libre
 *
 * Every frame passes the strict message check (wasm/check/) first: what
 * it refuses (malformed, duplicate or missing headers, oversize values)
 * never reaches the SIP stack, which gets the message the check decoded.
 *
 * @return 0, ENOENT for a stale handle, EMSGSIZE for an oversize frame,
 *         the check's errno for a refused message (dropped)
 */
int transport_rx(int handle, const uint8_t *buf, size_t len)
{
	struct sip_conn *conn = conn_lookup(handle);
	struct sip_msg *msg;
	int err;

	if (!conn)
		return ENOENT;

	if (!buf && len)
		return EINVAL;

	if (len > CHECK_SIZE_MAX) {
		DEBUG_INFO("flow %d: refused a frame of %zu bytes:"
			   " too-large\n", handle, len);
		return EMSGSIZE;
	}

	if (!conn->open || !conn->transp)
		return ENOTCONN;

	/* the flow is alive; RFC 5626 4.4.1's keep-alive CRLFs (our
	 * pong) are not messages */
	conn->transp->eventh(TRANSPORT_ALIVE, 0, conn->transp->arg);
	if (len <= 4 || !conn->transp)
		return 0;

	err = check_sip_msg(&msg, buf, len);
	if (err) {
		DEBUG_WARNING("dropped a refused message (%m)\n", err);
		return err;
	}

#if DEBUG_LEVEL >= 7
	{
		struct pl start = head_value(buf, len, NULL);

		DEBUG_PRINTF("flow %d: received %r (Call-ID %r, CSeq %u %r,"
			     " %zu bytes)\n", handle, &start, &msg->callid,
			     msg->cseq.num, &msg->cseq.met, len);
	}
#endif

	msg->sock = mem_ref(conn);
	msg->tp   = SIP_TRANSP_WSS;
	placeholder_peer(&msg->src);
	transport_placeholder_laddr(&msg->dst);

	sip_recv(conn->transp->sip, msg);

	mem_deref(msg);

	return 0;
}


/* The flow opened: what waited goes out */
static void flow_open(struct sip_conn *conn)
{
	struct sip_transport *transp = conn->transp;

	if (conn->open)
		return;

	conn->open = true;
	transp->eventh(TRANSPORT_OPEN, 0, transp->arg);

	queue_flush(conn, 0);
}


/* The flow closed: the stack's next message opens a new one; what
 * waited for this one fails */
static void flow_closed(struct sip_conn *conn, int code)
{
	struct sip_transport *transp = conn->transp;

	handle_del(&conns, conn->handle);
	conn->open   = false;
	conn->transp = NULL;
	if (transp->conn == conn)
		transp->conn = NULL;  /* its reference is ours now */
	else
		mem_ref(conn);

	transp->eventh(TRANSPORT_CLOSED, code, transp->arg);

	queue_flush(conn, ECONNRESET);
	mem_deref(conn);
}


/**
 * The shim reports the WebSocket opened or closed
 *
 * @param handle Connection handle from spjs_ws_open()
 * @param state  TRANSPORT_OPEN or TRANSPORT_CLOSED
 * @param code   WebSocket close code (closed only)
 *
 * @return 0, ENOENT for a stale handle, EINVAL for another state
 */
int transport_state_set(int handle, enum transport_state state, int code)
{
	struct sip_conn *conn = conn_lookup(handle);

	if (!conn || !conn->transp)
		return ENOENT;

	switch (state) {

	case TRANSPORT_OPEN:
		mem_ref(conn);
		flow_open(conn);
		mem_deref(conn);
		return 0;

	case TRANSPORT_CLOSED:
		flow_closed(conn, code);
		return 0;

	default:
		return EINVAL;
	}
}


/**
 * Give a SIP stack its transport: WSS to the server URL
 *
 * @param sip    SIP stack (from sip_alloc), without a transport yet
 * @param url    wss:// URL, or several separated by spaces (the first is
 *               opened until transport_next()), already checked by
 *               policy_servers_check()
 * @param eventh The flow's owner: told of state changes, asked to open
 * @param arg    Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int transport_attach(struct sip *sip, const char *url,
		     transport_event_h *eventh, void *arg)
{
	struct sip_transport *transp;
	int err;

	if (!sip || !url || !eventh || sip->transpl.head)
		return EINVAL;

	transp = mem_zalloc(sizeof(*transp), transp_destructor);
	if (!transp)
		return ENOMEM;

	err = str_dup(&transp->url, url);
	if (err) {
		mem_deref(transp);
		return err;
	}

	transp->sip    = sip;
	transp->eventh = eventh;
	transp->arg    = arg;
	list_append(&sip->transpl, &transp->le, transp);

	return 0;
}


/** Tag the flow of a SIP stack with the phone handle that owns it */
void transport_set_owner(struct sip *sip, int owner)
{
	struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);

	if (transp)
		transp->owner = owner;
}


int sip_transp_init(struct sip *sip, uint32_t sz)
{
	(void)sip;
	(void)sz;

	return 0;
}


int sip_transp_laddr(struct sip *sip, struct sa *laddr, enum sip_transp tp,
		     const struct sa *dst)
{
	(void)dst;

	if (!laddr)
		return EINVAL;

	if (!transp_find(sip, tp))
		return EPROTONOSUPPORT;

	transport_placeholder_laddr(laddr);

	return 0;
}


bool sip_transp_supported(struct sip *sip, enum sip_transp tp, int af)
{
	return transp_find(sip, tp) != NULL &&
		(af == AF_UNSPEC || af == AF_INET);
}


/**
 * Get the name of a given SIP Transport
 *
 * @param tp SIP Transport
 *
 * @return Name of the corresponding SIP Transport
 */
const char *sip_transp_name(enum sip_transp tp)
{
	switch (tp) {

	case SIP_TRANSP_UDP: return "UDP";
	case SIP_TRANSP_TCP: return "TCP";
	case SIP_TRANSP_TLS: return "TLS";
	case SIP_TRANSP_WS:  return "WS";
	case SIP_TRANSP_WSS: return "WSS";
	default:             return "???";
	}
}


/**
 * Get the transport parameters for a given SIP Transport
 *
 * @param tp SIP Transport
 *
 * @return Transport parameters of the corresponding SIP Transport
 */
const char *sip_transp_param(enum sip_transp tp)
{
	switch (tp) {

	case SIP_TRANSP_TCP: return ";transport=tcp";
	case SIP_TRANSP_TLS: return ";transport=tls";
	case SIP_TRANSP_WS:  return ";transport=ws";
	case SIP_TRANSP_WSS: return ";transport=wss";
	default:             return "";
	}
}


/* Every flow is the WebSocket (sip_transp_supported: WSS only), which is
 * reliable: libre's transactions need no retransmission timers */
bool sip_transp_reliable(enum sip_transp tp)
{
	(void)tp;

	return true;
}


/**
 * Get the default port number for a given SIP Transport
 *
 * @param tp   SIP Transport
 * @param port Port number
 *
 * @return Corresponding port number
 */
uint16_t sip_transp_port(enum sip_transp tp, uint16_t port)
{
	if (port)
		return port;

	switch (tp) {

	case SIP_TRANSP_UDP: return SIP_PORT;
	case SIP_TRANSP_TCP: return SIP_PORT;
	case SIP_TRANSP_TLS: return SIP_PORT_TLS;
	case SIP_TRANSP_WS:  return 80;
	case SIP_TRANSP_WSS: return 443;
	default:             return 0;
	}
}


int sip_transp_debug(struct re_printf *pf, const struct sip *sip)
{
	const struct sip_transport *transp = transp_find(sip, SIP_TRANSP_WSS);

	if (!transp)
		return re_hprintf(pf, "transport: none\n");

	return re_hprintf(pf, "transport: WSS %s (flow %d, %s)\n",
			  transp->url, transp->conn ? transp->conn->handle : 0,
			  transp->conn && transp->conn->open ?
			  "open" : "closed");
}


int websock_alloc(struct websock **sockp, websock_shutdown_h *shuth,
		  void *arg)
{
	struct websock *sock;

	if (!sockp)
		return EINVAL;

	sock = mem_zalloc(sizeof(*sock), NULL);
	if (!sock)
		return ENOMEM;

	sock->shuth = shuth;
	sock->arg   = arg;
	*sockp = sock;

	return 0;
}


void websock_shutdown(struct websock *sock)
{
	if (sock && sock->shuth)
		sock->shuth(sock->arg);
}


/* sip.c makes a STUN client for UDP keep-alives: a phone has no UDP */
int stun_alloc(struct stun **stunp, const struct stun_conf *conf,
	       stun_ind_h *indh, void *arg)
{
	(void)conf;
	(void)indh;
	(void)arg;

	if (stunp)
		*stunp = NULL;

	return 0;
}
