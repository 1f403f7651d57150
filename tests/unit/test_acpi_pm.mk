test_acpi_pm-srcs := devices/acpi_pm.c core/bus.c core/log.c
