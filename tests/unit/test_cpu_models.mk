# arch/x86/cpu_models.c with every model of arch/x86/cpu_models.txt: the
# generator writes the headers into $(objtree)/tests/unit/generated/ (no
# configuration is read).
test_cpu_models-srcs := arch/x86/cpu_models.c
CPU_MODELS_UNIT_GEN := $(objtree)/tests/unit/generated
CPU_MODELS_UNIT_DEPS := $(srctree)/scripts/cpu_models.py $(srctree)/arch/x86/cpu_features.txt \
	$(srctree)/arch/x86/cpu_models.txt
$(objtree)/tests/unit/test_cpu_models: UNIT_CFLAGS += -I$(objtree)/tests/unit
$(objtree)/tests/unit/test_cpu_models: $(CPU_MODELS_UNIT_GEN)/keel_cpu_features.h \
	$(CPU_MODELS_UNIT_GEN)/keel_cpu_models_all.h
$(CPU_MODELS_UNIT_GEN)/keel_cpu_features.h: $(CPU_MODELS_UNIT_DEPS)
	$(quiet) GEN tests/unit/generated/keel_cpu_features.h
	$(Q)/usr/bin/python3 $(srctree)/scripts/cpu_models.py features-header $@
$(CPU_MODELS_UNIT_GEN)/keel_cpu_models_all.h: $(CPU_MODELS_UNIT_DEPS)
	$(quiet) GEN tests/unit/generated/keel_cpu_models_all.h
	$(Q)/usr/bin/python3 $(srctree)/scripts/cpu_models.py all-models-header $@

cpu-models-unit-clean:
	$(Q)rm -rf $(CPU_MODELS_UNIT_GEN)
clean: cpu-models-unit-clean
.PHONY: cpu-models-unit-clean
