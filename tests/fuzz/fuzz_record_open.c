/**
 * @file fuzz_record_open.c  libFuzzer: the opener of sealed recordings
 *
 * An input that starts like a recording (0x89) is opened as it is, with
 * the fixed key and with the fixed identity (seeds: tests/vectors/record/,
 * sealed with them).  Any other input makes a recording here and edits
 * it before opening: byte 0 bit 0 picks key or identity mode, bytes 1-2
 * where the bytes are split, then [chunk size - 1][plaintext length]
 * [plaintext][edits: (offset, xor) pairs, a cut, an insertion].
 * Every open feeds two pieces split there, then the rest a byte at a time,
 * so every state sees a piece boundary.
 *
 * Whatever the input, the opener may only hand out authentic plaintext:
 * a recording made here and not edited opens to exactly its plaintext,
 * an edited one to a prefix of it; a refusal always has a reason.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const uint8_t fixed_key[RECORD_KEY_SIZE] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const uint8_t fixed_identity[RECORD_KEY_SIZE] = {
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
};


static int out_h(const uint8_t *p, size_t n, void *arg)
{
	return mbuf_write_mem(arg, p, n);
}


/* A recording of plaintext pt with chunks of 1 to 64 bytes */
static int make(struct mbuf *rec, bool rcpt, uint32_t chunk,
		const uint8_t *pt, size_t n)
{
	uint8_t pub[RECORD_KEY_SIZE];
	struct sealer *s = NULL;
	int err;

	if (rcpt) {
		err = seal_public(pub, fixed_identity);
		if (err)
			return err;
	}

	err = sealer_alloc_chunk(&s, rcpt ? SEAL_RECIPIENT : SEAL_KEY,
				 rcpt ? pub : fixed_key, chunk, out_h, rec);
	if (err)
		goto out;

	err = sealer_write(s, pt, n);
	if (err)
		goto out;

	err = sealer_close(s);

 out:
	mem_deref(s);

	return err;
}


/* Edits from the input: (offset, xor) pairs, then a cut or an insert */
static void edit(struct mbuf *rec, const uint8_t *e, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n && rec->end; i += 3) {
		const size_t off = ((size_t)e[i] << 8 | e[i + 1]) % rec->end;

		switch (e[i + 2] & 0x03) {

		case 0:
		case 1:
			rec->buf[off] ^= e[i + 2] | 1;
			break;

		case 2:
			rec->end = off;
			break;

		default:
			rec->pos = rec->end;
			(void)mbuf_write_u8(rec, e[i + 2]);
			break;
		}
	}
}


/* Open p in pieces; plaintext to plain.  Aborts on a broken promise */
static int open_pieces(const uint8_t *secret, const uint8_t *p, size_t n,
		       size_t split, struct mbuf *plain)
{
	struct opener *o = NULL;
	size_t i;
	int err;

	err = opener_alloc(&o, secret, out_h, plain);
	if (err)
		return err;

	split = split % (n + 1);
	err = opener_write(o, p, split);
	if (!err)
		err = opener_write(o, p + split, (n - split) / 2);
	for (i = split + (n - split) / 2; !err && i < n; ++i)
		err = opener_write(o, p + i, 1);
	if (!err)
		err = opener_close(o);

	/* a refusal is EBADMSG with a reason; ENOMEM may stop it too */
	if ((err == EBADMSG) != (opener_error(o) != SEAL_OK))
		abort();
	if (err && err != EBADMSG && err != ENOMEM)
		abort();

	mem_deref(o);

	return err;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *rec = NULL, *plain = NULL;
	size_t split, pt_len;
	bool rcpt, edited;
	int err;

	if (size < 3 || size > 65536)
		return 0;

	plain = mbuf_alloc(size + 16);
	if (!plain)
		goto out;

	if (data[0] == 0x89) {
		split = size / 3 + data[size - 1];
		(void)open_pieces(fixed_key, data, size, split, plain);
		(void)open_pieces(fixed_identity, data, size, split, plain);
		goto out;
	}

	rcpt  = data[0] & 1;
	split = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;

	/* [chunk size - 1][plaintext length][plaintext][edits] */
	if (size < 2)
		goto out;

	rec = mbuf_alloc(size + 256);
	if (!rec)
		goto out;

	pt_len = min((size_t)data[1], size - 2);
	if (make(rec, rcpt, 1 + (data[0] & 63), data + 2, pt_len))
		goto out;

	edited = size > 2 + pt_len;
	edit(rec, data + 2 + pt_len, size - 2 - pt_len);

	err = open_pieces(rcpt ? fixed_identity : fixed_key, rec->buf,
			  rec->end, split, plain);

	/* only authentic plaintext, all of it if nothing was changed */
	if (plain->end > pt_len || memcmp(plain->buf, data + 2, plain->end))
		abort();
	if (!edited && (err || plain->end != pt_len))
		abort();

 out:
	mem_deref(rec);
	mem_deref(plain);

	return 0;
}
