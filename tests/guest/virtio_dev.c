// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's functional virtio tests, one per device type (virtio 1.x
 * section 5): blk reads sector 0, writes sector 1 = sector 0 XOR 0xa5,
 * flushes, reads it back and asks for the serial id; net sends an ARP
 * who-has 10.0.2.1 from 10.0.2.15 and waits for the reply; rng reads 64
 * bytes. README (Virtio) lists the report lines.
 */
#include "lib.h"
#include "print.h"
#include "virtio.h"

#define SECTOR 512
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define BLK_ID_BYTES 20
#define BLK_F_RO BIT(5)
#define BLK_F_FLUSH BIT(9)
#define BLK_PATTERN 0xa5

#define NET_F_MAC BIT(5)
#define NET_F_CTRL_VQ BIT(17)
#define NET_HDR 12 /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define NET_RX_BUFS 4
#define NET_RX_LEN 1536 /* >= 1526: no GSO, no mergeable buffers (5.1.6.3.1) */
#define NET_ARP_LEN 42
#define NET_FRAMES_MAX 32
#define NET_TRIES 3
#define NET_WAIT_REPLY 5000 /* ms per try */

#define RNG_BYTES 64

struct blk_req {
	u32 type;
	u32 reserved;
	u64 sector;
};

/* .bss: every buffer is written before it is read. */
static struct blk_req blk_hdr;
static u8 blk_status;
static u8 sec0[SECTOR], sec1[SECTOR];
static char blk_id[BLK_ID_BYTES + 1];
static u8 mac[6];
static u8 net_tx_hdr[NET_HDR];
static u8 net_tx[64];
static u8 net_rx[NET_RX_BUFS][NET_RX_LEN];
static u8 rng_buf[RNG_BYTES];

static const u8 guest_ip[4] = { 10, 0, 2, 15 };
static const u8 host_ip[4] = { 10, 0, 2, 1 };

static u32 fnv1a(const u8 *p, u32 n)
{
	u32 h = 0x811c9dc5;

	while (n--) {
		h ^= *p++;
		h *= 0x01000193;
	}
	return h;
}

static void hex(const u8 *p, u32 n)
{
	for (u32 i = 0; i < n; i++)
		pr("%02x", p[i]);
}

static void pr_mac(const char *key, const u8 *m)
{
	pr(" %s=%02x:%02x:%02x:%02x:%02x:%02x", key, m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void pr_ip(const char *key, const u8 *ip)
{
	pr(" %s=%u.%u.%u.%u", key, ip[0], ip[1], ip[2], ip[3]);
}

u64 vtest_features(const struct vdev *d)
{
	if (d->id == VIRTIO_ID_BLK)
		return BLK_F_FLUSH | BLK_F_RO;
	if (d->id == VIRTIO_ID_NET)
		return NET_F_MAC;
	return 0;
}

u32 vtest_nr_queues(const struct vdev *d)
{
	if (d->id == VIRTIO_ID_NET)
		return (d->offered & NET_F_CTRL_VQ) ? 3 : 2;
	return 1;
}

u32 vtest_queue(const struct vdev *d)
{
	return d->id == VIRTIO_ID_NET ? 1 : 0; /* net: transmitq1 */
}

/* Everything up to DRIVER_OK, with the queues the probe uses ready. */
static bool setup(struct vdev *d)
{
	if (!virtio_begin(d, vtest_features(d)))
		return false;
	for (u32 q = 0; q < VQ_MAX && q <= vtest_queue(d); q++)
		if (!virtio_queue(d, q, true))
			return false;
	virtio_driver_ok(d);
	return true;
}

static u32 blk_chain(struct vbuf *b, u32 type, u64 sector, void *data, u32 len, bool write)
{
	u32 n = 0;

	blk_hdr.type = type;
	blk_hdr.reserved = 0;
	blk_hdr.sector = sector;
	blk_status = 0xff;
	b[n++] = (struct vbuf){ (u64)&blk_hdr, sizeof(blk_hdr), false };
	if (len)
		b[n++] = (struct vbuf){ (u64)data, len, write };
	b[n++] = (struct vbuf){ (u64)&blk_status, 1, true };
	return n;
}

static void arp_request(void)
{
	static const u8 head[] = { 0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1 };
	u8 *f = net_tx;

	memset(net_tx_hdr, 0, NET_HDR);
	memset(f, 0xff, 6); /* broadcast */
	memcpy(f + 6, mac, 6);
	memcpy(f + 12, head, sizeof(head)); /* ethertype ARP; Ethernet/IPv4; request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, guest_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, host_ip, 4);
}

static u32 net_chain(struct vbuf *b)
{
	arp_request();
	b[0] = (struct vbuf){ (u64)net_tx_hdr, NET_HDR, false };
	b[1] = (struct vbuf){ (u64)net_tx, NET_ARP_LEN, false };
	return 2;
}

u32 vtest_request(struct vdev *d, struct vbuf *b)
{
	if (d->id == VIRTIO_ID_BLK)
		return blk_chain(b, BLK_T_IN, 0, sec0, SECTOR, true);
	if (d->id == VIRTIO_ID_NET)
		return net_chain(b);
	b[0] = (struct vbuf){ (u64)rng_buf, RNG_BYTES, true };
	return 1;
}

bool vtest_request_ok(const struct vdev *d, const struct vring_used_elem *e)
{
	if (d->id == VIRTIO_ID_BLK)
		return blk_status == 0;
	if (d->id == VIRTIO_ID_RNG)
		return e->len > 0 && e->len <= RNG_BYTES;
	return true;
}

/*
 * One request on queue 0 (descriptors 0..2): prints "<name>: <what> ..." with
 * the status byte, or a timeout, without the newline. True on status 0.
 */
static bool blk_do(struct vdev *d, const char *what, u32 type, u64 sector, void *data, u32 len,
		   bool write)
{
	struct vring_used_elem e;
	struct vbuf b[3];
	u32 n = blk_chain(b, type, sector, data, len, write);

	vq_submit(&d->vq[0], 0, b, n);
	vq_kick(d, 0);
	if (!vq_wait(&d->vq[0], VQ_WAIT_DONE, &e)) {
		pr("%s: %s sector=%lu error timeout used_idx=%u", d->name, what, sector,
		   vq_used_idx(&d->vq[0]));
		return false;
	}
	pr("%s: %s sector=%lu status=%u len=%u id=%u", d->name, what, sector, blk_status, e.len,
	   e.id);
	return blk_status == 0;
}

void vtest_blk(struct vdev *d)
{
	u64 cap;

	if (!setup(d))
		return;
	cap = vcfg32(d, 0) | (u64)vcfg32(d, 4) << 32;
	pr("%s: slot=%u features=0x%lx accepted=0x%lx capacity=%lu ro=%u\n", d->name, d->slot,
	   d->offered, d->accepted, cap, !!(d->offered & BLK_F_RO));
	if (blk_do(d, "read", BLK_T_IN, 0, sec0, SECTOR, true)) {
		pr(" sum=0x%08x head=", fnv1a(sec0, SECTOR));
		hex(sec0, 8);
	}
	pr("\n");
	for (u32 i = 0; i < SECTOR; i++)
		sec1[i] = sec0[i] ^ BLK_PATTERN;
	blk_do(d, "write", BLK_T_OUT, 1, sec1, SECTOR, false);
	pr(" sum=0x%08x\n", fnv1a(sec1, SECTOR));
	if (d->accepted & BLK_F_FLUSH) {
		blk_do(d, "flush", BLK_T_FLUSH, 0, NULL, 0, false);
		pr("\n");
	} else {
		pr("%s: flush skipped (VIRTIO_BLK_F_FLUSH not offered)\n", d->name);
	}
	/* sec0 differs from sec1 in every byte: a stale buffer cannot match. */
	if (blk_do(d, "readback", BLK_T_IN, 1, sec0, SECTOR, true))
		pr(" match=%u", !memcmp(sec0, sec1, SECTOR));
	pr("\n");
	memset(blk_id, 0, sizeof(blk_id));
	if (blk_do(d, "get_id", BLK_T_GET_ID, 0, blk_id, BLK_ID_BYTES, true)) {
		for (u32 i = 0; blk_id[i]; i++)
			if (blk_id[i] <= ' ' || blk_id[i] > '~')
				blk_id[i] = '?';
		pr(" serial=%s", blk_id);
	}
	pr("\n");
	virtio_reset(d);
}

/* A frame in rx buffer i (len bytes with the header): the ARP reply we want? */
static bool arp_reply(const u8 *f, u32 len)
{
	return len >= NET_HDR + NET_ARP_LEN && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 &&
	       f[21] == 2 && !memcmp(f + 28, host_ip, 4) && !memcmp(f + 38, guest_ip, 4);
}

static bool net_wait_reply(struct vdev *d, u32 *frames)
{
	struct vq *rx = &d->vq[0];
	struct vring_used_elem e;

	while (*frames < NET_FRAMES_MAX && vq_wait(rx, NET_WAIT_REPLY, &e)) {
		const u8 *f;

		(*frames)++;
		if (e.id >= NET_RX_BUFS || e.len > NET_RX_LEN) {
			pr("net: error rx used id=%u len=%u\n", e.id, e.len);
			return false;
		}
		f = net_rx[e.id] + NET_HDR;
		if (arp_reply(f, e.len)) {
			pr("net: rx arp reply frames=%u len=%u", *frames, e.len);
			pr_mac("mac", f + 22);
			pr_ip("ip", f + 28);
			pr_mac("dst", f);
			pr("\n");
			return true;
		}
		pr("net: rx other len=%u type=0x%02x%02x\n", e.len, f[12], f[13]);
		vq_post(rx, (u16)e.id);
		vq_kick(d, 0);
	}
	return false;
}

void vtest_net(struct vdev *d)
{
	struct vring_used_elem e;
	struct vbuf b[2];
	u32 frames = 0;

	if (!setup(d))
		return;
	for (u32 i = 0; i < 6; i++)
		mac[i] = vcfg8(d, i);
	pr("net: slot=%u features=0x%lx accepted=0x%lx", d->slot, d->offered, d->accepted);
	pr_mac("mac", mac);
	pr("\n");
	for (u32 i = 0; i < NET_RX_BUFS; i++) {
		b[0] = (struct vbuf){ (u64)net_rx[i], NET_RX_LEN, true };
		vq_submit(&d->vq[0], (u16)i, b, 1);
	}
	vq_kick(d, 0);
	for (u32 t = 0; t < NET_TRIES; t++) {
		vq_submit(&d->vq[1], 0, b, net_chain(b));
		vq_kick(d, 1);
		if (!vq_wait(&d->vq[1], VQ_WAIT_DONE, &e)) {
			pr("net: error tx timeout used_idx=%u\n", vq_used_idx(&d->vq[1]));
			break;
		}
		pr("net: tx arp try=%u id=%u", t, e.id);
		pr_ip("who_has", host_ip);
		pr_ip("tell", guest_ip);
		pr("\n");
		if (net_wait_reply(d, &frames))
			break;
		if (t + 1 == NET_TRIES)
			pr("net: error no arp reply frames=%u\n", frames);
	}
	virtio_reset(d);
}

void vtest_rng(struct vdev *d)
{
	struct vring_used_elem e;
	struct vbuf b;
	u64 seen[4] = { 0, 0, 0, 0 };
	u32 got = 0, reqs = 0, distinct = 0;

	if (!setup(d))
		return;
	while (got < RNG_BYTES && reqs < 8) {
		b = (struct vbuf){ (u64)rng_buf + got, RNG_BYTES - got, true };
		vq_submit(&d->vq[0], 0, &b, 1);
		vq_kick(d, 0);
		reqs++;
		if (!vq_wait(&d->vq[0], VQ_WAIT_DONE, &e)) {
			pr("rng: error timeout after bytes=%u\n", got);
			break;
		}
		if (e.len > RNG_BYTES - got) {
			pr("rng: error used len=%u > %u asked\n", e.len, RNG_BYTES - got);
			break;
		}
		got += e.len;
	}
	for (u32 i = 0; i < got; i++) {
		if (!(seen[rng_buf[i] >> 6] & BIT(rng_buf[i] & 63)))
			distinct++;
		seen[rng_buf[i] >> 6] |= BIT(rng_buf[i] & 63);
	}
	pr("rng: slot=%u bytes=%u requests=%u distinct=%u hex=", d->slot, got, reqs, distinct);
	hex(rng_buf, got);
	pr("\n");
	virtio_reset(d);
}
