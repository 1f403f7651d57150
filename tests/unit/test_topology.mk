test_topology-srcs := arch/x86/topology.c
