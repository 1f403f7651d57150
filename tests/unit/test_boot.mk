test_boot-srcs := arch/x86/boot.c core/memory.c core/log.c
