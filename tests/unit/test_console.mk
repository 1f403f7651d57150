test_console-srcs := core/console.c core/log.c tests/unit/host_stubs.c
