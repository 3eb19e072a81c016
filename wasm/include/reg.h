/**
 * @file reg.h  REGISTER client (RFC 3261 section 10)
 */

struct reg;
struct sip;
struct auth_creds;

enum reg_event {
	REG_EV_REGISTERED,     /* 2xx; expires = granted seconds        */
	REG_EV_UNREGISTERED,   /* binding removed (or never made)       */
	REG_EV_FAILED,         /* code = stable reason, status = SIP    */
	REG_EV_NEED_CREDS,     /* code = "missing", "expired", "rejected":
				  the app must answer with reg_credentials */
};

struct reg_info {
	uint32_t expires;
	uint16_t status;
	const char *code;      /* "auth-failed", "timeout", ...        */
	struct pl reason;      /* SIP reason phrase, if any            */
	uint32_t retry_in;     /* FAILED: ms to the automatic retry, 0 none */
};

typedef void (reg_event_h)(enum reg_event ev, const struct reg_info *info,
			   void *arg);

int  reg_alloc(struct reg **regp, struct sip *sip, const char *aor,
	       const char *display, uint32_t expires,
	       struct auth_creds *creds, reg_event_h *eh, void *arg);
int  reg_register(struct reg *reg);
int  reg_unregister(struct reg *reg);
void reg_flow_down(struct reg *reg, uint32_t retry_in);
bool reg_flow_up(struct reg *reg);
void reg_give_up(struct reg *reg);
const char *reg_gruu(const struct reg *reg);
void reg_set_outbound(struct reg *reg, const char *instance,
		      bool retry_first);
bool reg_recovering(const struct reg *reg);
void reg_credentials(struct reg *reg, bool ok);
bool reg_registered(const struct reg *reg);
