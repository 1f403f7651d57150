test_cpuid_topo-srcs := arch/x86/cpuid_topo.c arch/x86/topology.c
