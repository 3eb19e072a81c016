/**
 * @file test.h  C unit test macros and the test table (after re/test/test.h)
 *
 * A test is `int test_<module>_<behaviour>(void)` returning 0 or an errno;
 * it uses the macros below with `goto out`.  The runner (main.c) checks that
 * no timers are left after every test (LeakSanitizer finds leaks natively);
 * with --oom it runs each test failing one allocation after another (oom.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Evaluates @p e once; a failure is the test's err (every test has one) */
#define TEST_ERR(e)							\
	do {								\
		const int test_err_ = (e);				\
		if (test_err_) {					\
			(void)fprintf(stderr, "%s:%u: error %d\n",	\
				      __FILE__, __LINE__, test_err_);	\
			err = test_err_;				\
			goto out;					\
		}							\
	} while (0)

#define TEST_EQUALS(expected, actual)					\
	if ((expected) != (actual)) {					\
		(void)fprintf(stderr, "%s:%u: expected %lld, got %lld\n",\
			      __FILE__, __LINE__,			\
			      (long long)(expected), (long long)(actual));\
		err = EINVAL;						\
		goto out;						\
	}

#define TEST_STRCMP(expected, actual)					\
	if (strcmp((expected), (actual))) {				\
		(void)fprintf(stderr, "%s:%u: expected \"%s\", got \"%s\"\n",\
			      __FILE__, __LINE__, (expected), (actual));\
		err = EINVAL;						\
		goto out;						\
	}

#define TEST_ASSERT(cond)						\
	if (!(cond)) {							\
		(void)fprintf(stderr, "%s:%u: assertion failed: %s\n",	\
			      __FILE__, __LINE__, #cond);		\
		err = EINVAL;						\
		goto out;						\
	}

/* Where the unit tests find tests/vectors (set by main.c from argv) */
extern const char *test_datapath;

/* Read a whole file (at most 1 MiB) into a new mbuf; ENOENT, EFBIG, EIO */
struct mbuf;
int test_file_load(struct mbuf **mbp, const char *path);

/* A response built from its text without the strict check, for tests of
 * modules that must stay robust on what the check refuses; see main.c */
struct sip_msg;
int test_msg_build(struct sip_msg **msgp, struct mbuf *mb);

/* Every vector file NAME<ext> in test_datapath/sub; see main.c */
typedef int (test_vector_h)(const char *dir, const char *name, void *arg);
int test_vectors_each(const char *sub, const char *ext, test_vector_h *fh,
		      void *arg);

/* Fake JS imports (fake_spjs.c): what the core sent and emitted */
struct fake_spjs {
	int opens;             /* spjs_ws_open calls             */
	int closes;            /* spjs_ws_close calls            */
	int last_conn;         /* handle of the last open        */
	char url[256];         /* URL of the last open           */
	char sent[16][8192];   /* last SIP messages sent, ring   */
	int nsent;
	char events[64][1024]; /* last events emitted, ring      */
	int nevents;
	int open_err;          /* spjs_ws_open returns this      */
	char log[16384];       /* the core's log lines, in order */
	size_t loglen;         /* (the first 16 KiB)             */
};
extern struct fake_spjs fake_spjs;
void fake_spjs_reset(void);
const char *fake_spjs_event(const char *prefix);
int fake_spjs_count(const char *needle);
const char *fake_spjs_sent(int i);

/* Out-of-memory mode (oom.c, native only): one run of a test from a fresh
 * core, 0 or its error; *timers is set if it left timers running */
typedef int (oom_run_h)(void *arg, bool *timers);
struct oom_report {
	uint64_t n;       /* the allocation failing in the last run       */
	uint64_t allocs;  /* allocations of the run where none failed     */
	uint64_t enomem;  /* runs that returned ENOMEM                    */
	uint64_t other;   /* runs that returned another error (asserts)   */
	uint64_t passed;  /* runs that passed with an allocation failing  */
	uint64_t vectors; /* vectors of its walks run on their own ...    */
	uint64_t vallocs; /* ... their allocations, each failed in turn   */
	bool bounded;     /* the runs stopped at the bound, all clean     */
	bool vbounded;    /* ... a vector's runs did                      */
	bool vector;      /* the bug is in a vector's own runs            */
	char why[192];    /* the bug, or ""                               */
};
bool oom_run(struct oom_report *rep, uint64_t n, oom_run_h *runh,
	     void *arg);
int oom_test(struct oom_report *rep, uint64_t max, oom_run_h *runh,
	     void *arg, bool quiet);
int oom_vector(test_vector_h *fh, const char *dir, const char *name,
	       void *arg);
bool oom_supported(void);

/* Bugs --oom must catch (oom_canary.c), with what it must say */
#define OOM_CANARIES(X)					\
	X(oom_canary_leak,   "blocks left allocated")	\
	X(oom_canary_null,   "crashed")			\
	X(oom_canary_ubsan,  "crashed")			\
	X(oom_canary_timer,  "timers left running")	\
	X(oom_canary_vector, "blocks left allocated")	\
	X(oom_canary_fails,  "with no allocation failing")
#define X(name, why) int name(void);
OOM_CANARIES(X)
#undef X

/* The test clock (clock.c): natively libre's clock jumps @p ms ahead, so
 * a test waiting for the core's timers does not wait; in wasm, a no-op */
void test_clock_skip(unsigned ms);
bool test_wait_for(int ms, bool (*done)(void));

/* The table: every test is listed once here and defined in its module's
 * file */
#define TESTS(X)				\
	X(test_crypto_hashes)			\
	X(test_crypto_sha512_256)		\
	X(test_crypto_rand)			\
	X(test_crypto_table_hash)		\
	X(test_crypto_x25519)			\
	X(test_crypto_hkdf)			\
	X(test_crypto_gcm)			\
	X(test_record_ogg_crc)			\
	X(test_record_ogg_pages)		\
	X(test_record_ogg_tags_span)		\
	X(test_record_ogg_misuse)		\
	X(test_record_seal_roundtrip)		\
	X(test_record_seal_format)		\
	X(test_record_seal_tamper)		\
	X(test_record_seal_stream)		\
	X(test_record_seal_truncate)		\
	X(test_record_seal_misuse)		\
	X(test_record_seal_vectors)		\
	X(test_auth_rfc7616_md5)		\
	X(test_auth_rfc7616_sha256)		\
	X(test_auth_sha512_256)			\
	X(test_auth_challenge_decode)		\
	X(test_auth_strongest_wins)		\
	X(test_auth_realm_pinned)		\
	X(test_auth_min_algorithm)		\
	X(test_auth_ha1)			\
	X(test_auth_stale_retry_once)		\
	X(test_auth_rejected_no_loop)		\
	X(test_auth_hostile_challenges)		\
	X(test_auth_vectors)			\
	X(test_auth_no_qop)			\
	X(test_auth_qop)			\
	X(test_auth_plain_handler)		\
	X(test_auth_two_proxies)		\
	X(test_auth_secrets)			\
	X(test_auth_creds)			\
	X(test_auth_creds_short_lived)		\
	X(test_policy_transport)		\
	X(test_policy_sdp_vectors)		\
	X(test_policy_sdp_mdns)			\
	X(test_policy_sdp_relay)		\
	X(test_policy_sdp_misuse)		\
	X(test_fastparse_uri)			\
	X(test_fastparse_hostport)		\
	X(test_fastparse_uri_params)		\
	X(test_fastparse_uri_encode)		\
	X(test_fastparse_param)			\
	X(test_fastparse_via)			\
	X(test_fastparse_addr)			\
	X(test_fastparse_cseq)			\
	X(test_fastparse_ctype)			\
	X(test_fastparse_misuse)		\
	X(test_fastparse_names)			\
	X(test_fastparse_hostile)		\
	X(test_sipmsg_vectors)			\
	X(test_sipmsg_quirks)			\
	X(test_sipmsg_libre_refuses)		\
	X(test_sipmsg_decode)			\
	X(test_transport_flow)			\
	X(test_transport_phone_close)		\
	X(test_transport_ntop)			\
	X(test_abi_misuse)			\
	X(test_abi_json)			\
	X(test_abi_phone_limit)		\
	X(test_abi_json_decode)		\
	X(test_abi_odict)			\
	X(test_abi_sdp_check)			\
	X(test_abi_str_error)			\
	X(test_heap_alloc)			\
	X(test_handle_table)			\
	X(test_jsonstr_escape)			\
	X(test_codes_sip)			\
	X(test_codes_errno)			\
	X(test_sipcheck_vectors)		\
	X(test_sipcheck_rfc4475)		\
	X(test_sipcheck_json)			\
	X(test_sipcheck_misuse)			\
	X(test_ua_register_flow)		\
	X(test_ua_register_auth_failed)		\
	X(test_ua_register_codes)		\
	X(test_ua_no_ip_in_headers)		\
	X(test_ua_register_recovers)		\
	X(test_ua_flow_reopen)			\
	X(test_ua_servers)			\
	X(test_ua_failback)			\
	X(test_ua_failback_no_reopen)		\
	X(test_flow_backoff)			\
	X(test_ua_flow_hostile_servers)	\
	X(test_ua_keepalive)			\
	X(test_ua_flow_give_up)		\
	X(test_ua_silent_server)		\
	X(test_ua_credentials_on_demand)	\
	X(test_ua_credentials_refused)		\
	X(test_ua_log_levels)			\
	X(test_call_outgoing)			\
	X(test_call_answer_refused)		\
	X(test_call_relay_fails_closed)		\
	X(test_call_incoming)			\
	X(test_call_reject)			\
	X(test_call_message_options)		\
	X(test_call_early_media_two_calls)	\
	X(test_call_misuse)			\
	X(test_call_no_candidates_outgoing)	\
	X(test_call_no_candidates_incoming)	\
	X(test_call_options_out)		\
	X(test_call_flow_events)		\
	X(test_call_ice_restart)		\
	X(test_call_relay_restart_refused)	\
	X(test_call_gruu_contact)		\
	X(test_call_issue_12_close_before_ack)

#define X(name) int name(void);
TESTS(X)
#undef X
