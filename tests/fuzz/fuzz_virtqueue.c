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
#include "tests/unit/virtq_fake.h"

#define LOW (64u << 10)
#define HIGH (4u << 10)

static uint8_t ram[LOW + HIGH];
static struct virtq_elem elem;

static void check_elem(const struct guest_mem *mem, const struct virtq *vq,
		       const struct virtq_elem *e)
{
	uint64_t out = 0, in = 0;

	FUZZ_ASSERT(e->head < vq->num, "head %u of %u", e->head, vq->num);
	FUZZ_ASSERT(e->nr_out + e->nr_in <= VIRTQ_MAX_SEGS, "%u+%u segments", e->nr_out, e->nr_in);
	for (unsigned int i = 0; i < e->nr_out + e->nr_in; i++) {
		FUZZ_ASSERT(vqf_in_ram(mem, e->iov[i].iov_base, e->iov[i].iov_len),
			    "segment %u (%p+%zu) is not guest RAM", i, e->iov[i].iov_base,
			    e->iov[i].iov_len);
		if (i < e->nr_out)
			out += e->iov[i].iov_len;
		else
			in += e->iov[i].iov_len;
	}
	FUZZ_ASSERT(out == e->out_len && in == e->in_len, "lengths %u/%u, segments %llu/%llu",
		    e->out_len, e->in_len, (unsigned long long)out, (unsigned long long)in);
}

/* The guest enables the queue (again): bit 0 of flags event_idx, bit 1 indirect. */
static int start(struct virtq *vq, const struct vqf_ring *r, uint8_t flags)
{
	virtq_reset(vq);
	return vqf_start(vq, r, flags & 2, flags & 1, "fuzz.q0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = VQF_MEM(ram, LOW, HIGH);
	struct vqf_ring r;
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
	vqf_mem_load(&mem, in.p, in.left);
	vqf_ring_init(&r, &mem, num, gpa[0], gpa[1], gpa[2]);

	live = start(&vq, &r, flags) == 0;
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
			check_elem(&mem, &vq, &elem);
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
				vqf_put16(&mem, vq.avail_gpa + 2, (uint16_t)arg);
			break;
		case 4:
			virtq_enable_notify(&vq);
			break;
		case 5:
			virtq_need_notify(&vq);
			break;
		case 6: /* the guest resets the device and enables the queue again */
			live = start(&vq, &r, flags) == 0;
			break;
		default: /* nothing: the guest ran on */
			break;
		}
	}
	return 0;
}
