test_cpu_hotplug-srcs := devices/cpu_hotplug.c core/bus.c core/log.c
