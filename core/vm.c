// SPDX-License-Identifier: GPL-2.0
/* The VM: /dev/kvm, capabilities, vCPU creation, the main thread's loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "core/kconfig.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/fd_layout.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/numa.h"
#include "core/seccomp.h"
#include "core/vm.h"

struct vm *the_vm;

static const struct kvm_cap_need core_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", 1, "guest RAM" },
	{ KVM_CAP_NR_MEMSLOTS, "KVM_CAP_NR_MEMSLOTS", 2, "RAM below and above the PCI hole" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", 1, "in-kernel interrupt controllers" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", 1, "stopping vCPUs race-free" },
	{ KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS", CONFIG_MAX_VCPUS, "MAX_VCPUS vCPUs" },
};

int kvm_check_caps(int fd, const struct kvm_cap_need *caps, unsigned int n)
{
	int bad = 0;

	for (unsigned int i = 0; i < n; i++) {
		int v = ioctl(fd, KVM_CHECK_EXTENSION, caps[i].cap);

		if (v < caps[i].min) {
			pr_err("/dev/kvm: %s is %d, Keel needs at least %d (for %s): this host's KVM "
			       "is too old or too limited",
			       caps[i].name, v < 0 ? 0 : v, caps[i].min, caps[i].why);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

int vm_check_caps(const struct kvm_cap_need *caps, unsigned int n)
{
	if (!the_vm) {
		pr_err("KVM capabilities checked before the VM exists (bug)");
		return -1;
	}
	return kvm_check_caps(the_vm->kvm_fd, caps, n);
}

static int open_kvm(struct vm *vm)
{
	int api;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd >= 0)
		vm->kvm_fd = fd_pin(vm->kvm_fd, KEEL_FD_KVM, "/dev/kvm");
	if (vm->kvm_fd < 0) {
		if (errno == ENOENT)
			pr_err("cannot open /dev/kvm: no such device; this host has no KVM: enable "
			       "VT-x/AMD-V in the firmware and load kvm_intel or kvm_amd");
		else if (errno == EACCES || errno == EPERM)
			pr_err("cannot open /dev/kvm: %s; run keel as root or in group 'kvm'",
			       strerror(errno));
		else
			pr_err("cannot open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		pr_err("/dev/kvm: API version %d, Keel needs %d", api, KVM_API_VERSION);
		return -1;
	}
	return kvm_check_caps(vm->kvm_fd, core_caps, sizeof(core_caps) / sizeof(core_caps[0]));
}

/*
 * The main loop's signalfd (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2: the
 * CPU hot-add, or a log line without CPU_HOTPLUG), made with the other
 * descriptors: the main thread's filter allows no new one.
 */
static int create_signalfd(struct vm *vm)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR2);
	vm->signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (vm->signal_fd < 0) {
		pr_err("signalfd: %s", strerror(errno));
		return -1;
	}
	vm->signal_fd = fd_pin(vm->signal_fd, KEEL_FD_SIGNAL, "the signalfd");
	return vm->signal_fd < 0 ? -1 : 0;
}

int vm_create(struct vm *vm)
{
	struct guest_mem_layout layout = {
		.size = (uint64_t)CONFIG_GUEST_MEM_MB << 20,
		.hugepages = IS_ENABLED(CONFIG_GUEST_HUGEPAGES),
		.thp = IS_ENABLED(CONFIG_GUEST_THP),
		.lock = IS_ENABLED(CONFIG_GUEST_MLOCK),
	};
	int sz;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->stop_fd = vm->signal_fd = -1;
	atomic_store(&vm->stop_status, -1);
	the_vm = vm;
	if (open_kvm(vm))
		return -1;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	vm->vm_fd = fd_pin(vm->vm_fd, KEEL_FD_VM, "the VM");
	if (vm->vm_fd < 0)
		return -1;
	sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz <= 0) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vm->run_size = (size_t)sz;
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0) {
		pr_err("eventfd: %s", strerror(errno));
		return -1;
	}
	vm->stop_fd = fd_pin(vm->stop_fd, KEEL_FD_STOP, "the stop eventfd");
	if (vm->stop_fd < 0 || create_signalfd(vm))
		return -1;
	if (arch_vm_init(vm))
		return -1;
	arch_mem_layout(layout.size, &layout.hole_start, &layout.hole_end);
	if (guest_mem_init(&vm->mem, vm->vm_fd, &layout))
		return -1;
	return numa_bind_ram(&vm->mem);
}

/*
 * Every possible vCPU, present or not: the ones a hot-add makes present
 * later (CPU_HOTPLUG) get their KVM vCPU, descriptor, thread, pins and
 * filter now, so that the main thread's filter needs nothing to add one.
 */
int vm_create_vcpus(struct vm *vm)
{
	vm->nr_present = CONFIG_NR_VCPUS;
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->index = i;
		v->parked = i >= CONFIG_NR_VCPUS;
		v->id = arch_vcpu_id(i);
		v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->id);
		if (v->fd < 0) {
			pr_err("KVM_CREATE_VCPU %u (APIC ID %u): %s", i, v->id, strerror(errno));
			return -1;
		}
		v->fd = fd_pin(v->fd, KEEL_FD_VCPU(i), "a vCPU");
		if (v->fd < 0)
			return -1;
		vm->nr_vcpus = i + 1;
		v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			v->run = NULL;
			pr_err("mmap of vCPU %u's kvm_run: %s", i, strerror(errno));
			return -1;
		}
		if (arch_vcpu_init(vm, v))
			return -1;
	}
	return 0;
}

int vm_start_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		int err = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]);

		if (err) {
			pr_err("cannot start the thread of vCPU %u: %s", i, strerror(err));
			vm_request_stop(KEEL_EXIT_ERROR);
			return -1;
		}
		vm->vcpus[i].started = 1;
		seccomp_thread_started();
	}
	return 0;
}

void vm_request_stop(enum keel_exit status)
{
	int expected = -1;
	uint64_t one = 1;

	if (!the_vm)
		return;
	if (atomic_compare_exchange_strong(&the_vm->stop_status, &expected, (int)status)) {
		if (write(the_vm->stop_fd, &one, sizeof(one)) < 0)
			pr_err("cannot signal the stop request: %s", strerror(errno));
	}
}

void irq_set_level(unsigned int gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (the_vm && ioctl(the_vm->vm_fd, KVM_IRQ_LINE, &irq))
		pr_err("KVM_IRQ_LINE %u=%d: %s", gsi, level, strerror(errno));
}

int irq_add_irqfd(int fd, unsigned int gsi)
{
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = gsi };

	if (!the_vm || ioctl(the_vm->vm_fd, KVM_IRQFD, &irqfd)) {
		pr_err("KVM_IRQFD on GSI %u: %s", gsi, the_vm ? strerror(errno) : "no VM");
		return -1;
	}
	return 0;
}

int irq_add_ioeventfd(int fd, uint64_t addr, unsigned int len, uint64_t datamatch)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (!the_vm || ioctl(the_vm->vm_fd, KVM_IOEVENTFD, &io)) {
		pr_err("KVM_IOEVENTFD at %#llx (%u bytes, value %llu): %s",
		       (unsigned long long)addr, len, (unsigned long long)datamatch,
		       the_vm ? strerror(errno) : "no VM");
		return -1;
	}
	return 0;
}

/*
 * The graceful stop (SHUTDOWN_TIMEOUT): the first SIGTERM, SIGINT or
 * SIGHUP presses the guest's power button and gives it SHUTDOWN_TIMEOUT
 * seconds to power off; a second signal, the deadline, SIGQUIT or a
 * platform without a button stops it at once with 128 + the signal.
 */
struct graceful {
	int signo; /* the signal that pressed the button; 0: not pressed */
	int64_t pressed_ms, deadline_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * SIGUSR2 (CPU_HOTPLUG): the next possible vCPU becomes present. Its
 * thread leaves its wait for KVM_RUN, where KVM holds it until the guest
 * starts it (INIT, SIPI); then the platform tells the guest (ACPI).
 */
static void hot_add_next(struct vm *vm)
{
	unsigned int i = vm->nr_present;
	struct vcpu *v = &vm->vcpus[i < CONFIG_MAX_VCPUS ? i : 0];

	if (!IS_ENABLED(CONFIG_CPU_HOTPLUG)) {
		pr_info("SIGUSR2: this image has no CPU hot-add (CPU_HOTPLUG: MAX_VCPUS > "
			"NR_VCPUS and ACPI_GED): none added");
		return;
	}
	if (i >= CONFIG_MAX_VCPUS) {
		pr_info("SIGUSR2: all %u possible vCPUs are present (MAX_VCPUS): none added",
			CONFIG_MAX_VCPUS);
		return;
	}
	if (!v->started) {
		pr_err("SIGUSR2: vCPU %u has no thread: not added", i);
		return;
	}
	vcpu_release(v);
	if (arch_cpu_hot_add(i))
		return;
	vm->nr_present = i + 1;
	pr_info("SIGUSR2: vCPU %u (APIC ID %u) added; the guest starts it when it brings it "
		"online (%u of %u vCPUs present)",
		i, v->id, vm->nr_present, CONFIG_MAX_VCPUS);
}

/* Returns the exit status that stops the VM, or -1: keep running. */
static int handle_signal(struct vm *vm, struct graceful *g)
{
	struct signalfd_siginfo si;
	int sig;

	if (read(vm->signal_fd, &si, sizeof(si)) != sizeof(si))
		return -1;
	sig = (int)si.ssi_signo;
	if (sig == SIGUSR2) {
		hot_add_next(vm);
		return -1;
	}
	if (CONFIG_SHUTDOWN_TIMEOUT > 0 && !g->signo && sig != SIGQUIT && !arch_power_button()) {
		g->signo = sig;
		g->pressed_ms = now_ms();
		g->deadline_ms = g->pressed_ms + (int64_t)CONFIG_SHUTDOWN_TIMEOUT * 1000;
		pr_info("%s: pressed the guest's power button; waiting up to %d s for it to power "
			"off (SHUTDOWN_TIMEOUT; a second signal stops it at once)",
			strsignal(sig), CONFIG_SHUTDOWN_TIMEOUT);
		return -1;
	}
	pr_info("%s: stopping the guest%s", strsignal(sig), g->signo ? " at once" : "");
	return 128 + sig;
}

/* The poll timeout: none (-1) until the graceful stop's deadline runs. */
static int poll_timeout_ms(const struct graceful *g)
{
	int64_t left;

	if (!g->signo)
		return -1;
	left = g->deadline_ms - now_ms();
	return left < 0 ? 0 : (int)left;
}

int vm_run_main_loop(struct vm *vm)
{
	struct graceful g = { 0 };
	int sfd = vm->signal_fd, status = -1;

	while (atomic_load(&vm->stop_status) < 0) {
		struct pollfd fds[4] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = console_poll_fd(), .events = POLLIN },
			{ .fd = console_wake_fd(), .events = POLLIN },
		};
		int n = poll(fds, 4, poll_timeout_ms(&g));

		if (n < 0 && errno != EINTR) {
			pr_err("poll: %s", strerror(errno));
			vm_request_stop(KEEL_EXIT_ERROR);
			break;
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
			status = handle_signal(vm, &g);
			if (status >= 0)
				break;
			continue;
		}
		if (g.signo && now_ms() >= g.deadline_ms) {
			pr_info("the guest did not power off within SHUTDOWN_TIMEOUT (%d s): stopping it",
				CONFIG_SHUTDOWN_TIMEOUT);
			status = 128 + g.signo;
			break;
		}
		if (n > 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)))
			console_handle_input(fds[2].revents);
		if (n > 0 && (fds[3].revents & POLLIN))
			console_handle_wake();
	}
	if (status >= 0)
		vm_request_stop((enum keel_exit)status); /* unless the guest stopped first */
	status = atomic_load(&vm->stop_status);
	if (g.signo && status == KEEL_EXIT_POWEROFF) {
		int64_t ms = now_ms() - g.pressed_ms;

		pr_info("the guest powered off %lld.%01lld s after the power button",
			(long long)(ms / 1000), (long long)(ms % 1000 / 100));
	}
	/* Every vCPU leaves the guest (or its wait, if not present); their threads end. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].started) {
			vcpu_kick(&vm->vcpus[i]);
			vcpu_release(&vm->vcpus[i]);
		}
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	}
	return status;
}

void vm_destroy(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	guest_mem_free(&vm->mem);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	if (vm->signal_fd >= 0)
		close(vm->signal_fd);
}
