test_pci_host-srcs := devices/pci_host.c core/bus.c core/log.c
