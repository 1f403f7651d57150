test_log-srcs := core/log.c
