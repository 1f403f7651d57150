// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-flight of the host against the compiled board (see preflight.h).
 *
 *   host CPUs   the CPUs the image uses (pin table, VMM_CPUS) are online:
 *               an error under every policy; other differences from the
 *               board (CPUs missing or extra) are warnings;
 *   isolation   the pinned CPUs are in .../cpu/isolated and .../nohz_full,
 *               the VMM CPUs are not isolated: per ISOLATION_POLICY;
 *   /dev/kvm    read-write access and the API (--check only; a normal
 *               start reports it when it creates the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "core/kconfig.h"
#include "core/config.h"
#include "core/cpuset.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/pin.h"
#include "core/preflight.h"

/* The host's CPU facts. TEST_SYSFS_ROOT (test builds only) moves them. */
#define SYS_CPU CONFIG_TEST_SYSFS_ROOT "/sys/devices/system/cpu/"
#define TEST_BUILD (sizeof(CONFIG_TEST_SYSFS_ROOT) > 1)

enum sev { SEV_OK, SEV_IGNORED, SEV_WARN, SEV_ERROR };

#define POLICY_SEV                                                 \
	(IS_ENABLED(CONFIG_ISOLATION_POLICY_ENFORCE) ? SEV_ERROR : \
	 IS_ENABLED(CONFIG_ISOLATION_POLICY_WARN)    ? SEV_WARN :  \
						       SEV_IGNORED)
#define POLICY_NAME                                                                 \
	(IS_ENABLED(CONFIG_ISOLATION_POLICY_ENFORCE) ? "ISOLATION_POLICY_ENFORCE" : \
	 IS_ENABLED(CONFIG_ISOLATION_POLICY_WARN)    ? "ISOLATION_POLICY_WARN" :    \
						       "ISOLATION_POLICY_IGNORE")
#define POLICY_NOTE                                        \
	(IS_ENABLED(CONFIG_ISOLATION_POLICY_ENFORCE) ?     \
		 "ISOLATION_POLICY_ENFORCE: not booting" : \
	 IS_ENABLED(CONFIG_ISOLATION_POLICY_WARN) ?        \
		 "ISOLATION_POLICY_WARN: booting anyway" : \
		 "ISOLATION_POLICY_IGNORE: not checked at start")

struct pf {
	bool check; /* keel --check: every result on stdout */
	unsigned int warnings;
	unsigned int errors;
};

/* Room for a printed CPU list in a message; longer ones end in "...". */
#define LIST_LEN 160

static void __attribute__((format(printf, 3, 4)))
report(struct pf *pf, enum sev sev, const char *fmt, ...)
{
	static const char *const tag[] = { "ok", "ignored", "warning", "error" };
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev == SEV_WARN)
		pf->warnings++;
	if (sev == SEV_ERROR)
		pf->errors++;
	if (pf->check)
		printf("%s: %s\n", tag[sev], msg);
	else if (sev == SEV_WARN)
		pr_warn("pre-flight: %s", msg);
	else if (sev == SEV_ERROR)
		pr_err("pre-flight: %s", msg);
}

/*
 * A sysfs CPU list. Returns 0, 1 when the file does not exist (the set is
 * then empty), or -1 after reporting why it cannot be read.
 */
static int read_cpulist(struct pf *pf, const char *path, struct cpuset *s)
{
	static char text[32768]; /* "0,2,4,...,4094" fits */
	FILE *f = fopen(path, "re");
	size_t n;

	cpuset_zero(s);
	if (!f) {
		if (errno == ENOENT)
			return 1;
		report(pf, SEV_ERROR, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (cpuset_parse(s, text)) {
		text[strcspn(text, "\n")] = '\0';
		report(pf, SEV_ERROR, "%s: '%.64s' is not a CPU list (or names CPUs beyond %d)",
		       path, text, CPUSET_MAX - 1);
		return -1;
	}
	return 0;
}

static const char *list(const struct cpuset *s, char *buf)
{
	return cpuset_fmt(s, buf, LIST_LEN);
}

/* The vCPUs (as a set of indices) whose CPUs meet cpus. */
static void vcpus_on(const struct cpuset *cpus, struct cpuset *vcpus)
{
	cpuset_zero(vcpus);
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		struct cpuset mine;

		pin_vcpu_cpus(i, &mine);
		cpuset_and(&mine, &mine, cpus);
		if (!cpuset_empty(&mine))
			cpuset_set(vcpus, i);
	}
}

static void check_kvm(struct pf *pf)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int api, max;

	if (fd < 0) {
		int err = errno;

		report(pf, SEV_ERROR, "/dev/kvm: cannot open it read-write: %s; %s", strerror(err),
		       err == ENOENT ? "this host has no KVM: enable VT-x/AMD-V in the firmware "
				       "and load kvm_intel or kvm_amd" :
				       "run keel as root or in group 'kvm'");
		return;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	close(fd);
	if (api != KVM_API_VERSION)
		report(pf, SEV_ERROR, "/dev/kvm: KVM API version %d, keel needs %d", api,
		       KVM_API_VERSION);
	else if (max < CONFIG_MAX_VCPUS)
		report(pf, SEV_ERROR,
		       "/dev/kvm: at most %d vCPUs per VM (KVM_CAP_MAX_VCPUS), the image creates "
		       "MAX_VCPUS = %d",
		       max, CONFIG_MAX_VCPUS);
	else
		report(pf, SEV_OK, "/dev/kvm: read-write, KVM API %d, up to %d vCPUs per VM", api,
		       max);
}

static void check_cpus(struct pf *pf)
{
	struct cpuset online, possible, board, vmm, pinned, used, miss, vcpus;
	char a[LIST_LEN], b[LIST_LEN], c[LIST_LEN], d[LIST_LEN];
	unsigned int before = pf->warnings + pf->errors;
	int rc;

	rc = read_cpulist(pf, SYS_CPU "online", &online);
	if (rc) {
		if (rc > 0)
			report(pf, SEV_ERROR,
			       "%s does not exist: keel cannot check the host's CPUs",
			       SYS_CPU "online");
		return;
	}
	if (read_cpulist(pf, SYS_CPU "possible", &possible))
		possible = online;
	cpuset_first(&board, CONFIG_BOARD_NR_CPUS);
	pin_vmm_cpus(&vmm);
	pin_pinned_cpus(&pinned);
	cpuset_or(&used, &vmm, &pinned);

	cpuset_andnot(&miss, &pinned, &online);
	if (!cpuset_empty(&miss)) {
		vcpus_on(&miss, &vcpus);
		report(pf, SEV_ERROR,
		       "VCPU_PIN_TABLE: host CPU(s) %s of vCPU(s) %s are not online on this host "
		       "(%s: \"%s\", possible: \"%s\"): it is not board %s; build the image for "
		       "this host's board, or bring the CPUs online",
		       list(&miss, a), list(&vcpus, b), SYS_CPU "online", list(&online, c),
		       list(&possible, d), CONFIG_BOARD_NAME);
	}
	cpuset_andnot(&miss, &vmm, &online);
	if (!cpuset_empty(&miss))
		report(pf, SEV_ERROR,
		       "VMM_CPUS: host CPU(s) %s are not online on this host (%s: \"%s\", "
		       "possible: \"%s\"): it is not board %s; build the image for this host's "
		       "board, or bring the CPUs online",
		       list(&miss, a), SYS_CPU "online", list(&online, c), list(&possible, d),
		       CONFIG_BOARD_NAME);
	if (!pin_table_used()) {
		struct cpuset floating;

		pin_vcpu_cpus(0, &floating);
		cpuset_and(&miss, &floating, &online);
		if (cpuset_empty(&miss))
			report(pf, SEV_ERROR,
			       "none of host CPUs %s, where the unpinned vCPUs run (board %s's CPUs "
			       "outside VMM_CPUS), is online (%s: \"%s\"): build the image for this "
			       "host's board",
			       list(&floating, a), CONFIG_BOARD_NAME, SYS_CPU "online",
			       list(&online, c));
	}
	/* Board CPUs the image does not use: the host differs, keel can run. */
	cpuset_andnot(&miss, &board, &online);
	cpuset_andnot(&miss, &miss, &used);
	if (!cpuset_empty(&miss))
		report(pf, SEV_WARN,
		       "board %s has CPUs %s, but host CPU(s) %s are not online here (%s: \"%s\"): "
		       "this host differs from the board; check that the image is built for it",
		       CONFIG_BOARD_NAME, list(&board, b), list(&miss, a), SYS_CPU "online",
		       list(&online, c));
	cpuset_andnot(&miss, &online, &board);
	if (!cpuset_empty(&miss))
		report(pf, SEV_WARN,
		       "this host has CPU(s) %s online beyond board %s's CPUs %s (BOARD_NR_CPUS=%d): "
		       "keel leaves them unused; build the image for this host's board",
		       list(&miss, a), CONFIG_BOARD_NAME, list(&board, b), CONFIG_BOARD_NR_CPUS);
	if (pf->warnings + pf->errors == before)
		report(pf, SEV_OK, "host CPUs: %s online, as board %s has", list(&online, a),
		       CONFIG_BOARD_NAME);
}

static void check_isolation(struct pf *pf)
{
	struct cpuset iso, nohz, pinned, vmm, miss, vcpus;
	char a[LIST_LEN], b[LIST_LEN], c[LIST_LEN];
	unsigned int before = pf->warnings + pf->errors;
	int iso_rc, nohz_rc;

	if (!pf->check && POLICY_SEV == SEV_IGNORED)
		return;
	pin_pinned_cpus(&pinned);
	pin_vmm_cpus(&vmm);
	iso_rc = read_cpulist(pf, SYS_CPU "isolated", &iso);
	nohz_rc = read_cpulist(pf, SYS_CPU "nohz_full", &nohz);
	if (iso_rc < 0 || nohz_rc < 0)
		return;

	cpuset_andnot(&miss, &pinned, &iso);
	if (!cpuset_empty(&miss)) {
		vcpus_on(&miss, &vcpus);
		report(pf, POLICY_SEV,
		       "host CPU(s) %s of vCPU(s) %s (VCPU_PIN_TABLE) are not isolated: %s is "
		       "\"%s\"%s; boot the host with isolcpus=managed_irq,domain,%s ('make "
		       "host-cmdline') (%s)",
		       list(&miss, a), list(&vcpus, b), SYS_CPU "isolated", list(&iso, c),
		       iso_rc ? " (absent)" : "", CONFIG_BOARD_ISOLATED_CPUS, POLICY_NOTE);
	}
	cpuset_andnot(&miss, &pinned, &nohz);
	if (!cpuset_empty(&miss)) {
		vcpus_on(&miss, &vcpus);
		report(pf, POLICY_SEV,
		       "host CPU(s) %s of vCPU(s) %s (VCPU_PIN_TABLE) are not nohz_full: %s is "
		       "\"%s\"%s; boot the host with nohz_full=%s ('make host-cmdline') (%s)",
		       list(&miss, a), list(&vcpus, b), SYS_CPU "nohz_full", list(&nohz, c),
		       nohz_rc ? " (absent: the host kernel has no CONFIG_NO_HZ_FULL)" : "",
		       CONFIG_BOARD_ISOLATED_CPUS, POLICY_NOTE);
	}
	cpuset_and(&miss, &vmm, &iso);
	if (!cpuset_empty(&miss))
		report(pf, POLICY_SEV,
		       "VMM_CPUS: host CPU(s) %s are isolated on this host (%s: \"%s\"), but the "
		       "VMM's threads belong on housekeeping CPUs: boot the host with the board's "
		       "isolcpus= ('make host-cmdline') or fix VMM_CPUS (%s)",
		       list(&miss, a), SYS_CPU "isolated", list(&iso, c), POLICY_NOTE);
	if (pf->warnings + pf->errors > before || POLICY_SEV == SEV_IGNORED)
		return;
	if (pin_table_used())
		report(pf, SEV_OK,
		       "isolation: pinned host CPU(s) %s are isolated and nohz_full, "
		       "VMM CPU(s) %s are not isolated",
		       list(&pinned, a), list(&vmm, b));
	else
		report(pf, SEV_OK,
		       "isolation: the vCPUs are not pinned (empty VCPU_PIN_TABLE); VMM "
		       "CPU(s) %s are not isolated",
		       list(&vmm, b));
}

/*
 * The CPU model against this host's KVM (arch_check_cpu), --check only.
 * Without CPU_MODEL_ENFORCE a dropped or changed feature is tolerated by
 * the configuration (a start boots with one warning): "ignored", like an
 * isolation difference under ISOLATION_POLICY_IGNORE; with it, an error.
 */
static void cpu_report(void *ctx, enum arch_check sev, const char *msg)
{
	if (sev == ARCH_CHECK_WARN)
		report(ctx, SEV_IGNORED, "%s (CPU_MODEL_ENFORCE is off: a start boots with this)",
		       msg);
	else
		report(ctx, sev == ARCH_CHECK_OK ? SEV_OK : SEV_ERROR, "%s", msg);
}

static void run(struct pf *pf)
{
	if (TEST_BUILD) {
		if (pf->check)
			printf("note: host CPU facts are read under %s (TEST_SYSFS_ROOT: a test "
			       "build)\n",
			       CONFIG_TEST_SYSFS_ROOT);
		else
			pr_warn("pre-flight: host CPU facts are read under %s (TEST_SYSFS_ROOT: a "
				"test build)",
				CONFIG_TEST_SYSFS_ROOT);
	}
	if (pf->check)
		check_kvm(pf);
	check_cpus(pf);
	check_isolation(pf);
	if (pf->check)
		arch_check_cpu(cpu_report, pf);
}

int preflight_boot(void)
{
	struct pf pf = { .check = false };

	run(&pf);
	if (!pf.errors)
		return 0;
	pr_err("pre-flight: not booting: this host does not match board %s as the image requires "
	       "(see above; 'keel --check' shows every check)",
	       CONFIG_BOARD_NAME);
	return -1;
}

int preflight_check(void)
{
	struct pf pf = { .check = true };

	printf("keel --check: this host against board %s (%s_defconfig, %s)\n", CONFIG_BOARD_NAME,
	       CONFIG_DEFCONFIG_NAME, POLICY_NAME);
	run(&pf);
	if (!pf.errors && !pf.warnings) {
		printf("keel: this host matches board %s\n", CONFIG_BOARD_NAME);
		return 0;
	}
	printf("keel: this host differs from board %s: %u error(s), %u warning(s); a normal start "
	       "would %s\n",
	       CONFIG_BOARD_NAME, pf.errors, pf.warnings,
	       pf.errors ? "refuse to boot (exit status 1)" : "boot and log the warnings");
	return 1;
}
