/**
 * @file fuzz_fastparse.c  libFuzzer: the regex-free header decoders
 *
 * The input is one header value (a pl, copied so that ASan sees any read
 * past its end), given to each decoder of wasm/fastparse: URI (and its
 * parameters, headers and re-encoding), parameters, Via, address, CSeq
 * and Content-Type.  A first octet below 0x20 is the length of a
 * parameter name taken from the octets after it.
 */
#include <string.h>
#include <re.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int apply_h(const struct pl *name, const struct pl *val, void *arg)
{
	size_t *n = arg;

	*n += name->l + val->l;

	return 0;
}


static void params(const struct pl *pl, const char *name)
{
	struct pl val, pname;

	pl_set_str(&pname, name);

	if (!msg_param_decode(pl, name, &val))
		(void)pl_u32(&val);
	(void)msg_param_exists(pl, name, &val);
	(void)uri_param_get(pl, &pname, &val);
	(void)uri_header_get(pl, &pname, &val);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = {"branch", "tag", "transport", "lr",
				      "maddr", ""};
	struct msg_ctype ctype;
	struct sip_cseq cseq;
	struct sip_addr addr;
	struct sip_via via;
	struct uri uri;
	struct pl pl, host, port;
	char name[32], out[512];
	size_t i, n = 0;
	char *buf;

	if (size > 16384)
		return 0;

	name[0] = '\0';
	if (size && data[0] < 0x20) {
		n = data[0] < size ? data[0] : size - 1;
		memcpy(name, data + 1, n);
		name[n] = '\0';
		data += 1 + n;
		size -= 1 + n;
	}

	buf = mem_alloc(size ? size : 1, NULL);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	pl.p = buf;
	pl.l = size;

	if (!uri_decode(&uri, &pl)) {
		(void)re_snprintf(out, sizeof(out), "%H", uri_encode, &uri);
		(void)re_snprintf(out, 16, "%H", uri_encode, &uri);
		(void)uri_params_apply(&uri.params, apply_h, &n);
		(void)uri_headers_apply(&uri.headers, apply_h, &n);
	}
	(void)uri_decode_hostport(&pl, &host, &port);
	(void)uri_params_apply(&pl, apply_h, &n);
	(void)uri_headers_apply(&pl, apply_h, &n);

	for (i = 0; i < ARRAY_SIZE(names); ++i)
		params(&pl, names[i]);
	params(&pl, name);

	(void)sip_via_decode(&via, &pl);
	if (!sip_addr_decode(&addr, &pl))
		(void)re_snprintf(out, sizeof(out), "%H", uri_encode,
				  &addr.uri);
	(void)sip_cseq_decode(&cseq, &pl);
	if (!msg_ctype_decode(&ctype, &pl))
		(void)msg_ctype_cmp(&ctype, "application", "sdp");

	mem_deref(buf);

	return 0;
}
