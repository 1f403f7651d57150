test_bus-srcs := core/bus.c core/log.c
