# SPDX-License-Identifier: GPL-2.0
#
# Real Linux guest assets (scripts/guest-assets.sh, tests/e2e/README), a
# make fragment for the top-level Makefile. Provides:
#
#   $(objtree)/guest/vmlinuz            the Debian cloud kernel (bzImage)
#   $(objtree)/guest/initramfs.cpio.gz  busybox initramfs, /init prints the
#                                       guest's view of its CPUs
#   guest-assets                        phony: both of them
#   guest-assets-clean                  phony: removes $(objtree)/guest
#   distclean                           also removes $(objtree)/guest-cache
#
# With CONFIG_GUEST_KERNEL="guest/vmlinuz" and
# CONFIG_GUEST_INITRD="guest/initramfs.cpio.gz" these are what the image
# embeds. Downloads are cached in GUEST_CACHE (make or environment
# variable, default $(objtree)/guest-cache): point several build folders
# at one cache to download once. The kernel version is pinned in
# scripts/guest-kernel.conf.
#
# The files are made by pattern rules, so that an explicit rule for the
# same path elsewhere (the Makefile's "GUEST_KERNEL does not exist" error)
# takes precedence without a warning. Including this file does not change
# the default goal.

guest-cache = $(abspath $(or $(GUEST_CACHE),$(objtree)/guest-cache))

GUEST_ASSETS_DIR := $(objtree)/guest
GUEST_ASSET_FILES := $(GUEST_ASSETS_DIR)/vmlinuz $(GUEST_ASSETS_DIR)/initramfs.cpio.gz
GUEST_ASSETS_SH := $(srctree)/scripts/guest-assets.sh
GUEST_ASSETS_DEPS := $(GUEST_ASSETS_SH) $(srctree)/scripts/guest-kernel.conf

$(GUEST_ASSETS_DIR)/vmlinu%: $(GUEST_ASSETS_DEPS)
	$(quiet) GUEST guest/vmlinu$*
	$(Q)GUEST_CACHE=$(guest-cache) $(GUEST_ASSETS_SH) kernel $@

$(GUEST_ASSETS_DIR)/initramfs%cpio.gz: $(GUEST_ASSETS_DEPS) $(srctree)/scripts/guest-init
	$(quiet) GUEST guest/initramfs$*cpio.gz
	$(Q)GUEST_CACHE=$(guest-cache) $(GUEST_ASSETS_SH) initramfs $@

guest-assets: $(GUEST_ASSET_FILES)

guest-assets-clean:
	$(Q)rm -rf $(GUEST_ASSETS_DIR)

.PHONY: guest-assets guest-assets-clean

# distclean removes the built assets and the download cache in the build
# folder (a GUEST_CACHE elsewhere stays).
guest-assets-distclean: guest-assets-clean
	$(Q)rm -rf $(objtree)/guest-cache

distclean: guest-assets-distclean

.PHONY: guest-assets-distclean
