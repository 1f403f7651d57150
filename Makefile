# SPDX-License-Identifier: GPL-2.0
#
# Keel: Kbuild-like build of one static, reproducible VMM image.
#
#   make <name>_defconfig          .config from configs/<name>_defconfig
#   make                           $(O)/keel
#   make O=<dir> ...               everything out of tree
#   make V=1                       full commands
#   make help                      all targets
#
VERSION := 0.1.0

.SECONDEXPANSION:
srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
O ?= .
objtree := $(abspath $(O))
export srctree objtree

# kconfiglib is importable only by Debian's python (NOTES.md).
PYTHON := /usr/bin/python3
KCONFIG := $(PYTHON) $(srctree)/scripts/kconfig.py
DEFAULT_DEFCONFIG := tiny_defconfig

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
MAKEFLAGS += --no-print-directory
endif

# Goals that only touch the configuration do not read it.
config-goals := %config help clean distclean deps check unit-tests host-cmdline
# Real Linux guest assets and the demo read no configuration.
config-goals += guest-assets guest-assets-clean demo
# Fuzzing and soak tests read no configuration (tests/fuzz/, tests/soak/).
config-goals += fuzz fuzz-build fuzz-clean soak
# The benchmarks build their own configurations (tests/bench/README).
config-goals += bench
# Releases build every defconfig in folders of their own (scripts/deb/release.sh).
config-goals += release release-verify
build-goals := $(filter-out $(config-goals),$(MAKECMDGOALS))
mixed := $(and $(filter $(config-goals),$(MAKECMDGOALS)),$(build-goals))

ifneq ($(mixed),)
# "make tiny_defconfig all": one goal at a time, in order.
$(MAKECMDGOALS): __sequential
	@:
__sequential:
	$(Q)set -e; for g in $(MAKECMDGOALS); do $(MAKE) -f $(srctree)/Makefile $$g; done
.PHONY: __sequential
else

all: $(objtree)/keel
.PHONY: all

# ---------------------------------------------------------------------------
# Configuration

KCONFIG_FILES := $(srctree)/Kconfig $(wildcard $(srctree)/*/Kconfig* \
		 $(srctree)/*/*/Kconfig* $(srctree)/board/*/Kconfig)
CONFIG_SCRIPTS := $(wildcard $(srctree)/scripts/*.py)

%_defconfig: $(srctree)/configs/%_defconfig | $(objtree)/
	$(Q)$(KCONFIG) defconfig $< $(objtree)

defconfig: | $(objtree)/
	$(Q)$(KCONFIG) defconfig $(or $(DEFCONFIG),$(srctree)/configs/$(DEFAULT_DEFCONFIG)) \
		$(objtree)

menuconfig: | $(objtree)/
	$(Q)cd $(srctree) && KCONFIG_CONFIG=$(objtree)/.config $(PYTHON) -m menuconfig Kconfig
	$(Q)$(KCONFIG) check $(objtree) && echo "# $(objtree)/.config is valid"

olddefconfig: | $(objtree)/
	$(Q)$(KCONFIG) olddefconfig $(objtree)

savedefconfig: | $(objtree)/
	$(Q)$(KCONFIG) savedefconfig $(objtree) $(objtree)/defconfig

$(objtree)/:
	$(Q)mkdir -p $@

.PHONY: defconfig menuconfig olddefconfig savedefconfig

ifneq ($(filter-out $(config-goals),$(or $(MAKECMDGOALS),all)),)
# Validate .config and (re)generate the headers; every CONFIG_ value the
# build reads comes from here. A bad .config stops the build and removes
# the image (scripts/kconfig.py).
$(objtree)/include/config/auto.conf: $(objtree)/.config $(KCONFIG_FILES) $(CONFIG_SCRIPTS)
	$(quiet) GEN "include/generated (from .config)"
	$(Q)$(KCONFIG) syncconfig $(objtree)
	$(Q)touch $@

$(objtree)/.config:
	@echo "keel: no configuration in $(objtree): run 'make <name>_defconfig'" \
		"(see 'make help') or 'make menuconfig' first" >&2
	@false

-include $(objtree)/include/config/auto.conf
endif

# ---------------------------------------------------------------------------
# Compiler and flags

CC := musl-gcc

# musl-gcc sees only musl's headers: the kernel UAPI headers it needs are
# reached through a folder of symlinks (NOTES.md). Never -I/usr/include.
UAPI := $(objtree)/include/uapi
UAPI_LINKS := linux asm-generic video

cc-option = $(shell $(CC) -Werror $(1) -c -x c /dev/null -o /dev/null 2>/dev/null && echo $(1))

KEEL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -pipe \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla \
	-ffunction-sections -fdata-sections -fno-common
# Hardening. _FORTIFY_SOURCE is not used: musl has no __*_chk functions,
# so the macro would do nothing. The image is a static non-PIE binary:
# musl-gcc -static-pie silently makes a dynamic PIE (NOTES.md).
KEEL_CFLAGS += -fstack-protector-strong -fstack-clash-protection \
	$(call cc-option,-fcf-protection=full) \
	$(call cc-option,-ftrivial-auto-var-init=zero)
# Reproducible: no debug info, no build paths, no dates.
KEEL_CFLAGS += -ffile-prefix-map=$(srctree)/= -ffile-prefix-map=$(objtree)/= -Werror=date-time
KEEL_CPPFLAGS := -I$(srctree) -I$(objtree)/include -isystem $(UAPI) \
	-include $(objtree)/include/generated/autoconf.h
KEEL_LDFLAGS := -static -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack \
	-s -Wl,--gc-sections -Wl,--build-id=none -Wl,--sort-section=name

# ---------------------------------------------------------------------------
# Objects

obj-y := core/main.o core/log.o core/config_data.o core/config_check.o \
	core/bus.o core/memory.o core/numa.o core/vm.o core/vcpu.o core/vcpu_exit.o core/console.o core/tty.o core/guest_image.o \
	arch/x86/platform.o arch/x86/platform_devices.o arch/x86/boot.o arch/x86/cpu.o arch/x86/cpuid.o \
	arch/x86/topology.o arch/x86/cpuid_topo.o arch/x86/acpi.o arch/x86/aml.o \
	devices/acpi_pm.o
obj-y += core/cpuset.o core/pin.o core/preflight.o
obj-y += arch/x86/cpu_models.o
obj-$(CONFIG_SERIAL_8250) += devices/serial8250.o
obj-$(CONFIG_I8042) += devices/i8042.o
obj-$(CONFIG_RTC_CMOS) += devices/rtc_cmos.o
obj-$(CONFIG_PCI_HOST) += devices/pci_host.o
obj-$(CONFIG_ACPI_GED) += devices/ged.o
obj-$(CONFIG_CPU_HOTPLUG) += devices/cpu_hotplug.o
obj-$(CONFIG_VIRTIO_MMIO) += devices/virtio/virtqueue.o devices/virtio/virtio.o \
	devices/virtio/mmio.o
obj-$(CONFIG_VIRTIO_BLK) += devices/virtio/blk.o
obj-$(CONFIG_VIRTIO_RNG) += devices/virtio/rng.o
obj-$(CONFIG_VIRTIO_NET) += devices/virtio/net.o devices/virtio/tap.o

# Hardening (core/Kconfig.hardening): the sandbox and the per-thread seccomp
# filters. A host tool linked with glibc's libseccomp, compiled with the
# configuration, builds each thread kind's filter and exports its BPF into
# a generated header: the static image carries no libseccomp (NOTES.md).
# The tool follows the per-symbol stamps (scripts/fixdep.py) of the CONFIG_
# symbols it reads, so only those regenerate the filters.
obj-y += core/seccomp.o core/sandbox.o core/fds.o
SECCOMP_GEN := $(objtree)/include/hostprogs/gen_seccomp
SECCOMP_H := $(objtree)/include/generated/keel_seccomp.h
SECCOMP_GEN_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -I$(srctree) -I$(objtree)/include -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
	-include $(objtree)/include/generated/autoconf.h
ifeq ($(CONFIG_SECCOMP),y)
$(SECCOMP_GEN): $(srctree)/scripts/seccomp/gen_seccomp.c | $(objtree)/include/config/auto.conf
	$(quiet) HOSTCC include/hostprogs/gen_seccomp
	$(Q)test -e /usr/include/seccomp.h || { echo "error: SECCOMP: building the filters" \
		"needs the host's libseccomp: apt-get install libseccomp-dev (or make deps)," \
		"or turn SECCOMP off" >&2; false; }
	$(Q)mkdir -p $(dir $@)
	$(Q)$(or $(HOSTCC),gcc) $(SECCOMP_GEN_CFLAGS) -MMD -MF $@.d -o $@ $< -lseccomp
	$(Q)$(PYTHON) $(srctree)/scripts/fixdep.py $@.d $(objtree)
$(SECCOMP_H): $(SECCOMP_GEN)
	$(quiet) GEN include/generated/keel_seccomp.h
	$(Q)$(SECCOMP_GEN) $@
$(objtree)/core/seccomp.o: $(SECCOMP_H)
-include $(SECCOMP_GEN).d
endif

# The probe guest (tests/guest/), the default GUEST_KERNEL.
-include $(srctree)/tests/guest/guest.mk

# Real Linux guests: the Debian kernel and busybox initramfs in
# $(objtree)/guest/ (guest-assets), and "make demo" (tests/e2e/README).
-include $(srctree)/scripts/guest-assets.mk
-include $(srctree)/tests/e2e/e2e.mk
-include $(srctree)/tests/fuzz/fuzz.mk
-include $(srctree)/tests/soak/soak.mk
-include $(srctree)/tests/acpi/acpi.mk

# GUEST_EMBED: kernel and initrd linked in. Relative paths are relative
# to the build folder, where guest assets are built.
unquote = $(patsubst "%",%,$(1))
guest-path = $(if $(1),$(if $(filter /%,$(1)),$(1),$(objtree)/$(1)))
ifeq ($(CONFIG_GUEST_EMBED),y)
GUEST_KERNEL_FILE := $(call guest-path,$(call unquote,$(CONFIG_GUEST_KERNEL)))
GUEST_INITRD_FILE := $(call guest-path,$(call unquote,$(CONFIG_GUEST_INITRD)))
obj-y += core/guest_blob.o
$(objtree)/core/guest_blob.o: $(GUEST_KERNEL_FILE) $(GUEST_INITRD_FILE)
$(objtree)/core/guest_blob.o: EXTRA_CPPFLAGS := \
	-DKEEL_GUEST_KERNEL_FILE='"$(GUEST_KERNEL_FILE)"' \
	$(if $(GUEST_INITRD_FILE),-DKEEL_GUEST_INITRD_FILE='"$(GUEST_INITRD_FILE)"')
guest-files := $(filter-out $(PROBE_BZIMAGE) $(GUEST_ASSET_FILES),$(GUEST_KERNEL_FILE) $(GUEST_INITRD_FILE))
$(guest-files):
	@echo "error: GUEST_KERNEL/GUEST_INITRD: $@ does not exist: build or fetch" \
		"the guest first, or fix the path (relative paths are relative to" \
		"the build folder $(objtree))" >&2
	@false
endif

objs := $(addprefix $(objtree)/,$(obj-y))

# CPU models (arch/x86/cpu_models.txt, cpu_features.txt): the feature
# words and the configured model as C. The model header follows the
# per-symbol stamps of CPU_MODEL and CPU_FEATURES only.
CPU_MODELS_SRC := $(srctree)/scripts/cpu_models.py $(srctree)/arch/x86/cpu_features.txt \
	$(srctree)/arch/x86/cpu_models.txt
CPU_MODELS_GEN := $(objtree)/include/generated/keel_cpu_features.h \
	$(objtree)/include/generated/keel_cpu_model.h
$(objtree)/include/generated/keel_cpu_features.h: $(CPU_MODELS_SRC) | $(objtree)/include/config/auto.conf
	$(quiet) GEN include/generated/keel_cpu_features.h
	$(Q)$(PYTHON) $(srctree)/scripts/cpu_models.py features-header $@
$(objtree)/include/generated/keel_cpu_model.h: $(CPU_MODELS_SRC) \
		$(wildcard $(objtree)/include/config/cpu/model.h $(objtree)/include/config/cpu/features.h) \
		| $(objtree)/include/config/auto.conf
	$(quiet) GEN include/generated/keel_cpu_model.h
	$(Q)$(PYTHON) $(srctree)/scripts/cpu_models.py model-header \
		$(objtree)/include/config/auto.conf $@
$(objtree)/arch/x86/cpu_models.o $(objtree)/arch/x86/cpuid.o: $(CPU_MODELS_GEN)

$(objtree)/include/generated/version.h: FORCE | $(objtree)/include/config/auto.conf
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '#define KEEL_VERSION "%s"\n' '$(VERSION)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# Any change of compiler or flags rebuilds everything (like Kbuild's .cmd).
FLAGS_FILE := $(objtree)/include/config/build-flags
$(FLAGS_FILE): FORCE | $(objtree)/include/config/auto.conf
	$(Q)printf '%s\n' '$(CC) $(KEEL_CPPFLAGS) $(KEEL_CFLAGS) $(KEEL_LDFLAGS)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(UAPI)/.stamp:
	$(Q)mkdir -p $(UAPI)
	$(Q)for d in $(UAPI_LINKS); do ln -sfn /usr/include/$$d $(UAPI)/$$d; done
	$(Q)ln -sfn /usr/include/x86_64-linux-gnu/asm $(UAPI)/asm
	$(Q)touch $@

$(objtree)/%.o: $(srctree)/%.c $(FLAGS_FILE) | $(objtree)/include/config/auto.conf \
		$(objtree)/include/generated/version.h $(UAPI)/.stamp
	$(quiet) CC $*.o
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KEEL_CPPFLAGS) $(KEEL_CFLAGS) -MMD -MF $@.d -c -o $@ $<
	$(Q)$(PYTHON) $(srctree)/scripts/fixdep.py $@.d $(objtree)

$(objtree)/%.o: $(srctree)/%.S $(FLAGS_FILE) | $(objtree)/include/config/auto.conf
	$(quiet) AS $*.o
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KEEL_CPPFLAGS) $(EXTRA_CPPFLAGS) -MMD -MF $@.d -c -o $@ $<
	$(Q)$(PYTHON) $(srctree)/scripts/fixdep.py $@.d $(objtree)

$(objtree)/keel: $(objs) $(FLAGS_FILE)
	$(quiet) LD keel
	$(Q)$(CC) $(KEEL_CFLAGS) $(KEEL_LDFLAGS) -o $@.tmp $(objs)
	$(Q)mv $@.tmp $@

-include $(addsuffix .d,$(objs))

# ---------------------------------------------------------------------------
# Unit tests: tests/unit/test_<name>.c, host gcc with sanitizers, linked
# with the project sources listed in tests/unit/test_<name>.mk as
# "test_<name>-srcs := core/bus.c ...". They read no configuration.

# A test may pick its sanitizers (default address,undefined) and add flags:
# "test_<name>-sanitize := thread", "test_<name>-cflags := ...".
comma := ,

HOSTCC ?= gcc
UNIT_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	-fno-omit-frame-pointer -I$(srctree) -I$(srctree)/tests/unit
unit-tests := $(patsubst $(srctree)/tests/unit/%.c,%,$(wildcard $(srctree)/tests/unit/test_*.c))
-include $(wildcard $(srctree)/tests/unit/test_*.mk)
unit-bins := $(addprefix $(objtree)/tests/unit/,$(unit-tests))

$(objtree)/tests/unit/%: $(srctree)/tests/unit/%.c $$(addprefix $(srctree)/,$$($$*-srcs)) \
		$(wildcard $(srctree)/tests/unit/*.h)
	$(quiet) HOSTCC tests/unit/$*
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -fsanitize=$(or $($*-sanitize),address$(comma)undefined) \
		$($*-cflags) -o $@ $(filter %.c,$^)

unit-tests: $(unit-bins)
.PHONY: unit-tests

# ---------------------------------------------------------------------------
# Tests and helpers

deps:
	$(Q)$(srctree)/scripts/deps.sh

check: deps
	$(Q)$(srctree)/tests/run $(objtree)

# make bench [BENCH_RUNS=5] [BENCH_NESTED=0]: tests/bench/README
bench: deps
	$(Q)BENCH_RUNS=$(BENCH_RUNS) BENCH_NESTED=$(BENCH_NESTED) $(srctree)/tests/bench/run.sh $(objtree)

.PHONY: deps check bench FORCE

# make install DESTDIR=<staging root> PREFIX=<prefix, default /usr>: the
# image under its profile's names (<name>: DEFCONFIG_NAME, '_' as '-'),
# so profiles install side by side: $(PREFIX)/sbin/keel-<name>,
# $(PREFIX)/libexec/keel/<name>/keel, keel-<name>.service, share/keel/<name>/.
# make deb: the same as $(O)/keel-<name>_<version>_amd64.deb, with the GRUB
# drop-in, docs, SBOM and maintainer scripts (scripts/deb/keel-pkg.sh).
PREFIX ?= /usr
KEEL_PKG := $(srctree)/scripts/deb/keel-pkg.sh
install: $(objtree)/keel
	$(Q)$(KEEL_PKG) install $(objtree) "$(DESTDIR)" "$(PREFIX)"

deb: $(objtree)/keel
	$(Q)KEEL_VERSION=$(VERSION) GUEST_CACHE=$(guest-cache) $(KEEL_PKG) deb $(objtree)

.PHONY: install deb

# make release [RELEASE_DEFCONFIGS="<path>..."]: every configs/*_defconfig
# built into its image and .deb under $(O)/release/, with SHA256SUMS and
# the SBOMs; make release-verify builds it all again in a second folder
# and compares every byte (scripts/deb/release.sh).
RELEASE_DEFCONFIGS ?= $(sort $(wildcard $(srctree)/configs/*_defconfig))
release release-verify: deps
	$(Q)KEEL_VERSION=$(VERSION) GUEST_CACHE=$(guest-cache) \
		$(srctree)/scripts/deb/release.sh $@ $(objtree) $(RELEASE_DEFCONFIGS)

.PHONY: release release-verify

# The host kernel command line the configured board needs (from .config).
host-cmdline: | $(objtree)/
	$(Q)$(PYTHON) $(srctree)/scripts/host_cmdline.py $(objtree)

.PHONY: host-cmdline

# ---------------------------------------------------------------------------

# Objects live next to the sources in an in-tree build: delete files by
# name, never folders that may hold sources.
clean: probe-guest-clean
	$(Q)rm -f $(objtree)/keel $(objtree)/keel.tmp $(unit-bins)
	$(Q)for d in core arch devices; do [ -d $(objtree)/$$d ] && \
		find $(objtree)/$$d -name '*.o' -o -name '*.o.d' | xargs rm -f; done; true
	$(Q)rm -rf $(objtree)/tests-work

distclean: clean
	$(Q)rm -rf $(objtree)/include $(objtree)/.config $(objtree)/.config.old \
		$(objtree)/defconfig

help:
	@echo 'Configuration:'
	@echo '  <name>_defconfig    .config from configs/<name>_defconfig (below)'
	@echo '  defconfig           .config from DEFCONFIG=<path> (default: $(DEFAULT_DEFCONFIG))'
	@echo '  menuconfig          edit .config in menus (kconfiglib)'
	@echo '  olddefconfig        refresh .config: new symbols take their defaults'
	@echo '  savedefconfig       minimal defconfig of .config into $$(O)/defconfig'
	@echo ''
	@echo 'Build and test:'
	@echo '  all (default)       $$(O)/keel, the static image'
	@echo '  check               all tests (installs Debian packages it needs)'
	@echo '  deps                install the Debian packages the project needs'
	@echo '  bench               benchmarks vs QEMU: table, CSV and chart in $$(O)/bench/'
	@echo '  fuzz                libFuzzer targets, FUZZ_SECONDS=N each (tests/fuzz/README)'
	@echo '  soak                repeated boots and SIGTERMs: SOAK_RUNS= SOAK_SIGTERMS= SOAK_E2E='
	@echo '  install             image (sbin/keel-<profile>) and unit into $$(DESTDIR)$$(PREFIX) (/usr)'
	@echo '  deb                 $$(O)/keel-<profile>_<version>_amd64.deb: image, unit, host setup, SBOM'
	@echo '  release             every defconfig: image, .deb, SBOM, SHA256SUMS in $$(O)/release/'
	@echo '  release-verify      build the release again in a second folder, compare every byte'
	@echo '  demo                from a fresh machine: build edge_2s2c2t, boot real Linux, show its CPUs'
	@echo '                      (DEMO_HOST=intel: nested on the emulated Intel host, kvm_intel)'
	@echo '  guest-assets        the Debian cloud kernel and busybox initramfs in $$(O)/guest/'
	@echo '  host-cmdline        host kernel parameters the board needs (isolcpus=, nohz_full=, ...)'
	@echo '  clean / distclean   remove objects and image / also .config and headers'
	@echo ''
	@echo 'Options: O=<dir> build out of tree; V=1 show full commands.'
	@echo ''
	@echo 'Defconfigs (configs/):'
	@for f in $(sort $(notdir $(wildcard $(srctree)/configs/*_defconfig))); do \
		printf '  %-26s %s\n' "$$f" \
		"$$(sed -n '1s/^# *[^:]*: *//p' $(srctree)/configs/$$f)"; done
	@echo ''
	@echo 'Boards (board/):'
	@for d in $(sort $(notdir $(patsubst %/README,%,$(wildcard $(srctree)/board/*/README)))); do \
		printf '  %-26s %s\n' "$$d" \
		"$$(sed -n '1s/^[^:]*: *//p' $(srctree)/board/$$d/README)"; done

.PHONY: clean distclean help

endif # mixed
