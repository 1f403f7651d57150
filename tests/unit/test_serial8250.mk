test_serial8250-srcs := devices/serial8250.c core/bus.c core/log.c
