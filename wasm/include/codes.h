/**
 * @file codes.h  The stable codes the core gives JS, and what maps to them
 *
 * Every error code (a reply's "err", a failure event's "code") and every
 * end cause of a call the core emits is spelled once, here, and C names
 * it (CODE_BUSY), never writes it as a literal.  They are macros, not
 * objects, so each stays one merged string literal in the page core.
 * The SDP policy's refusal reasons are its own (wasm/policy/); they end
 * calls too.  JS has the same codes as the unions ErrorCode and Cause
 * (shim/errors.js): tests/node/codes.test.js reads this file and fails
 * when a code here is missing in JS, when JS has a code nobody emits, or
 * when C writes a code as a literal.
 *
 * The tables (wasm/codes/codes.c) decide once what an input means:
 *   SIP final status -> a call's end cause, a MESSAGE's or OPTIONS' code
 *   SIP final status -> a registration's code (a subset; others "rejected")
 *   errno            -> a command's error code
 * and give the reason phrase of a status we send.
 *
 * 403 is "forbidden" for calls, registrations and messages alike: RFC
 * 3261 21.4.4 says authorization will not help, so "auth-failed" (check
 * the password) would send the user the wrong way; it stays the code of
 * a 401/407 challenge we could not answer.  JsSIP, too, has one table for
 * calls and registrations, 401/407 its authentication error and 403 a
 * refusal (REJECTED, with 603); SIP.js hands out the status alone.
 *
 * errno, by what the caller can do about it:
 *   EBUSY            "busy": something else is in progress (a change of
 *                    the call, a REGISTER) or every slot is taken; wait
 *                    for it and try again
 *   EALREADY, EPROTO "invalid-state": not in the state for that, or in
 *                    it already (answer a call that is not ringing, hold
 *                    a held one); trying again will not help.  libre's
 *                    sipsess, too, says EPROTO for a request its state
 *                    refuses; the SDP policy's EPROTO replies with the
 *                    policy's reason instead.
 */

/** The methods a phone implements, as the Allow header (RFC 3261 20.5)
 *  of its INVITEs, 2xx answers and out-of-dialog responses */
#define SIP_ALLOW "Allow: INVITE, ACK, CANCEL, BYE, INFO, MESSAGE, OPTIONS\r\n"


/* Causes: how a call ended (CALL_EV_ENDED); a failed call step or request
 * rejects with one, so each is an error code too (Cause in ErrorCode) */
#define CODE_ADDRESS_INCOMPLETE	"address-incomplete"	/* 484 */
#define CODE_AUTH_FAILED	"auth-failed"		/* 401, 407 */
#define CODE_BUSY		"busy"			/* 486, 600; EBUSY */
#define CODE_CANCELLED		"cancelled"		/* 487 */
#define CODE_DECLINED		"declined"		/* 603 */
#define CODE_FORBIDDEN		"forbidden"		/* 403 */
#define CODE_LOCAL_HANGUP	"local-hangup"
#define CODE_MALFORMED_SDP	"malformed-sdp"		/* no SDP body */
#define CODE_NO_CANDIDATES	"no-candidates"		/* no ICE candidate */
#define CODE_NOT_ACCEPTABLE	"not-acceptable"	/* 488, 606 */
#define CODE_NOT_FOUND		"not-found"		/* 404, 410, 604 */
#define CODE_PHONE_CLOSED	"phone-closed"
#define CODE_REDIRECTED		"redirected"		/* 3xx */
#define CODE_REJECTED		"rejected"		/* other statuses */
#define CODE_REMOTE_HANGUP	"remote-hangup"
#define CODE_SERVER_ERROR	"server-error"		/* 5xx */
#define CODE_TIMEOUT		"timeout"		/* 408, ETIMEDOUT */
#define CODE_TRANSPORT_CLOSED	"transport-closed"	/* ENOTCONN */
#define CODE_UNAVAILABLE	"unavailable"		/* 480 */

/* Error codes that never end a call */
#define CODE_ALGORITHM_REFUSED	"algorithm-refused"
#define CODE_BAD_COMMAND	"bad-command"
#define CODE_CREDENTIALS_NEEDED	"credentials-needed"	/* ENOKEY */
#define CODE_CREDENTIALS_UNAVAILABLE "credentials-unavailable"
#define CODE_FAILBACK		"failback"	/* back to the first server */
#define CODE_FLOW_DEAD		"flow-dead"		/* keep-alive lost */
#define CODE_INSECURE_TRANSPORT	"insecure-transport"	/* EPROTONOSUPPORT */
#define CODE_INTERNAL		"internal"		/* other errno */
#define CODE_INVALID_ARGUMENT	"invalid-argument"	/* EINVAL */
#define CODE_INVALID_CONFIG	"invalid-config"
#define CODE_INVALID_STATE	"invalid-state"		/* EALREADY, EPROTO */
#define CODE_INVALID_TARGET	"invalid-target"
#define CODE_NO_MEMORY		"no-memory"		/* ENOMEM */
#define CODE_NOT_INITIALIZED	"not-initialized"
#define CODE_REALM_MISMATCH	"realm-mismatch"
#define CODE_TOO_LARGE		"too-large"


const char *codes_status(uint16_t status, bool reg);
const char *codes_errno(int err);
const char *codes_reason(uint16_t status);
