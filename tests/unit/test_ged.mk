test_ged-srcs := devices/ged.c core/bus.c core/log.c tests/unit/host_stubs.c
