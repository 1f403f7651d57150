test_cpuset-srcs := core/cpuset.c
