/**
 * @file codes.c  Tests of the stable codes' tables (wasm/codes/codes.c)
 *
 * That JS knows every code is tests/node/codes.test.js; here, that each
 * input maps as codes.h decides (403, EALREADY, EBUSY, EPROTO).
 */
#include <string.h>
#include <re.h>
#include "codes.h"
#include "test.h"


int test_codes_sip(void)
{
	static const struct {
		uint16_t status;
		const char *call;
		const char *reg;
	} v[] = {
		{300, "redirected",         "rejected"},
		{380, "redirected",         "rejected"},
		{400, "rejected",           "rejected"},
		{401, "auth-failed",        "auth-failed"},
		{403, "forbidden",          "forbidden"},
		{404, "not-found",          "rejected"},
		{407, "auth-failed",        "auth-failed"},
		{408, "timeout",            "timeout"},
		{410, "not-found",          "rejected"},
		{423, "rejected",           "rejected"},
		{480, "unavailable",        "rejected"},
		{484, "address-incomplete", "rejected"},
		{486, "busy",               "rejected"},
		{487, "cancelled",          "rejected"},
		{488, "not-acceptable",     "rejected"},
		{500, "server-error",       "rejected"},
		{503, "server-error",       "rejected"},
		{599, "server-error",       "rejected"},
		{600, "busy",               "rejected"},
		{603, "declined",           "rejected"},
		{604, "not-found",          "rejected"},
		{606, "not-acceptable",     "rejected"},
		{699, "rejected",           "rejected"},
		{0,   "rejected",           "rejected"},
		{999, "rejected",           "rejected"},
	};
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {
		TEST_STRCMP(v[i].call, codes_status(v[i].status, false));
		TEST_STRCMP(v[i].reg, codes_status(v[i].status, true));
	}

 out:
	return err;
}


int test_codes_errno(void)
{
	static const struct {
		int err;
		const char *code;
	} v[] = {
		{ENOENT,          "not-found"},
		{EALREADY,        "invalid-state"},
		{EPROTO,          "invalid-state"},
		{EBUSY,           "busy"},
		{ENOMEM,          "no-memory"},
		{ENOTCONN,        "transport-closed"},
		{ECONNRESET,      "transport-closed"},
		{EPROTONOSUPPORT, "insecure-transport"},
		{ETIMEDOUT,       "timeout"},
		{EINVAL,          "invalid-argument"},
		{ENOKEY,          "credentials-needed"},
		{EAUTH,           "internal"},
		{EBADMSG,         "internal"},
		{0,               "internal"},
		{-1,              "internal"},
	};
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i)
		TEST_STRCMP(v[i].code, codes_errno(v[i].err));

 out:
	return err;
}
