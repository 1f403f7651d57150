// SPDX-License-Identifier: GPL-2.0
/*
 * devices/rtc_cmos.c: the time against the host clock in BCD, binary and
 * 12 hour formats, status registers, CMOS RAM, setting the time with
 * SET, and hostile values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "core/bus.h"
#include "devices/rtc_cmos.h"
#include "pio_dev.h"
#include "unit.h"

#define INDEX 0x70
#define DATA 0x71
#define NMI_MASK 0x80

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define CENTURY 0x32
#define B_SET 0x80
#define B_BINARY 0x04
#define B_24H 0x02

static uint8_t cmos_read(uint8_t reg)
{
	uint8_t v = reg | NMI_MASK; /* Linux keeps NMIs masked in the index byte */

	bus_access(BUS_PIO, INDEX, &v, 1, true);
	v = 0;
	bus_access(BUS_PIO, DATA, &v, 1, false);
	return v;
}

static void cmos_write(uint8_t reg, uint8_t val)
{
	bus_access(BUS_PIO, INDEX, &reg, 1, true);
	bus_access(BUS_PIO, DATA, &val, 1, true);
}

static int bcd_ok(uint8_t v)
{
	return (v >> 4) <= 9 && (v & 0x0f) <= 9;
}

static int dec(uint8_t v, int binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0x0f);
}

struct rtc_time {
	uint8_t sec, min, hour, wday, mday, mon, year, century;
};

/* As Linux's mc146818_get_time(): read until the seconds did not move. */
static void read_time(struct rtc_time *t)
{
	for (int tries = 0; tries < 10; tries++) {
		EXPECT(!(cmos_read(REG_A) & 0x80), "UIP set");
		t->sec = cmos_read(0x00);
		t->min = cmos_read(0x02);
		t->hour = cmos_read(0x04);
		t->wday = cmos_read(0x06);
		t->mday = cmos_read(0x07);
		t->mon = cmos_read(0x08);
		t->year = cmos_read(0x09);
		t->century = cmos_read(CENTURY);
		if (t->sec == cmos_read(0x00))
			return;
	}
}

/* The RTC's time as seconds since the epoch; hour24 is the decoded hour. */
static time_t rtc_to_time(const struct rtc_time *t, int binary, int hour24, int *wday)
{
	struct tm tm = { 0 };

	tm.tm_sec = dec(t->sec, binary);
	tm.tm_min = dec(t->min, binary);
	tm.tm_hour = hour24;
	tm.tm_mday = dec(t->mday, binary);
	tm.tm_mon = dec(t->mon, binary) - 1;
	tm.tm_year = dec(t->century, binary) * 100 + dec(t->year, binary) - 1900;
	*wday = dec(t->wday, binary);
	return timegm(&tm);
}

static void check_time(const char *mode, int binary, int h24, long long offset)
{
	struct rtc_time t;
	struct tm host;
	time_t now, rtc;
	int hour, wday;

	read_time(&t);
	now = time(NULL) + offset;
	if (!binary) {
		EXPECT(bcd_ok(t.sec) && bcd_ok(t.min) && bcd_ok(t.hour & 0x7f) && bcd_ok(t.mday) &&
			       bcd_ok(t.mon) && bcd_ok(t.year) && bcd_ok(t.century),
		       "%s: invalid BCD %02x:%02x:%02x %02x-%02x-%02x%02x", mode, t.hour, t.min,
		       t.sec, t.mday, t.mon, t.century, t.year);
	}
	if (h24) {
		hour = dec(t.hour, binary);
	} else {
		hour = dec(t.hour & 0x7f, binary);
		EXPECT(hour >= 1 && hour <= 12, "%s: 12-hour value %d", mode, hour);
		hour = hour % 12 + (t.hour & 0x80 ? 12 : 0);
	}
	rtc = rtc_to_time(&t, binary, hour, &wday);
	EXPECT(llabs((long long)(rtc - now)) <= 2, "%s: RTC %lld, expected %lld", mode,
	       (long long)rtc, (long long)now);
	gmtime_r(&rtc, &host);
	EXPECT(wday == host.tm_wday + 1, "%s: weekday %d, want %d", mode, wday, host.tm_wday + 1);
}

int main(void)
{
	struct rtc_time t;
	uint8_t v;
	uint32_t w;
	time_t now;
	int wday;

	EXPECT(rtc_cmos_create(INDEX) == 0, "create");
	EXPECT(rtc_cmos_create(DATA) == -1, "overlapping RTC accepted");

	EXPECT(cmos_read(REG_A) == 0x26, "status A 0x%02x", cmos_read(REG_A));
	EXPECT(cmos_read(REG_B) == 0x02, "status B 0x%02x", cmos_read(REG_B));
	EXPECT(cmos_read(REG_C) == 0, "status C 0x%02x", cmos_read(REG_C));
	EXPECT(cmos_read(REG_D) == 0x80, "status D 0x%02x", cmos_read(REG_D));
	v = 0;
	bus_access(BUS_PIO, INDEX, &v, 1, false);
	EXPECT(v == 0xff, "index port read 0x%02x", v);

	check_time("BCD 24h", 0, 1, 0);
	cmos_write(REG_B, B_24H | B_BINARY);
	check_time("binary 24h", 1, 1, 0);
	cmos_write(REG_B, B_BINARY);
	check_time("binary 12h", 1, 0, 0);
	cmos_write(REG_B, 0);
	check_time("BCD 12h", 0, 0, 0);
	cmos_write(REG_B, B_24H);
	for (int i = 0; i < 1000; i++)
		EXPECT(!(cmos_read(REG_A) & 0x80), "UIP set");

	/* Status registers: A keeps its rate bits, C and D are read-only. */
	cmos_write(REG_A, 0xa6);
	EXPECT(cmos_read(REG_A) == 0x26, "status A 0x%02x after writing UIP", cmos_read(REG_A));
	cmos_write(REG_C, 0xff);
	cmos_write(REG_D, 0x00);
	EXPECT(cmos_read(REG_C) == 0 && cmos_read(REG_D) == 0x80, "C/D writable");

	/* CMOS RAM, with the NMI bit in the index ignored. */
	cmos_write(0x40, 0xab);
	cmos_write(0x7f | NMI_MASK, 0xcd);
	cmos_write(0x0e, 0x11);
	EXPECT(cmos_read(0x40) == 0xab && cmos_read(0x7f) == 0xcd && cmos_read(0x0e) == 0x11,
	       "RAM readback");
	cmos_write(0x01, 0x30); /* alarm seconds: plain RAM */
	EXPECT(cmos_read(0x01) == 0x30, "alarm register");

	/* Setting the time: 2030-06-15 12:34:56, a Saturday. */
	cmos_write(REG_B, B_SET | B_24H);
	cmos_write(0x00, 0x56);
	cmos_write(0x02, 0x34);
	cmos_write(0x04, 0x12);
	cmos_write(0x07, 0x15);
	cmos_write(0x08, 0x06);
	cmos_write(0x09, 0x30);
	cmos_write(CENTURY, 0x20);
	cmos_write(0x06, 0x03); /* weekday: follows the date */
	read_time(&t);
	EXPECT(t.sec == 0x56 && t.min == 0x34 && t.hour == 0x12 && t.mday == 0x15 &&
		       t.mon == 0x06 && t.year == 0x30 && t.century == 0x20 && t.wday == 7,
	       "while SET: %02x:%02x:%02x %02x-%02x-%02x%02x wday %u", t.hour, t.min, t.sec, t.mday,
	       t.mon, t.century, t.year, t.wday);
	cmos_write(REG_B, B_24H);
	read_time(&t);
	now = rtc_to_time(&t, 0, dec(t.hour, 0), &wday);
	EXPECT(now - 1907757296 >= 0 && now - 1907757296 <= 2, "set time: %lld", (long long)now);
	EXPECT(wday == 7, "weekday %d, want 7 (Saturday)", wday);
	/* A write without SET takes effect at once: back one year. */
	cmos_write(0x09, 0x29);
	check_time("offset", 0, 1, 1907757296LL - 365 * 86400LL - time(NULL));

	/* Back to the host time, in binary and 12h mode while setting. */
	now = time(NULL);
	{
		struct tm tm;

		gmtime_r(&now, &tm);
		cmos_write(REG_B, B_SET | B_BINARY);
		cmos_write(0x09, (uint8_t)(tm.tm_year % 100));
		cmos_write(CENTURY, (uint8_t)((tm.tm_year + 1900) / 100));
		cmos_write(0x08, (uint8_t)(tm.tm_mon + 1));
		cmos_write(0x07, (uint8_t)tm.tm_mday);
		cmos_write(0x04, (uint8_t)((tm.tm_hour % 12 ? tm.tm_hour % 12 : 12) |
					   (tm.tm_hour >= 12 ? 0x80 : 0)));
		cmos_write(0x02, (uint8_t)tm.tm_min);
		cmos_write(0x00, (uint8_t)tm.tm_sec);
		cmos_write(REG_B, B_24H);
	}
	check_time("reset to host time", 0, 1, 0);
	cmos_write(REG_B, B_24H | B_BINARY);
	cmos_write(CENTURY, 0xff); /* year 25500+: refused */
	cmos_write(REG_B, B_SET | B_24H | B_BINARY);
	cmos_write(CENTURY, 100);
	cmos_write(REG_B, B_24H);
	check_time("out-of-range years refused", 0, 1, 0);

	/* Hostile values: invalid BCD and out-of-range fields, in every mode. */
	for (unsigned int mode = 0; mode < 16; mode++) {
		cmos_write(REG_B, (uint8_t)((mode & 1 ? B_SET : 0) | (mode & 2 ? B_BINARY : 0) |
					    (mode & 4 ? B_24H : 0)));
		for (unsigned int reg = 0; reg < 0x80; reg++) {
			if (reg == REG_B)
				continue;
			cmos_write((uint8_t)reg, mode & 8 ? 0xff : 0x00);
			(void)cmos_read((uint8_t)reg);
		}
		cmos_write(REG_B, B_24H);
		read_time(&t);
	}
	for (unsigned int len = 1; len <= 8; len *= 2) {
		uint64_t q = ~0ULL;

		bus_access(BUS_PIO, INDEX, &q, len, true);
		bus_access(BUS_PIO, INDEX, &q, len, false);
		bus_access(BUS_PIO, DATA, &q, len, false);
		bus_access(BUS_PIO, DATA, &q, len, true);
	}
	w = 0;
	cmos_write(0x40, 0x5a);
	v = 0x40;
	bus_access(BUS_PIO, INDEX, &v, 1, true);
	bus_access(BUS_PIO, DATA, &w, 4, false);
	EXPECT(w == 0xffffff5a, "4-byte data read 0x%08x", w);
	EXPECT(cmos_read(REG_D) == 0x80, "RTC dead after hostile writes");

	EXPECT(irq_calls == 0 && stops == 0, "interrupts %u, stops %u", irq_calls, stops);
	return unit_done("rtc_cmos");
}
