test_acpi-srcs := arch/x86/acpi.c arch/x86/aml.c core/log.c
