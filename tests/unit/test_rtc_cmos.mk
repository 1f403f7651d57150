test_rtc_cmos-srcs := devices/rtc_cmos.c core/bus.c core/log.c
