/**
 * @file transport.h  SIP over the JS-owned WebSocket (RFC 7118)
 *
 * libre's sip/transp.c is replaced by wasm/transport/transp.c: one flow
 * per SIP stack, the browser's WebSocket, opened, fed and closed by the
 * shim.  Connections cross the boundary as integer handles.  transp.c is
 * the mechanism only: when to open is decided by the handler given to
 * transport_attach(), the flow's owner (wasm/transport/flow.c).
 */

struct sip;

/** WebSocket states reported by the shim through sp_ws_state(), and
 *  what the transport asks of its owner (never from the shim) */
enum transport_state {
	TRANSPORT_OPEN = 1,
	TRANSPORT_CLOSED = 2,
	TRANSPORT_NEEDED = 3,  /* a message must go out and no flow is
				  open or opening: transport_open() now,
				  or the message fails with ENOTCONN */
	TRANSPORT_ALIVE = 4,   /* a frame arrived on the open flow (a
				  message or a keep-alive pong)      */
};

typedef void (transport_event_h)(enum transport_state state, int code,
				 void *arg);

int  transport_attach(struct sip *sip, const char *url,
		      transport_event_h *eventh, void *arg);
void transport_set_owner(struct sip *sip, int owner);
int  transport_open(struct sip *sip);
int  transport_ping(struct sip *sip);
void transport_close(struct sip *sip, int code);
bool transport_next(struct sip *sip, bool first);
void transport_limit(int n);
int  transport_rx(int conn, const uint8_t *buf, size_t len);
int  transport_state_set(int conn, enum transport_state state, int code);
void transport_placeholder_laddr(struct sa *sa);
const char *transport_via_host(void);
