/**
 * @file ogg.c  Ogg Opus writer: Opus packets into Ogg pages
 *
 * RFC 3533 (the Ogg page: capture pattern "OggS", version 0, header type
 * flags, granule position, serial, page sequence, CRC-32 with polynomial
 * 0x04c11db7, initial value 0, no reflection, over the page with its CRC
 * field zeroed; lacing values of 255 ended by one below 255, at most 255
 * per page) and RFC 7845 (Ogg Opus):
 *
 * - page 0, alone, flagged BOS: the OpusHead packet (5.1), version 1,
 *   mapping family 0, output gain 0; granule position 0;
 * - then the OpusTags packet (5.2): the vendor string and one comment,
 *   ENCODER=sipshield; it ends its page, whose granule position is 0
 *   (pages it only passes through carry -1, RFC 3533 6);
 * - then audio pages; an audio page's granule position is the number of
 *   48 kHz samples of every packet up to the last one ending on it, the
 *   pre-skip included (RFC 7845 4).  Packets never span pages (they are
 *   under 255 * 255 bytes), so every audio page ends one.
 *
 * A page goes out when about one second of audio or 255 lacing values
 * have gathered, on ogg_writer_flush() and on ogg_writer_close(), which
 * flags the last page EOS (an empty page if nothing is pending: RFC 3533
 * allows it, and its granule position is -1 as no packet ends on it).
 * The writer does not trim end padding (RFC 7845 4.4).
 */
#include <string.h>
#include <re.h>
#include "record.h"


#define DEBUG_MODULE "ogg"
#include <re_dbg.h>


enum {
	PAGE_HDR       = 27,            /* RFC 3533 6, before the lacing */
	SEG_MAX        = 255,
	PAGE_DATA_MAX  = SEG_MAX * SEG_MAX,
	PAGE_MAX       = PAGE_HDR + SEG_MAX + PAGE_DATA_MAX,
	PAGE_SAMPLES   = 48000,         /* about one second at 48 kHz */
	PACKET_SAMPLES_MAX = 5760,      /* RFC 6716 3.2.5: 120 ms */
	VENDOR_MAX     = 1 << 17,
	OPUSHEAD_SIZE  = 19,

	FLAG_CONTINUED = 0x01,
	FLAG_BOS       = 0x02,
	FLAG_EOS       = 0x04,
};

static const char comment[] = "ENCODER=sipshield";


struct ogg_writer {
	record_out_h *outh;
	void *arg;
	uint8_t *page;         /* header, lacing, data at PAGE_HDR + SEG_MAX */
	uint8_t lacing[SEG_MAX];
	size_t nseg;
	size_t datalen;
	uint64_t granule;      /* samples of every packet so far            */
	uint64_t page_granule; /* granule at the last packet ended on page  */
	uint32_t page_samples;
	uint32_t serial;
	uint32_t seq;
	bool ended;            /* a packet ends on the page being built     */
	bool continued;        /* the page starts inside a packet           */
	bool bos;              /* the next page is the first                */
	bool closed;
	int err;               /* sticky: the output handler failed         */
};


/* CRC-32, polynomial 0x04c11db7, most significant bit first, a nibble a
 * step: the table is (i << 28) shifted four times */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x04c11db7, 0x09823b6e, 0x0d4326d9,
	0x130476dc, 0x17c56b6b, 0x1a864db2, 0x1e475005,
	0x2608edb8, 0x22c9f00f, 0x2f8ad6d6, 0x2b4bcb61,
	0x350c9b64, 0x31cd86d3, 0x3c8ea00a, 0x384fbdbd,
};


/**
 * Update the Ogg page CRC (RFC 3533 6): polynomial 0x04c11db7, no
 * reflection, no final xor; a page's CRC starts from 0
 *
 * @param crc CRC so far (0 to start)
 * @param p   Bytes (may be NULL if n is 0)
 * @param n   Number of bytes
 *
 * @return The updated CRC
 */
uint32_t ogg_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;

	if (!p)
		return crc;

	for (i = 0; i < n; ++i) {
		crc = (crc << 4) ^ crc_nibble[(crc >> 28) ^ (p[i] >> 4)];
		crc = (crc << 4) ^ crc_nibble[(crc >> 28) ^ (p[i] & 0x0f)];
	}

	return crc;
}


static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}


static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}


static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}


static void destructor(void *arg)
{
	struct ogg_writer *ow = arg;

	mem_deref(ow->page);
}


/* The page being built goes out (RFC 3533 6) */
static int page_out(struct ogg_writer *ow, bool eos)
{
	uint8_t *pg = ow->page;
	const size_t len = PAGE_HDR + ow->nseg + ow->datalen;
	uint8_t flags = 0;
	int err;

	if (ow->seq == UINT32_MAX)
		return EOVERFLOW;

	if (ow->continued)
		flags |= FLAG_CONTINUED;
	if (ow->bos)
		flags |= FLAG_BOS;
	if (eos)
		flags |= FLAG_EOS;

	memmove(pg + PAGE_HDR + ow->nseg, pg + PAGE_HDR + SEG_MAX,
		ow->datalen);
	memcpy(pg + PAGE_HDR, ow->lacing, ow->nseg);

	memcpy(pg, "OggS", 4);
	pg[4] = 0;
	pg[5] = flags;
	put_le64(pg + 6, ow->ended ? ow->page_granule : UINT64_MAX);
	put_le32(pg + 14, ow->serial);
	put_le32(pg + 18, ow->seq);
	put_le32(pg + 22, 0);
	pg[26] = (uint8_t)ow->nseg;
	put_le32(pg + 22, ogg_crc32(0, pg, len));

	err = ow->outh(pg, len, ow->arg);
	if (err) {
		ow->err = err;
		return err;
	}

	++ow->seq;
	ow->nseg = 0;
	ow->datalen = 0;
	ow->page_samples = 0;
	ow->ended = false;
	ow->continued = false;
	ow->bos = false;

	return 0;
}


/* Lace a packet into the page, spilling onto new pages if it must */
static int packet_add(struct ogg_writer *ow, const uint8_t *p, size_t n)
{
	uint8_t *data = ow->page + PAGE_HDR + SEG_MAX;
	size_t seg;
	int err;

	do {
		if (ow->nseg == SEG_MAX) {
			err = page_out(ow, false);
			if (err)
				return err;

			ow->continued = true;
		}

		seg = min(n, (size_t)SEG_MAX);
		ow->lacing[ow->nseg++] = (uint8_t)seg;
		if (seg) {
			memcpy(data + ow->datalen, p, seg);
			ow->datalen += seg;
			p += seg;
			n -= seg;
		}

	} while (seg == SEG_MAX);

	ow->ended = true;
	ow->page_granule = ow->granule;

	return 0;
}


static int tags_write(struct ogg_writer *ow, const char *vendor)
{
	const size_t vlen = str_len(vendor);
	const size_t clen = sizeof(comment) - 1;
	const size_t n = 8 + 4 + vlen + 4 + 4 + clen;
	uint8_t *pkt, *p;
	int err;

	pkt = mem_alloc(n, NULL);
	if (!pkt)
		return ENOMEM;

	/* RFC 7845 5.2 */
	p = pkt;
	memcpy(p, "OpusTags", 8);
	put_le32(p + 8, (uint32_t)vlen);
	p += 12;
	if (vlen)
		memcpy(p, vendor, vlen);
	p += vlen;
	put_le32(p, 1);
	put_le32(p + 4, (uint32_t)clen);
	memcpy(p + 8, comment, clen);

	err = packet_add(ow, pkt, n);
	if (err)
		goto out;

	/* RFC 7845 3: the comment header ends its page */
	err = page_out(ow, false);

 out:
	mem_deref(pkt);

	return err;
}


/**
 * Start an Ogg Opus stream: the OpusHead and OpusTags pages go out now
 *
 * @param owp  Pointer to allocated writer
 * @param prm  OpusHead and OpusTags fields (channels 1 or 2; vendor may be
 *             NULL for an empty one)
 * @param outh Handler for each finished page (one call a page)
 * @param arg  Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int ogg_writer_alloc(struct ogg_writer **owp,
		     const struct ogg_opus_params *prm,
		     record_out_h *outh, void *arg)
{
	uint8_t head[OPUSHEAD_SIZE];
	struct ogg_writer *ow;
	int err;

	if (!owp || !prm || !outh)
		return EINVAL;

	if (prm->channels < 1 || prm->channels > 2 ||
	    str_len(prm->vendor) > VENDOR_MAX)
		return EINVAL;

	ow = mem_zalloc(sizeof(*ow), destructor);
	if (!ow)
		return ENOMEM;

	ow->outh   = outh;
	ow->arg    = arg;
	ow->serial = prm->serial;
	ow->bos    = true;

	ow->page = mem_alloc(PAGE_MAX, NULL);
	if (!ow->page) {
		err = ENOMEM;
		goto out;
	}

	/* RFC 7845 5.1 */
	memcpy(head, "OpusHead", 8);
	head[8] = 1;
	head[9] = prm->channels;
	put_le16(head + 10, prm->preskip);
	put_le32(head + 12, prm->input_rate);
	put_le16(head + 16, 0);
	head[18] = 0;

	err = packet_add(ow, head, sizeof(head));
	if (err)
		goto out;

	/* RFC 7845 3: the identification header is alone on page 0 */
	err = page_out(ow, false);
	if (err)
		goto out;

	err = tags_write(ow, prm->vendor);

 out:
	if (err)
		mem_deref(ow);
	else
		*owp = ow;

	return err;
}


/**
 * Add an Opus packet; a page goes out when about one second of audio or
 * 255 lacing values have gathered
 *
 * @param ow      Ogg writer
 * @param pkt     Opus packet (may be NULL if n is 0)
 * @param n       Its length, less than 255 * 255 bytes
 * @param samples Its duration in 48 kHz samples (at most 5760)
 *
 * @return 0 if success, otherwise errorcode
 */
int ogg_writer_packet(struct ogg_writer *ow, const uint8_t *pkt, size_t n,
		      uint32_t samples)
{
	const size_t segs = n / SEG_MAX + 1;
	int err;

	if (!ow || (!pkt && n) || n >= PAGE_DATA_MAX ||
	    samples > PACKET_SAMPLES_MAX)
		return EINVAL;

	if (ow->err)
		return ow->err;

	if (ow->closed)
		return EINVAL;

	if (ow->nseg + segs > SEG_MAX) {
		err = page_out(ow, false);
		if (err)
			return err;
	}

	ow->granule += samples;
	ow->page_samples += samples;

	err = packet_add(ow, pkt, n);
	if (err)
		return err;

	if (ow->page_samples >= PAGE_SAMPLES || ow->nseg == SEG_MAX)
		return page_out(ow, false);

	return 0;
}


/**
 * Send the page being built now (nothing if no packet is pending)
 *
 * @param ow Ogg writer
 *
 * @return 0 if success, otherwise errorcode
 */
int ogg_writer_flush(struct ogg_writer *ow)
{
	if (!ow)
		return EINVAL;

	if (ow->err)
		return ow->err;

	if (ow->closed)
		return EINVAL;

	if (!ow->nseg)
		return 0;

	return page_out(ow, false);
}


/**
 * End the stream: the last page goes out flagged EOS
 *
 * @param ow Ogg writer
 *
 * @return 0 if success, otherwise errorcode
 */
int ogg_writer_close(struct ogg_writer *ow)
{
	int err;

	if (!ow)
		return EINVAL;

	if (ow->err)
		return ow->err;

	if (ow->closed)
		return EINVAL;

	err = page_out(ow, true);
	if (!err)
		ow->closed = true;

	return err;
}
