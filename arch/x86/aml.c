// SPDX-License-Identifier: GPL-2.0
/*
 * AML and table-byte emitter; see aml.h. Encodings follow ACPI 6.5:
 * PkgLength and NameString (20.2.4), data objects (20.2.3), named
 * objects (20.2.5), resource descriptors (6.4).
 */
#include <string.h>

#include "arch/x86/aml.h"

void aml_init(struct aml *a, void *buf, size_t size)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->size = size;
}

bool aml_ok(const struct aml *a)
{
	return !a->overflow && !a->error && a->depth == 0;
}

/* Insert n bytes at offset pos, moving what follows. */
static void aml_insert(struct aml *a, size_t pos, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (!a->overflow && n > a->size - a->len)
		a->overflow = true;
	if (!a->overflow) {
		memmove(a->buf + pos + n, a->buf + pos, a->len - pos);
		memcpy(a->buf + pos, p, n);
	}
	a->len += n;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	aml_insert(a, a->len, p, n);
}

void aml_zeros(struct aml *a, size_t n)
{
	if (n == 0)
		return;
	if (!a->overflow && n > a->size - a->len)
		a->overflow = true;
	if (!a->overflow)
		memset(a->buf + a->len, 0, n);
	a->len += n;
}

void aml_u8(struct aml *a, uint8_t v)
{
	aml_bytes(a, &v, 1);
}

static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, n);
}

void aml_u16(struct aml *a, uint16_t v)
{
	aml_le(a, v, 2);
}

void aml_u32(struct aml *a, uint32_t v)
{
	aml_le(a, v, 4);
}

void aml_u64(struct aml *a, uint64_t v)
{
	aml_le(a, v, 8);
}

void aml_text(struct aml *a, const char *s, size_t width, char pad)
{
	size_t n = strlen(s);

	if (n > width) {
		a->error = true;
		n = width;
	}
	aml_bytes(a, s, n);
	for (; n < width; n++)
		aml_u8(a, (uint8_t)pad);
}

void aml_patch(struct aml *a, size_t off, const void *p, size_t n)
{
	if (off > a->len || n > a->len - off)
		a->error = true;
	else if (!a->overflow && n)
		memcpy(a->buf + off, p, n);
}

unsigned int aml_pkglen_encode(size_t len, uint8_t out[4])
{
	/*
	 * The length counts its own bytes. One byte holds up to 63 in bits
	 * 0-5; otherwise bits 6-7 of the lead byte give the number of bytes
	 * that follow (1-3), its bits 0-3 the low nibble, and each following
	 * byte the next 8 bits: at most 2^28 - 1.
	 */
	static const size_t max[] = { 0x3f, 0xfff, 0xfffff, 0xfffffff };

	for (unsigned int n = 1; n <= 4; n++) {
		size_t total = len + n;

		if (total > max[n - 1])
			continue;
		if (n == 1) {
			out[0] = (uint8_t)total;
			return 1;
		}
		out[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
		for (unsigned int i = 1; i < n; i++)
			out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
		return n;
	}
	return 0;
}

static unsigned int aml_int_encode(uint64_t v, uint8_t out[9])
{
	unsigned int n;

	if (v <= 1) {
		out[0] = v ? AML_ONE_OP : AML_ZERO_OP;
		return 1;
	}
	if (v <= 0xff) {
		out[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= 0xffff) {
		out[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= 0xffffffff) {
		out[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		out[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (unsigned int i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(v >> (8 * i));
	return 1 + n;
}

void aml_integer(struct aml *a, uint64_t v)
{
	uint8_t b[9];

	aml_bytes(a, b, aml_int_encode(v, b));
}

void aml_string(struct aml *a, const char *s)
{
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c > 0x7f)
			a->error = true; /* AsciiCharList: 0x01-0x7f */
	aml_u8(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/* One NameSeg of 1-4 characters, padded with '_'; returns chars used. */
static size_t aml_name_seg(struct aml *a, const char *s)
{
	char seg[4] = { '_', '_', '_', '_' };
	size_t n = 0;

	for (; s[n] && s[n] != '.'; n++) {
		char c = s[n];
		bool ok = (c >= 'A' && c <= 'Z') || c == '_' || (n > 0 && c >= '0' && c <= '9');

		if (n >= 4 || !ok) {
			a->error = true;
			return strlen(s);
		}
		seg[n] = c;
	}
	if (n == 0)
		a->error = true;
	aml_bytes(a, seg, 4);
	return n;
}

void aml_name_string(struct aml *a, const char *path)
{
	unsigned int segs = 0;
	const char *p = path;

	if (*p == '\\')
		aml_u8(a, *p++);
	else
		while (*p == '^')
			aml_u8(a, *p++);
	if (*p) {
		segs = 1;
		for (const char *c = p; *c; c++)
			segs += *c == '.';
	}
	if (segs == 0) {
		aml_u8(a, 0x00); /* NullName */
		return;
	}
	if (segs == 2) {
		aml_u8(a, AML_DUAL_NAME_PREFIX);
	} else if (segs > 2) {
		if (segs > 255)
			a->error = true;
		aml_u8(a, AML_MULTI_NAME_PREFIX);
		aml_u8(a, (uint8_t)segs);
	}
	for (unsigned int i = 0; i < segs; i++) {
		p += aml_name_seg(a, p);
		if (*p == '.')
			p++;
	}
}

void aml_name(struct aml *a, const char *path)
{
	aml_u8(a, AML_NAME_OP);
	aml_name_string(a, path);
}

uint32_t aml_eisaid_value(const char *id)
{
	uint32_t v = 0;

	/* Three letters of 5 bits each (A = 1), then four hex digits. */
	if (strlen(id) != 7)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
		v = (v << 5) | (uint32_t)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		char c = id[i];

		if (c >= '0' && c <= '9')
			v = (v << 4) | (uint32_t)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = (v << 4) | (uint32_t)(c - 'A' + 10);
		else
			return 0;
	}
	/* The 32-bit value is stored big-endian in the DWordConst. */
	return __builtin_bswap32(v);
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = aml_eisaid_value(id);

	if (!v)
		a->error = true;
	/* Always a DWordConst, as ASL's EISAID() gives. */
	aml_u8(a, AML_DWORD_PREFIX);
	aml_u32(a, v);
}

static void aml_open(struct aml *a, bool buffer)
{
	if (a->depth >= AML_MAX_DEPTH) {
		a->error = true;
		return;
	}
	a->open[a->depth].start = a->len;
	a->open[a->depth].buffer = buffer;
	a->depth++;
}

void aml_end(struct aml *a)
{
	uint8_t b[9];
	size_t start;
	unsigned int n;

	if (a->depth == 0) {
		a->error = true;
		return;
	}
	a->depth--;
	start = a->open[a->depth].start;
	if (a->open[a->depth].buffer) /* BufferOp PkgLength BufferSize ByteList */
		aml_insert(a, start, b, aml_int_encode(a->len - start, b));
	n = aml_pkglen_encode(a->len - start, b);
	if (!n)
		a->error = true;
	else
		aml_insert(a, start, b, n);
}

void aml_scope_begin(struct aml *a, const char *path)
{
	aml_u8(a, AML_SCOPE_OP);
	aml_open(a, false);
	aml_name_string(a, path);
}

void aml_device_begin(struct aml *a, const char *name)
{
	aml_u8(a, AML_EXT_OP_PREFIX);
	aml_u8(a, AML_EXT_DEVICE_OP);
	aml_open(a, false);
	aml_name_string(a, name);
}

void aml_if_begin(struct aml *a)
{
	aml_u8(a, AML_IF_OP);
	aml_open(a, false);
}

void aml_field_begin(struct aml *a, const char *region, uint8_t flags)
{
	aml_u8(a, AML_EXT_OP_PREFIX);
	aml_u8(a, AML_EXT_FIELD_OP);
	aml_open(a, false);
	aml_name_string(a, region);
	aml_u8(a, flags);
}

void aml_field_unit(struct aml *a, const char *name, unsigned int bits)
{
	/* NamedField: NameSeg, then the width in bits (one PkgLength byte: < 64) */
	aml_name_seg(a, name);
	if (bits == 0 || bits >= 0x40)
		a->error = true;
	aml_u8(a, (uint8_t)(bits & 0x3f));
}

void aml_operation_region(struct aml *a, const char *name, uint8_t space, uint64_t offset,
			  uint64_t len)
{
	aml_u8(a, AML_EXT_OP_PREFIX);
	aml_u8(a, AML_EXT_REGION_OP);
	aml_name_string(a, name);
	aml_u8(a, space);
	aml_integer(a, offset);
	aml_integer(a, len);
}

void aml_notify(struct aml *a, const char *path, uint8_t value)
{
	aml_u8(a, AML_NOTIFY_OP);
	aml_name_string(a, path);
	aml_integer(a, value);
}

void aml_method_begin(struct aml *a, const char *name, unsigned int nargs, bool serialized)
{
	if (nargs > 7)
		a->error = true;
	aml_u8(a, AML_METHOD_OP);
	aml_open(a, false);
	aml_name_string(a, name);
	/* MethodFlags: ArgCount 0-2, SerializeFlag 3, SyncLevel 4-7 (0) */
	aml_u8(a, (uint8_t)((nargs & 7) | (serialized ? 0x08 : 0)));
}

void aml_package_begin(struct aml *a, unsigned int nr_elements)
{
	if (nr_elements > 255)
		a->error = true; /* VarPackageOp would be needed */
	aml_u8(a, AML_PACKAGE_OP);
	aml_open(a, false);
	aml_u8(a, (uint8_t)nr_elements);
}

void aml_buffer_begin(struct aml *a)
{
	aml_u8(a, AML_BUFFER_OP);
	aml_open(a, true);
}

void aml_resource_begin(struct aml *a)
{
	aml_buffer_begin(a);
}

void aml_resource_end(struct aml *a)
{
	/* End Tag (small item 0xf, length 1); checksum 0: "treat as valid" */
	aml_u8(a, 0x79);
	aml_u8(a, 0x00);
	aml_end(a);
}

void aml_res_io16(struct aml *a, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
	aml_u8(a, 0x47); /* small item 0x8, length 7 */
	aml_u8(a, 0x01); /* decodes 16 address bits */
	aml_u16(a, min);
	aml_u16(a, max);
	aml_u8(a, align);
	aml_u8(a, len);
}

void aml_res_irq_noflags(struct aml *a, unsigned int irq)
{
	if (irq > 15)
		a->error = true;
	aml_u8(a, 0x22); /* small item 0x4, length 2: edge, active high */
	aml_u16(a, (uint16_t)(1u << (irq & 15)));
}

void aml_res_irq(struct aml *a, unsigned int irq, uint8_t flags)
{
	if (irq > 15)
		a->error = true;
	aml_u8(a, 0x23); /* small item 0x4, length 3 */
	aml_u16(a, (uint16_t)(1u << (irq & 15)));
	aml_u8(a, flags & (AML_IRQ_EDGE | AML_IRQ_ACTIVE_LOW | AML_IRQ_SHARED));
}

void aml_res_mem32_fixed(struct aml *a, uint32_t base, uint32_t len, bool rw)
{
	aml_u8(a, 0x86); /* large item 0x6 */
	aml_u16(a, 9);
	aml_u8(a, rw ? 0x01 : 0x00);
	aml_u32(a, base);
	aml_u32(a, len);
}

void aml_res_interrupt(struct aml *a, uint32_t gsi, uint8_t flags)
{
	uint8_t f = 0x01; /* resource consumer */

	if (flags & AML_IRQ_EDGE)
		f |= 0x02;
	if (flags & AML_IRQ_ACTIVE_LOW)
		f |= 0x04;
	if (flags & AML_IRQ_SHARED)
		f |= 0x08;
	aml_u8(a, 0x89); /* large item 0x9: Extended Interrupt */
	aml_u16(a, 2 + 4);
	aml_u8(a, f);
	aml_u8(a, 1); /* interrupt table length */
	aml_u32(a, gsi);
}
