test_memory-srcs := core/memory.c core/log.c
test_memory-cflags := -Wl,--wrap=ioctl
