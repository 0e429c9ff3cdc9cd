# SPDX-License-Identifier: GPL-2.0-or-later
# The two entry points of the quick start:
#   make run    install missing packages, build, start a bare qmpd
#   make check  the same set-up, then every test suite
#
# BUILD and MESON_OPTS select another build folder and configuration
# (CI uses them for the sanitizer build).
#
#   make fuzz   run every libFuzzer target for FUZZ_TIME seconds in a clang
#               build (FUZZ_BUILD); findings are copied into tests/fuzz/NAME/
#               and make the target fail.  FUZZ_TARGETS picks targets,
#               FUZZ_TIMEOUT is the per-input limit, FUZZ_KEEP_GOING=1
#               carries on past findings (docs/devel/testing.md).

BUILD ?= build
MESON_OPTS ?=
TEST_OPTS ?=
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?=
FUZZ_KEEP_GOING ?=

.PHONY: all deps build run check fuzz format format-check bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@rm -f qmp.sock
	@echo "qmpd: QMP socket at ./qmp.sock; connect with:"
	@echo "  socat - UNIX-CONNECT:qmp.sock"
	@echo "then type {\"execute\": \"qmp_capabilities\"}"
	@echo "The human monitor is on this terminal ('help', 'quit')."
	$(BUILD)/system/qmpd -nodefaults \
	    -chardev socket,id=qmp0,path=qmp.sock,server=on,wait=off \
	    -mon chardev=qmp0,mode=control \
	    -monitor stdio -incoming defer

check: build
	@rc=0; meson test -C $(BUILD) --print-errorlogs $(TEST_OPTS) || rc=$$?; \
	    python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json; \
	    exit $$rc

fuzz:
	@scripts/install-deps.sh --fuzz
	python3 scripts/fuzz.py --build $(FUZZ_BUILD) --time $(FUZZ_TIME) \
	    --timeout $(FUZZ_TIMEOUT) --targets '$(FUZZ_TARGETS)' \
	    $(if $(FUZZ_KEEP_GOING),--keep-going)

format:
	clang-format-16 -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format-16 --dry-run --Werror $$(git ls-files '*.c' '*.h')

bench: build
	python3 bench/run.py --binary $(BUILD)/system/qmpd

clean:
	rm -rf $(BUILD)
