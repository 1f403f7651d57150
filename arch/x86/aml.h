/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_AML_H
#define KEEL_ARCH_X86_AML_H

/*
 * A small emitter of ACPI Machine Language (ACPI 6.5, chapter 20) and of
 * raw table bytes, writing into a caller-supplied fixed buffer.
 *
 * Nothing is ever written beyond the buffer: on overflow the emitter
 * stops writing but keeps counting, so aml_len() tells how many bytes the
 * whole output would need. Misuse (a bad name, unbalanced begin/end) sets
 * an error flag instead. Check both once at the end with aml_ok().
 *
 * Objects with a PkgLength (Scope, Device, Method, Package, Buffer) are
 * opened with aml_*_begin() and closed with aml_end(); the length is
 * inserted when the object is closed, so bodies are emitted in order:
 *
 *	aml_device_begin(a, "COM1");
 *	aml_name(a, "_HID");
 *	aml_eisaid(a, "PNP0501");
 *	aml_name(a, "_CRS");
 *	aml_resource_begin(a);
 *	aml_res_io16(a, 0x3f8, 0x3f8, 1, 8);
 *	aml_resource_end(a);
 *	aml_end(a);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 16

/* Opcodes (ACPI 6.5, 20.3) */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_METHOD_OP 0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_EXT_DEVICE_OP 0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR 0x5c /* '\' */
#define AML_PARENT_PREFIX 0x5e /* '^' */
#define AML_RETURN_OP 0xa4
#define AML_LOCAL0_OP 0x60
#define AML_ARG0_OP 0x68
#define AML_STORE_OP 0x70
#define AML_AND_OP 0x7b
#define AML_NOTIFY_OP 0x86
#define AML_LEQUAL_OP 0x93
#define AML_IF_OP 0xa0
#define AML_EXT_REGION_OP 0x80 /* after AML_EXT_OP_PREFIX */
#define AML_EXT_FIELD_OP 0x81 /* after AML_EXT_OP_PREFIX */

/* OperationRegion spaces and Field flags (ACPI 6.5, 19.6.100, 19.6.48) */
#define AML_REGION_SYSTEM_MEMORY 0x00
#define AML_REGION_SYSTEM_IO 0x01
#define AML_FIELD_BYTE_ACC 0x01 /* AccessType ByteAcc, NoLock, Preserve */
#define AML_FIELD_DWORD_ACC 0x03 /* AccessType DWordAcc, NoLock, Preserve */

/* Resource descriptor flags (ACPI 6.5, 6.4) */
#define AML_IRQ_EDGE 0x01 /* else level */
#define AML_IRQ_ACTIVE_LOW 0x08 /* else active high */
#define AML_IRQ_SHARED 0x10 /* else exclusive */

struct aml {
	uint8_t *buf;
	size_t size; /* capacity of buf */
	size_t len; /* bytes emitted, or needed once overflowed */
	bool overflow; /* buf was too small: len counts on */
	bool error; /* misuse: bad name, bad nesting, value out of range */
	unsigned int depth;
	struct {
		size_t start; /* where the PkgLength goes */
		bool buffer; /* BufferSize goes after the PkgLength */
	} open[AML_MAX_DEPTH];
};

void aml_init(struct aml *a, void *buf, size_t size);
/* True when everything fitted and every object was closed. */
bool aml_ok(const struct aml *a);
static inline size_t aml_len(const struct aml *a)
{
	return a->len;
}

/* Raw little-endian data: table fields and resource descriptors. */
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_zeros(struct aml *a, size_t n);
void aml_u8(struct aml *a, uint8_t v);
void aml_u16(struct aml *a, uint16_t v);
void aml_u32(struct aml *a, uint32_t v);
void aml_u64(struct aml *a, uint64_t v);
/* Fixed-width text field: s padded with pad (table signatures, OEM ids). */
void aml_text(struct aml *a, const char *s, size_t width, char pad);
/* Overwrite n bytes at offset off (a field whose value is known late). */
void aml_patch(struct aml *a, size_t off, const void *p, size_t n);

/* PkgLength encoding of a package whose body is len bytes; 0 if too large. */
unsigned int aml_pkglen_encode(size_t len, uint8_t out[4]);

/*
 * NameString: "\\_SB_.COM1", "^PCI0", "_HID"; segments shorter than four
 * characters are padded with '_' ("_SB" = "_SB_"), "\\" alone is the root.
 */
void aml_name_string(struct aml *a, const char *path);
/* Name(path, <object>): the caller emits the object next. */
void aml_name(struct aml *a, const char *path);

/* Data objects */
void aml_integer(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
void aml_eisaid(struct aml *a, const char *id);
/* Compressed EISA id ("PNP0501" -> 0x0105d041); 0 if id is malformed. */
uint32_t aml_eisaid_value(const char *id);

/* Objects with a PkgLength: close each with aml_end(). */
void aml_scope_begin(struct aml *a, const char *path);
void aml_device_begin(struct aml *a, const char *name);
void aml_method_begin(struct aml *a, const char *name, unsigned int nargs, bool serialized);
void aml_package_begin(struct aml *a, unsigned int nr_elements);
void aml_buffer_begin(struct aml *a);
/* If (<predicate>) { ... }: the caller emits the predicate, then the body. */
void aml_if_begin(struct aml *a);
/*
 * Field (region, flags) { name, bits, ... }: aml_field_unit() each (1 to
 * 63 bits), then aml_end().
 */
void aml_field_begin(struct aml *a, const char *region, uint8_t flags);
void aml_field_unit(struct aml *a, const char *name, unsigned int bits);
void aml_end(struct aml *a);

/* OperationRegion (name, space, offset, len) */
void aml_operation_region(struct aml *a, const char *name, uint8_t space, uint64_t offset,
			  uint64_t len);
/* Notify (path, value) */
void aml_notify(struct aml *a, const char *path, uint8_t value);

/* ResourceTemplate: a Buffer of descriptors closed by an end tag. */
void aml_resource_begin(struct aml *a);
void aml_resource_end(struct aml *a);
/* IO (Decode16, min, max, align, len) */
void aml_res_io16(struct aml *a, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
/* IRQNoFlags () {irq}: ISA IRQ 0-15, edge, active high */
void aml_res_irq_noflags(struct aml *a, unsigned int irq);
/* IRQ (...) {irq} with AML_IRQ_* flags */
void aml_res_irq(struct aml *a, unsigned int irq, uint8_t flags);
/* Memory32Fixed (ReadWrite or ReadOnly, base, len) */
void aml_res_mem32_fixed(struct aml *a, uint32_t base, uint32_t len, bool rw);
/* Interrupt (ResourceConsumer, ...) {gsi}: any GSI, AML_IRQ_* flags */
void aml_res_interrupt(struct aml *a, uint32_t gsi, uint8_t flags);

#endif
