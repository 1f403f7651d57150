// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 RTC / CMOS RAM.
 *
 * The index port selects one of 128 bytes (bit 7 is the NMI mask on a PC:
 * ignored); it is write-only and reads 0xff. The data port reads and
 * writes the selected byte:
 *  - 0x00 seconds, 0x02 minutes, 0x04 hours, 0x06 weekday (1 = Sunday),
 *    0x07 day, 0x08 month, 0x09 year, 0x32 century: the host's
 *    CLOCK_REALTIME as UTC, plus the guest's offset, taken at read time,
 *    in BCD or binary and 12 or 24 hour format as status B says;
 *  - 0x0a status A: reads 0x26 by default; UIP never set (the registers
 *    are computed at each read, never caught mid-update);
 *  - 0x0b status B: default 0x02 (BCD, 24 hour); stored. The interrupt
 *    enables are kept but nothing is ever raised;
 *  - 0x0c status C: reads 0 (no interrupt flags), 0x0d status D: reads
 *    0x80 (battery good); writes to both are ignored;
 *  - everything else (the alarm registers included) is plain RAM.
 *
 * Setting the time is kept as an offset from the host clock (never
 * changing the host's time): while status B SET (bit 7) is set the time
 * registers stop and take the guest's writes; clearing SET starts the
 * clock from the written time. A time register written with SET clear
 * takes effect at once. A time outside the years 1-9999 (binary century
 * values above 99) is refused, logged once. The weekday is derived from
 * the date, so writes to it are ignored; daylight saving (B bit 0) is
 * not applied.
 *
 * Accesses wider than a byte use their first byte; the other bytes of a
 * read are 0xff.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bus.h"
#include "core/log.h"
#include "devices/rtc_cmos.h"

#define RTC_INDEX 0
#define RTC_DATA 1
#define RTC_INDEX_MASK 0x7f /* bit 7: NMI mask */
#define RTC_RAM_SIZE 128

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_WEEKDAY 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_A_DEFAULT 0x26 /* 32.768 kHz time base, 1024 Hz rate */
#define RTC_B_SET 0x80
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_B_DEFAULT RTC_B_24H
#define RTC_D_VRT 0x80
#define RTC_HOUR_PM 0x80

/* The guest's clock stays within years 1-9999 (what 4 BCD digits hold). */
#define RTC_TIME_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define RTC_TIME_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

struct rtc_cmos {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[RTC_RAM_SIZE];
	long long offset; /* guest time - host time, seconds */
	struct tm frozen; /* the time registers while SET is set, as written */
	bool bad_time_logged;
};

static bool is_time_reg(unsigned int reg)
{
	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_WEEKDAY:
	case RTC_DAY:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	}
	return false;
}

static long long host_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return 0;
	return ts.tv_sec;
}

/* The time the registers show now (live, or frozen while SET). */
static void guest_time(const struct rtc_cmos *rtc, struct tm *tm)
{
	time_t t;

	if (rtc->ram[RTC_REG_B] & RTC_B_SET) {
		*tm = rtc->frozen;
		return;
	}
	t = (time_t)(host_now() + rtc->offset);
	if (!gmtime_r(&t, tm)) {
		t = 0;
		gmtime_r(&t, tm);
	}
}

/* Start the clock from tm (fields as written, possibly out of range). */
static void set_guest_time(struct rtc_cmos *rtc, const struct tm *tm)
{
	struct tm copy = *tm;
	time_t t;

	copy.tm_isdst = 0;
	errno = 0;
	t = timegm(&copy);
	if ((t == (time_t)-1 && errno) || (long long)t < RTC_TIME_MIN ||
	    (long long)t > RTC_TIME_MAX) {
		if (!rtc->bad_time_logged) {
			rtc->bad_time_logged = true;
			pr_warn("rtc: guest set a time outside the years 1-9999: ignored (logged once)");
		}
		return;
	}
	rtc->offset = (long long)t - host_now();
}

static uint8_t to_reg(const struct rtc_cmos *rtc, int val)
{
	unsigned int v = val < 0 ? 0 : (unsigned int)val;

	if (rtc->ram[RTC_REG_B] & RTC_B_DM_BINARY)
		return (uint8_t)v;
	v %= 100;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static int from_reg(const struct rtc_cmos *rtc, uint8_t reg)
{
	if (rtc->ram[RTC_REG_B] & RTC_B_DM_BINARY)
		return reg;
	return (reg >> 4) * 10 + (reg & 0x0f); /* invalid BCD stays out of range */
}

static uint8_t hour_to_reg(const struct rtc_cmos *rtc, int hour)
{
	int h12;

	if (rtc->ram[RTC_REG_B] & RTC_B_24H)
		return to_reg(rtc, hour);
	h12 = hour % 12 ? hour % 12 : 12;
	return to_reg(rtc, h12) | (hour >= 12 ? RTC_HOUR_PM : 0);
}

static int hour_from_reg(const struct rtc_cmos *rtc, uint8_t reg)
{
	if (rtc->ram[RTC_REG_B] & RTC_B_24H)
		return from_reg(rtc, reg);
	return from_reg(rtc, reg & ~RTC_HOUR_PM) % 12 + (reg & RTC_HOUR_PM ? 12 : 0);
}

static uint8_t read_time_reg(const struct rtc_cmos *rtc, unsigned int reg)
{
	struct tm tm, norm;
	int year;

	guest_time(rtc, &tm);
	year = tm.tm_year + 1900;
	switch (reg) {
	case RTC_SECONDS:
		return to_reg(rtc, tm.tm_sec);
	case RTC_MINUTES:
		return to_reg(rtc, tm.tm_min);
	case RTC_HOURS:
		return hour_to_reg(rtc, tm.tm_hour);
	case RTC_WEEKDAY:
		/* While SET, the written date may not match the stored weekday. */
		norm = tm;
		norm.tm_isdst = 0;
		if (timegm(&norm) != (time_t)-1)
			tm.tm_wday = norm.tm_wday;
		return to_reg(rtc, tm.tm_wday + 1);
	case RTC_DAY:
		return to_reg(rtc, tm.tm_mday);
	case RTC_MONTH:
		return to_reg(rtc, tm.tm_mon + 1);
	case RTC_YEAR:
		return to_reg(rtc, year % 100);
	case RTC_CENTURY:
		return to_reg(rtc, year / 100);
	}
	return 0;
}

static void write_time_reg(struct rtc_cmos *rtc, unsigned int reg, uint8_t val)
{
	struct tm tm;
	int year;

	guest_time(rtc, &tm);
	year = tm.tm_year + 1900;
	switch (reg) {
	case RTC_SECONDS:
		tm.tm_sec = from_reg(rtc, val);
		break;
	case RTC_MINUTES:
		tm.tm_min = from_reg(rtc, val);
		break;
	case RTC_HOURS:
		tm.tm_hour = hour_from_reg(rtc, val);
		break;
	case RTC_DAY:
		tm.tm_mday = from_reg(rtc, val);
		break;
	case RTC_MONTH:
		tm.tm_mon = from_reg(rtc, val) - 1;
		break;
	case RTC_YEAR:
		tm.tm_year = year / 100 * 100 + from_reg(rtc, val) - 1900;
		break;
	case RTC_CENTURY:
		tm.tm_year = from_reg(rtc, val) * 100 + year % 100 - 1900;
		break;
	default: /* weekday: follows the date */
		return;
	}
	if (rtc->ram[RTC_REG_B] & RTC_B_SET)
		rtc->frozen = tm;
	else
		set_guest_time(rtc, &tm);
}

static uint8_t reg_read(struct rtc_cmos *rtc, unsigned int reg)
{
	if (is_time_reg(reg))
		return read_time_reg(rtc, reg);
	switch (reg) {
	case RTC_REG_A:
		return rtc->ram[RTC_REG_A] & ~RTC_A_UIP;
	case RTC_REG_C:
		return 0;
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	return rtc->ram[reg];
}

static void reg_write(struct rtc_cmos *rtc, unsigned int reg, uint8_t val)
{
	uint8_t old;

	if (is_time_reg(reg)) {
		write_time_reg(rtc, reg, val);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		rtc->ram[RTC_REG_A] = val & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		old = rtc->ram[RTC_REG_B];
		if ((val & RTC_B_SET) && !(old & RTC_B_SET))
			guest_time(rtc, &rtc->frozen); /* SET: the registers stop */
		rtc->ram[RTC_REG_B] = val;
		if (!(val & RTC_B_SET) && (old & RTC_B_SET))
			set_guest_time(rtc, &rtc->frozen); /* and run from what was written */
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break; /* read-only */
	default:
		rtc->ram[reg] = val;
		break;
	}
}

static void rtc_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct rtc_cmos *rtc = opaque;
	uint8_t *bytes = data;

	if (!len)
		return;
	memset(bytes, 0xff, len);
	if (offset != RTC_DATA)
		return; /* the index register is write-only */
	pthread_mutex_lock(&rtc->lock);
	bytes[0] = reg_read(rtc, rtc->index);
	pthread_mutex_unlock(&rtc->lock);
}

static void rtc_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct rtc_cmos *rtc = opaque;
	uint8_t val;

	if (!len || offset > RTC_DATA)
		return;
	val = *(const uint8_t *)data;
	pthread_mutex_lock(&rtc->lock);
	if (offset == RTC_INDEX)
		rtc->index = val & RTC_INDEX_MASK;
	else
		reg_write(rtc, rtc->index, val);
	pthread_mutex_unlock(&rtc->lock);
}

static const struct bus_ops rtc_ops = { .read = rtc_read, .write = rtc_write };

int rtc_cmos_create(uint16_t port)
{
	struct rtc_cmos *rtc = calloc(1, sizeof(*rtc));

	if (!rtc) {
		pr_err("rtc: out of memory");
		return -1;
	}
	if (pthread_mutex_init(&rtc->lock, NULL)) {
		pr_err("rtc: cannot create its lock");
		free(rtc);
		return -1;
	}
	rtc->ram[RTC_REG_A] = RTC_A_DEFAULT;
	rtc->ram[RTC_REG_B] = RTC_B_DEFAULT;
	if (bus_register(BUS_PIO, port, 2, &rtc_ops, rtc, "rtc")) {
		pthread_mutex_destroy(&rtc->lock);
		free(rtc);
		return -1;
	}
	return 0;
}
