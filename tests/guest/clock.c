// SPDX-License-Identifier: GPL-2.0
/*
 * TSC calibration against PIT channel 2: gate it on through port 0x61, count
 * 10 ms in mode 0 and read the TSC when OUT2 (port 0x61 bit 5) goes high.
 * The calibration loop itself is bounded by a loop count, so a VMM without
 * a PIT (port 0x61 reads back garbage) gives the fallback, never a hang.
 */
#include "clock.h"
#include "io.h"
#include "print.h"

#define PIT_HZ 1193182u
#define PIT_CAL_MS 10u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CAL_POLLS_MAX 10000000u
#define FALLBACK_KHZ 1000000u /* 1 GHz: errs towards longer waits */
#define MIN_KHZ 10000u /* below 10 MHz the reading is not believable */

static u64 tsc_khz = FALLBACK_KHZ;
static u64 tsc_start;

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static u64 pit_calibrate(void)
{
	u32 latch = PIT_HZ / (1000 / PIT_CAL_MS), polls = 0;
	u64 t0, t1;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2) && polls < CAL_POLLS_MAX)
		polls++;
	t1 = rdtsc();
	if (!polls || polls == CAL_POLLS_MAX)
		return 0;
	return (t1 - t0) / PIT_CAL_MS;
}

void clock_init(void)
{
	u64 khz = pit_calibrate();
	bool ok = khz >= MIN_KHZ;

	tsc_khz = ok ? khz : FALLBACK_KHZ;
	tsc_start = rdtsc();
	pr("clock: tsc_khz=%u source=%s\n", (u32)tsc_khz, ok ? "pit" : "fallback");
}

u64 clock_us(void)
{
	return (rdtsc() - tsc_start) * 1000 / tsc_khz;
}

u64 clock_deadline(u32 ms)
{
	return rdtsc() + (u64)ms * tsc_khz;
}

bool clock_expired(u64 deadline)
{
	return (s64)(rdtsc() - deadline) >= 0;
}
