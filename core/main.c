// SPDX-License-Identifier: GPL-2.0
/*
 * keel: an appliance KVM VMM configured entirely at build time.
 *
 * The image takes no configuration at run time. Its only options are
 * the ones below (DESIGN.md, "Runtime interface").
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <generated/version.h>

#include "core/arch.h"
#include "core/bus.h"
#include "core/config.h"
#include "core/console.h"
#include "core/fds.h"
#include "core/kconfig.h"
#include "core/log.h"
#include "core/pin.h"
#include "core/preflight.h"
#include "core/sandbox.h"
#include "core/seccomp.h"
#include "core/tty.h"
#include "core/vm.h"

static void print_version(void)
{
	printf("keel %s (%s_defconfig, board %s, %d/%d vCPUs, %s)\n", KEEL_VERSION,
	       CONFIG_DEFCONFIG_NAME, CONFIG_BOARD_NAME, CONFIG_NR_VCPUS, CONFIG_MAX_VCPUS,
	       CONFIG_CPU_MODEL);
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: keel [option]\n"
		"\n"
		"Boots the guest compiled into this image (%s_defconfig), serial console\n"
		"on stdin/stdout. The image takes no configuration: rebuild it to change\n"
		"anything (make menuconfig && make).\n"
		"\n"
		"options:\n"
		"  --version       version and the profile this image was built from\n"
		"  --help          this text\n"
		"  --print-config  the .config this image was built from\n"
		"  --print-seccomp the seccomp allowlist of each thread kind, and the sandbox\n"
		"  --check         pre-flight checks of this host, no boot\n"
		"  --dump-cpuid    the effective CPUID of each vCPU (no boot)\n"
		"\n"
		"signals: SIGTERM, SIGINT or SIGHUP presses the guest's ACPI power button\n"
		"and waits up to %d s (SHUTDOWN_TIMEOUT; 0: no wait) for it to power off;\n"
		"a second one, SIGQUIT or Ctrl-A x on a terminal stops it at once.\n"
		"%s"
		"\n"
		"exit status: 0 guest powered off, 1 VMM or host error, 2 guest reboot\n"
		"request, 3 guest crashed, 128+N stopped by signal N (143 SIGTERM)\n",
		CONFIG_DEFCONFIG_NAME, IS_ENABLED(CONFIG_ACPI_GED) ? CONFIG_SHUTDOWN_TIMEOUT : 0,
		IS_ENABLED(CONFIG_CPU_HOTPLUG) ?
			"SIGUSR2 adds the next possible vCPU (CPU hot-add, up to MAX_VCPUS);\n"
			"the guest brings it online.\n" :
			"SIGUSR2 (CPU hot-add) is logged: this image has none.\n");
}

static struct vm vm;

/*
 * Signals: SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGUSR2 (the CPU hot-add)
 * reach the main thread's loop through a signalfd (blocked everywhere, inherited by the vCPU
 * threads); SIGUSR1 kicks a vCPU out of KVM_RUN (unblocked in vCPU
 * threads only); SIGPIPE is ignored (a closed stdout is not fatal).
 */
static int signals_init(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	return vcpu_signals_init();
}

static int boot(void)
{
	int status = KEEL_EXIT_ERROR;

	trace_boot("main");
	/* Descriptors at their fixed numbers (core/fds.h), nothing inherited. */
	if (fds_reserve())
		return KEEL_EXIT_ERROR;
	/* The host first; then this thread to VMM_CPUS, before any other thread exists. */
	if (preflight_boot() || pin_process_init())
		return KEEL_EXIT_ERROR;
	if (signals_init() || vm_create(&vm))
		goto out;
	trace_boot("vm-created");
	if (arch_setup_platform(&vm))
		goto out;
	trace_boot("platform-ready");
	if (vm_create_vcpus(&vm) || console_init(&vm.console) || sandbox_enter())
		goto out;
	trace_boot("vcpus-created");
	/*
	 * The vCPU threads wait at the gate (core/seccomp.h) until every
	 * thread, this one included, has its filter: no guest instruction
	 * runs next to an unfiltered thread. Any failure is fatal: the gate
	 * fails, the guest never runs, keel stops with status 1.
	 */
	if (vm_start_vcpus(&vm) || arch_start_device_threads() ||
	    seccomp_enter(SECCOMP_THREAD_MAIN) || seccomp_open_gate()) {
		seccomp_fail_gate();
		vm_request_stop(KEEL_EXIT_ERROR);
	} else {
		trace_boot("gate-open");
	}
	status = vm_run_main_loop(&vm);
	arch_stop_device_threads(); /* before vm_destroy frees guest RAM */
	bus_print_absent(); /* TRACE_BOOT only */
out:
	tty_restore();
	vm_destroy(&vm);
	return status;
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		pr_err("takes at most one option, got %d; see 'keel --help'", argc - 1);
		return KEEL_EXIT_ERROR;
	}
	if (argc == 2) {
		const char *opt = argv[1];

		if (!strcmp(opt, "--version")) {
			print_version();
			return 0;
		}
		if (!strcmp(opt, "--help")) {
			print_help(stdout);
			return 0;
		}
		if (!strcmp(opt, "--print-config")) {
			fputs(keel_config_text, stdout);
			return 0;
		}
		if (!strcmp(opt, "--print-seccomp")) {
			seccomp_print(stdout);
			return 0;
		}
		if (!strcmp(opt, "--check"))
			return preflight_check();
		if (!strcmp(opt, "--dump-cpuid"))
			return arch_dump_cpuid();
		pr_err("unknown option '%s'; the image takes no configuration, see 'keel --help'",
		       opt);
		return KEEL_EXIT_ERROR;
	}
	return boot();
}
