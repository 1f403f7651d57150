// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/virtqueue.c: the split-ring walker over guest memory the
 * fuzzer writes (descriptor table, avail ring, indirect tables, buffers).
 * Guest RAM: 64 KiB at 0 and 4 KiB at 4 GiB. Input layout:
 *   byte 0      bit 0 event_idx, bit 1 indirect, bit 2 num raw (else 1 << (byte 1 & 15))
 *   byte 1-2    queue size (le16 when raw)
 *   bytes 3-26  desc, avail, used addresses (le64 each)
 *   byte 27     n: number of operation bytes that follow
 *   n bytes     operations: low 3 bits pop+push / store avail->idx / enable
 *               notify / need notify / reset+restart; the rest an argument
 *   the rest    guest RAM from address 0 (zeros beyond)
 * Every chain virtq_pop() returns must lie in guest RAM, within the
 * segment limit, out segments first, with the lengths it reports.
 */
#include <string.h>

#include "core/memory.h"
#include "devices/virtio/virtqueue.h"
#include "fuzz.h"

#define LOW (64u << 10)
#define HIGH (4u << 10)
#define HIGH_BASE 0x100000000ULL

static uint8_t ram[LOW + HIGH];
static struct virtq_elem elem;

static int in_ram(const struct iovec *v)
{
	const uint8_t *b = v->iov_base;

	if (!v->iov_len)
		return 1;
	if (b >= ram && b <= ram + LOW && v->iov_len <= (size_t)(ram + LOW - b))
		return 1; /* inside the low slot */
	return b >= ram + LOW && b <= ram + LOW + HIGH &&
	       v->iov_len <= (size_t)(ram + LOW + HIGH - b);
}

static void check_elem(const struct virtq *vq, const struct virtq_elem *e)
{
	uint64_t out = 0, in = 0;

	FUZZ_ASSERT(e->head < vq->num, "head %u of %u", e->head, vq->num);
	FUZZ_ASSERT(e->nr_out + e->nr_in <= VIRTQ_MAX_SEGS, "%u+%u segments", e->nr_out, e->nr_in);
	for (unsigned int i = 0; i < e->nr_out + e->nr_in; i++) {
		FUZZ_ASSERT(in_ram(&e->iov[i]), "segment %u (%p+%zu) is not guest RAM", i,
			    e->iov[i].iov_base, e->iov[i].iov_len);
		if (i < e->nr_out)
			out += e->iov[i].iov_len;
		else
			in += e->iov[i].iov_len;
	}
	FUZZ_ASSERT(out == e->out_len && in == e->in_len, "lengths %u/%u, segments %llu/%llu",
		    e->out_len, e->in_len, (unsigned long long)out, (unsigned long long)in);
}

static int start(struct virtq *vq, const struct guest_mem *mem, uint16_t num, uint8_t flags,
		 const uint64_t *gpa)
{
	virtq_reset(vq);
	vq->num = num;
	vq->desc_gpa = gpa[0];
	vq->avail_gpa = gpa[1];
	vq->used_gpa = gpa[2];
	vq->event_idx = flags & 1;
	vq->indirect = flags & 2;
	vq->ready = true;
	return virtq_start(vq, mem, "fuzz.q0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { .ram = ram,
				 .size = sizeof(ram),
				 .low_size = LOW,
				 .high_base = HIGH_BASE,
				 .high_size = HIGH };
	struct virtq vq = { 0 };
	const uint8_t *ops;
	uint64_t gpa[3];
	uint8_t flags, nops, buf[512];
	uint16_t num;
	int live, ret;

	flags = fuzz_u8(&in);
	num = (uint16_t)fuzz_uint(&in, 2);
	if (!(flags & 4))
		num = (uint16_t)(1u << (num & 15));
	for (int i = 0; i < 3; i++)
		gpa[i] = fuzz_uint(&in, 8);
	nops = fuzz_u8(&in);
	if (nops > in.left)
		nops = (uint8_t)in.left;
	ops = in.p;
	in.p += nops;
	in.left -= nops;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, in.p, in.left < sizeof(ram) ? in.left : sizeof(ram));

	live = start(&vq, &mem, num, flags, gpa) == 0;
	for (unsigned int k = 0; k < nops && live; k++) {
		unsigned int arg = ops[k] >> 3;

		switch (ops[k] & 7) {
		case 0:
		case 1:
		case 2: /* the device thread's loop: pop, copy, push */
			memset(&elem, 0x5a, sizeof(elem));
			ret = virtq_pop(&vq, &elem);
			FUZZ_ASSERT(ret >= -1 && ret <= 1, "virtq_pop returned %d", ret);
			if (ret < 0)
				live = 0; /* the device is broken until a reset */
			if (ret != 1)
				break;
			check_elem(&vq, &elem);
			FUZZ_ASSERT(virtq_copy_from_out(&elem, arg, buf, sizeof(buf)) <=
					    sizeof(buf),
				    "copy_from_out");
			FUZZ_ASSERT(virtq_copy_to_in(&elem, arg * 3, buf, sizeof(buf)) <=
					    sizeof(buf),
				    "copy_to_in");
			virtq_push(&vq, &elem, arg * 7 > elem.in_len ? elem.in_len : arg * 7);
			break;
		case 3: /* the guest moves avail->idx while the device works */
			if (vq.avail_gpa < LOW - 4)
				memcpy(ram + vq.avail_gpa + 2, &(uint16_t){ (uint16_t)arg }, 2);
			break;
		case 4:
			virtq_enable_notify(&vq);
			break;
		case 5:
			virtq_need_notify(&vq);
			break;
		case 6: /* the guest resets the device and enables the queue again */
			live = start(&vq, &mem, num, flags, gpa) == 0;
			break;
		default: /* nothing: the guest ran on */
			break;
		}
	}
	return 0;
}
