test_i8042-srcs := devices/i8042.c core/bus.c core/log.c
