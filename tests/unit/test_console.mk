test_console-srcs := core/console.c core/log.c
