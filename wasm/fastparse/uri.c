/**
 * @file fastparse/uri.c  URI decode and encode without re_regex
 *
 * Replaces libre 1.1.0 src/uri/uri.c with the same API and results.
 * uri_decode tries libre's two forms in turn, each searched from every
 * start offset:
 *
 *   1. [^:]+:[^@:]*[:]*[^@]*@[^/;? ]+[^;? ]*[^?]*[^]*  (user[:pw]@host)
 *   2. [^:]+:[^/;? ]+[^;? ]*[^?]*[^]*                  (host only)
 *
 * so "sip:user;par=u@host" (RFC 4475 3.1.2.5) has user "user;par=u".
 * A host is "\[[0-9a-f:]+\][:]*[0-9]*" (found at any offset) or else
 * "[^:]+[:]*[0-9]*".  uri_param_get and uri_header_get match the name as
 * a prefix (";t" finds ";transport=x", value "ransport=x"), and always as
 * literal text: libre prints it into its expression, where '[' and '\'
 * are syntax and a long name is cut short.
 */
#include <stddef.h>
#include <string.h>
#include <re.h>
#include "fastparse.h"
#include "inet.h"


#define HOSTPORT FP_CLASS(FP_NOT | FP_PLUS, FP_SLASH | FP_SEMI | FP_QM | \
			  FP_SP, FP_LOC(0))
#define PATH_PARAMS_HEADERS						\
	FP_CLASS(FP_NOT, FP_SEMI | FP_QM | FP_SP, FP_OUT(struct uri, path)), \
	FP_CLASS(FP_NOT, FP_QM, FP_OUT(struct uri, params)),		\
	FP_CLASS(FP_NOT, 0, FP_OUT(struct uri, headers)), 0

static const uint8_t uri_user[] = {
	FP_CLASS(FP_NOT | FP_PLUS, FP_COLON, FP_OUT(struct uri, scheme)),
	':',
	FP_CLASS(FP_NOT, FP_AT | FP_COLON, FP_OUT(struct uri, user)),
	FP_CLASS(0, FP_COLON, FP_SKIP),
	FP_CLASS(FP_NOT, FP_AT, FP_OUT(struct uri, password)),
	'@', HOSTPORT, PATH_PARAMS_HEADERS
};

static const uint8_t uri_host[] = {
	FP_CLASS(FP_NOT | FP_PLUS, FP_COLON, FP_OUT(struct uri, scheme)),
	':', HOSTPORT, PATH_PARAMS_HEADERS
};

/* the host is stored at base (offset 0), the port in loc */
static const uint8_t hp_ipv6[] = {
	'[', FP_CLASS(FP_PLUS, FP_DIGIT | FP_HEX | FP_COLON, 0), ']',
	FP_CLASS(0, FP_COLON, FP_SKIP), FP_CLASS(0, FP_DIGIT, FP_LOC(0)), 0
};

static const uint8_t hp_name[] = {
	FP_CLASS(FP_NOT | FP_PLUS, FP_COLON, 0),
	FP_CLASS(0, FP_COLON, FP_SKIP), FP_CLASS(0, FP_DIGIT, FP_LOC(0)), 0
};

static const uint8_t param_get[] = {
	';', FP_NAME, FP_CLASS(0, FP_EQ, FP_SKIP),
	FP_CLASS(FP_NOT, FP_SEMI, FP_LOC(0)), 0
};

static const uint8_t param_next[] = {
	';', FP_CLASS(FP_NOT | FP_PLUS, FP_SEMI | FP_EQ, FP_LOC(0)),
	FP_CLASS(0, FP_EQ, FP_LOC(1)), FP_CLASS(FP_NOT, FP_SEMI, FP_LOC(2)), 0
};

static const uint8_t header_get[] = {
	FP_CLASS(FP_ONE | FP_PLUS, FP_QM | FP_AMP, FP_SKIP), FP_NAME, '=',
	FP_CLASS(FP_NOT | FP_PLUS, FP_AMP, FP_LOC(0)), 0
};

static const uint8_t header_next[] = {
	FP_CLASS(FP_ONE | FP_PLUS, FP_QM | FP_AMP, FP_LOC(0)),
	FP_CLASS(FP_NOT | FP_PLUS, FP_EQ, FP_LOC(1)), '=',
	FP_CLASS(FP_NOT | FP_PLUS, FP_AMP, FP_LOC(2)), 0
};


/**
 * Encode a URI object
 *
 * @param pf  Print function to encode into
 * @param uri URI object
 *
 * @return 0 if success, otherwise errorcode
 */
int uri_encode(struct re_printf *pf, const struct uri *uri)
{
	int err;

	if (!uri)
		return 0;

	if (!pl_isset(&uri->scheme) || !pl_isset(&uri->host))
		return EINVAL;

	err = re_hprintf(pf, "%r:", &uri->scheme);
	if (err)
		return err;

	/* each part is printed on its own, even after a failed one */
	if (pl_isset(&uri->user)) {

		err = re_hprintf(pf, "%r", &uri->user);
		if (pl_isset(&uri->password))
			err |= re_hprintf(pf, ":%r", &uri->password);
		err |= pf->vph("@", 1, pf->arg);
		if (err)
			return err;
	}

	err = re_hprintf(pf, uri->af == AF_INET6 ? "[%r]" : "%r",
			 &uri->host);
	if (err)
		return err;

	if (uri->port)
		err = re_hprintf(pf, ":%u", uri->port);

	return err | re_hprintf(pf, "%r%r%r", &uri->path, &uri->params,
				&uri->headers);
}


/**
 * Decode host-port portion of a URI (if present)
 *
 * @param hostport Host and port input string
 * @param host     Decoded host portion
 * @param port     Decoded port portion
 *
 * @return 0 if success, otherwise errorcode
 */
int uri_decode_hostport(const struct pl *hostport, struct pl *host,
			struct pl *port)
{
	if (!hostport || !host || !port)
		return EINVAL;

	/*
	 * A host that the IPv6 form stores in a failed attempt is stored
	 * again by the other form (there is a '['); the port is stored on
	 * a match only
	 */
	if (!fastparse_match(hostport, hp_ipv6, NULL, host, port))
		return 0;

	return fastparse_match(hostport, hp_name, NULL, host, port);
}


/* The host's address family, as libre's sa_set() tells it: an IPv4-mapped
 * IPv6 address counts as IPv4, a name as AF_UNSPEC */
static int host_af(const struct pl *host)
{
	static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
	uint8_t b[16];

	if (inet_parse4(b, host->p, host->l))
		return AF_INET;

	if (!inet_parse6(b, host->p, host->l))
		return AF_UNSPEC;

	return memcmp(b, mapped, sizeof(mapped)) ? AF_INET6 : AF_INET;
}


/**
 * Decode a pointer-length object into a URI object
 *
 * @param uri  URI object
 * @param pl   Pointer-length object to decode from
 *
 * @return 0 if success, otherwise errorcode
 */
int uri_decode(struct uri *uri, const struct pl *pl)
{
	struct pl port = PL_INIT, hostport;
	int err;

	if (!uri || !pl)
		return EINVAL;

	memset(uri, 0, sizeof(*uri));
	if (0 == fastparse_match(pl, uri_user, NULL, uri, &hostport) &&
	    0 == uri_decode_hostport(&hostport, &uri->host, &port))
		goto out;

	/* as libre, a failure leaves what this search last stored */
	memset(uri, 0, sizeof(*uri));
	err = fastparse_match(pl, uri_host, NULL, uri, &hostport);
	if (err)
		return err;

	err = uri_decode_hostport(&hostport, &uri->host, &port);
	if (err)
		return err;

 out:
	uri->af = host_af(&uri->host);

	if (pl_isset(&port))
		uri->port = (uint16_t)pl_u32(&port);

	return 0;
}


/* The name as libre's expression prints it ("%r": no pointer, no text) */
static const struct pl *litname(struct pl *name, const struct pl *pname)
{
	*name = *pname;
	if (!name->p)
		pl_set_str(name, "");

	return name;
}


/*
 * Call ah for each name/value that prog finds in pl: as libre, each
 * match is skipped by the length of its three captures plus the one
 * separator, counted from where the rest starts.  name is the index of
 * the capture that holds the name; the value is always capture 2.
 */
static int apply(const struct pl *pl, const uint8_t *prog,
		 unsigned name, uri_apply_h *ah, void *arg)
{
	struct pl plr, v[3];
	int err = 0;

	if (!pl || !ah)
		return EINVAL;

	for (plr = *pl; plr.l > 0; ) {

		err = fastparse_match(&plr, prog, NULL, NULL, v);
		if (err)
			break;

		pl_advance(&plr, 1 + v[0].l + v[1].l + v[2].l);

		err = ah(&v[name], &v[2], arg);
		if (err)
			break;
	}

	return err;
}


/**
 * Get a URI parameter and possibly the value of it
 *
 * @param pl     Pointer-length string containing parameters
 * @param pname  URI Parameter name
 * @param pvalue Returned URI Parameter value
 *
 * @return 0 if success, otherwise errorcode
 */
int uri_param_get(const struct pl *pl, const struct pl *pname,
		  struct pl *pvalue)
{
	struct pl name;

	if (!pl || !pname || !pvalue)
		return EINVAL;

	return fastparse_match(pl, param_get, litname(&name, pname), NULL,
			       pvalue);
}


/**
 * Call the apply handler for each URI Parameter
 *
 * @param pl  Pointer-length string containing parameters
 * @param ah  Apply handler
 * @param arg Handler argument
 *
 * @return 0 if success, otherwise errorcode (returned from handler)
 */
int uri_params_apply(const struct pl *pl, uri_apply_h *ah, void *arg)
{
	return apply(pl, param_next, 0, ah, arg);
}


/**
 * Get a URI header and possibly the value of it
 *
 * @param pl     Pointer-length string containing URI Headers
 * @param hname  URI Header name
 * @param hvalue Returned URI Header value
 *
 * @return 0 if success, otherwise errorcode
 */
int uri_header_get(const struct pl *pl, const struct pl *hname,
		   struct pl *hvalue)
{
	struct pl name;

	if (!pl || !hname || !hvalue)
		return EINVAL;

	return fastparse_match(pl, header_get, litname(&name, hname), NULL,
			       hvalue);
}


/**
 * Call the apply handler for each URI Header
 *
 * @param pl  Pointer-length string containing URI Headers
 * @param ah  Apply handler
 * @param arg Handler argument
 *
 * @return 0 if success, otherwise errorcode (returned from handler)
 */
int uri_headers_apply(const struct pl *pl, uri_apply_h *ah, void *arg)
{
	return apply(pl, header_next, 1, ah, arg);
}
