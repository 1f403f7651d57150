/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_LIB_H
#define PROBE_LIB_H

#include "types.h"

/* gcc may emit calls to these even in freestanding code. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
bool str_eq(const char *a, const char *b);

#endif
