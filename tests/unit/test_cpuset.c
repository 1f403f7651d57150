// SPDX-License-Identifier: GPL-2.0
/* core/cpuset.c: the kernel's cpulist text, as sysfs prints it, both ways. */
#include <string.h>

#include "core/cpuset.h"
#include "unit.h"

static const char *roundtrip(const char *text)
{
	static char buf[256];
	struct cpuset s;

	if (cpuset_parse(&s, text))
		return "(rejected)";
	return cpuset_fmt(&s, buf, sizeof(buf));
}

int main(void)
{
	struct cpuset a, b, c;
	char buf[16];

	/* sysfs forms: a trailing newline, an empty file, a lone newline */
	EXPECT(!strcmp(roundtrip("0-1\n"), "0-1"), "%s", roundtrip("0-1\n"));
	EXPECT(!strcmp(roundtrip(""), ""), "empty file");
	EXPECT(!strcmp(roundtrip("\n"), ""), "empty list");
	EXPECT(!strcmp(roundtrip("(null)\n"), ""), "nohz_full of a kernel booted without it");
	EXPECT(cpuset_parse(&a, "(nul)"), "other words are malformed");
	EXPECT(!strcmp(roundtrip("2-7,10-15,18-23,26-31\n"), "2-7,10-15,18-23,26-31"), "server");
	EXPECT(!strcmp(roundtrip("3,1,2,0"), "0-3"), "unsorted singles merge");
	EXPECT(!strcmp(roundtrip("0,2,4"), "0,2,4"), "singles");
	EXPECT(!strcmp(roundtrip("4095"), "4095"), "the last CPU");
	EXPECT(!strcmp(roundtrip("63-64,127-128"), "63-64,127-128"), "word borders");

	/* malformed or out of range */
	EXPECT(cpuset_parse(&a, "4096"), "CPU 4096 is beyond CPUSET_MAX");
	EXPECT(cpuset_parse(&a, "3-1"), "backwards range");
	EXPECT(cpuset_parse(&a, "1,"), "trailing comma");
	EXPECT(cpuset_parse(&a, "1-"), "open range");
	EXPECT(cpuset_parse(&a, "a"), "not a number");
	EXPECT(cpuset_parse(&a, "1 2"), "space");
	EXPECT(cpuset_parse(&a, "1\n\n"), "two newlines");
	EXPECT(cpuset_parse(&a, "99999999999999999999"), "overflow");

	/* operations */
	cpuset_parse(&a, "0-3");
	cpuset_parse(&b, "2-5");
	cpuset_and(&c, &a, &b);
	EXPECT(!strcmp(cpuset_fmt(&c, buf, sizeof(buf)), "2-3"), "and: %s", buf);
	cpuset_or(&c, &a, &b);
	EXPECT(!strcmp(cpuset_fmt(&c, buf, sizeof(buf)), "0-5"), "or: %s", buf);
	cpuset_andnot(&c, &a, &b);
	EXPECT(!strcmp(cpuset_fmt(&c, buf, sizeof(buf)), "0-1"), "andnot: %s", buf);
	EXPECT(cpuset_count(&c) == 2 && cpuset_has(&c, 1) && !cpuset_has(&c, 2), "count/has");
	cpuset_andnot(&c, &c, &a);
	EXPECT(cpuset_empty(&c), "empty after andnot itself");
	cpuset_first(&c, 66);
	EXPECT(!strcmp(cpuset_fmt(&c, buf, sizeof(buf)), "0-65"), "first 66: %s", buf);
	{
		uint64_t words[2] = { 0x6, 0x1 };

		cpuset_from_words(&c, words, 2);
		EXPECT(!strcmp(cpuset_fmt(&c, buf, sizeof(buf)), "1-2,64"), "words: %s", buf);
	}

	/* a list longer than the buffer ends in "..." and stays terminated */
	cpuset_parse(&a, "0,2,4,6,8,10,12,14,16");
	cpuset_fmt(&a, buf, sizeof(buf));
	EXPECT(strlen(buf) < sizeof(buf) && !strcmp(buf + strlen(buf) - 3, "..."), "truncated: %s",
	       buf);
	EXPECT(!strncmp(buf, "0,2,4,6,8", 9), "truncated keeps the head: %s", buf);
	return unit_done("cpuset");
}
