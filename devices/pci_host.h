/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_PCI_HOST_H
#define KEEL_DEVICES_PCI_HOST_H

/*
 * A PCI host bridge with nothing behind it: configuration mechanism #1
 * (the CONFIG_ADDRESS register, 32-bit accesses only, and the 4-byte
 * CONFIG_DATA window) with the bridge itself at 00:00.0 and every other
 * function absent (all ones). Enough for a guest to find a working
 * configuration access method and an empty bus, instead of reporting
 * that it has none; Keel's devices are virtio-mmio, not PCI.
 */
#include <stdint.h>

/* Registers addr_port (1 byte wide: 32-bit accesses) and data_port..+3 on BUS_PIO. */
int pci_host_create(uint16_t addr_port, uint16_t data_port);

/* The bridge's identity (read-only configuration header). */
#define PCI_HOST_VENDOR 0x1b36 /* Red Hat: generic virtual devices */
#define PCI_HOST_DEVICE 0x0008 /* "PCIe host bridge" */
#define PCI_HOST_CLASS 0x0600 /* bridge, host */

#endif
