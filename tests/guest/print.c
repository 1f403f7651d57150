// SPDX-License-Identifier: GPL-2.0
#include "print.h"
#include "serial.h"

static void put_str(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

static void put_num(u64 v, bool hex, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		if (hex) {
			buf[n++] = "0123456789abcdef"[v & 0xf];
			v >>= 4;
		} else {
			buf[n++] = (char)('0' + v % 10);
			v /= 10;
		}
	} while (v);
	for (; width > n; width--)
		serial_putc(pad);
	while (n)
		serial_putc(buf[--n]);
}

void pr(const char *fmt, ...)
{
	__builtin_va_list ap;

	__builtin_va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';
		u64 v;

		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			serial_putc((char)__builtin_va_arg(ap, int));
			break;
		case 's':
			put_str(__builtin_va_arg(ap, const char *));
			break;
		case 'u':
		case 'x':
			v = lng ? __builtin_va_arg(ap, unsigned long) :
				  __builtin_va_arg(ap, unsigned int);
			put_num(v, *fmt == 'x', width, pad);
			break;
		case '%':
			serial_putc('%');
			break;
		default: /* unsupported: stop rather than misread arguments */
			__builtin_va_end(ap);
			return;
		}
	}
	__builtin_va_end(ap);
}

const char *id_str(char *buf, const void *p, int n)
{
	const u8 *s = p;
	int i;

	for (i = 0; i < n; i++)
		buf[i] = (s[i] > ' ' && s[i] < 0x7f) ? (char)s[i] : '_';
	buf[n] = '\0';
	return buf;
}
