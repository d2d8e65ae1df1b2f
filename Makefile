# logstreamer: the two commands a new machine needs are `make run` and `make test`.
# Every target installs missing Debian packages first (scripts/install-deps.sh).

BUILD_DIR   := build
RELEASE_BIN := $(BUILD_DIR)/release/src/logstreamer
SAMPLES     := $(wildcard samples/*.log samples/*.gz)
CTEST_FLAGS := --output-on-failure -j2
# TSan is for the concurrency code: only these test binaries (and what they link) are built.
TSAN_TARGETS := core_tests sources_tests engine_tests server_tests sinks_tests bus_tests

.PHONY: all deps build run test test-release test-asan test-tsan test-arm64 bench fuzz clean help

all: build

help:
	@echo "make run    install deps, build, analyze the bundled sample logs"
	@echo "make test   install deps, build, run unit + integration tests, then ASan+UBSan, TSan and the aarch64 unit tests"
	@echo "make bench  build; analyze against mawk (bench/run.sh); serve under wrk against nginx (bench/serve_bench.sh); serve --bus over JetStream against a bare publisher (bench/bus_bench.sh)"
	@echo "make fuzz   libFuzzer targets for every parser, FUZZ_SECONDS each (default 30)"
	@echo "make test-arm64  cross-compile for aarch64, run the kernel/parser unit tests under qemu-user"
	@echo "make build  release build only: $(RELEASE_BIN)"

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/%/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $* >/dev/null

build: deps $(BUILD_DIR)/release/build.ninja
	cmake --build --preset release

run: build
	$(RELEASE_BIN) analyze $(SAMPLES)

test: test-release test-asan test-tsan test-arm64
	@echo "make test: all test suites passed"

test-release: build
	ctest --test-dir $(BUILD_DIR)/release $(CTEST_FLAGS)

test-asan: deps $(BUILD_DIR)/asan/build.ninja
	cmake --build --preset asan
	ctest --test-dir $(BUILD_DIR)/asan $(CTEST_FLAGS)

test-tsan: deps $(BUILD_DIR)/tsan/build.ninja
	cmake --build --preset tsan --target $(TSAN_TARGETS)
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(BUILD_DIR)/tsan $(CTEST_FLAGS)

# aarch64: Debian's cross g++ and arm64 libraries (scripts/install-arm64-deps.sh),
# the hot path's unit tests (simd, parse, aggregate, text, fuzz corpus) under
# qemu-user (scripts/qemu-arm64.sh).
test-arm64:
	@scripts/install-arm64-deps.sh
	cmake --preset arm64 >/dev/null
	cmake --build --preset arm64
	ctest --test-dir $(BUILD_DIR)/arm64 $(CTEST_FLAGS)

bench: build
	bench/run.sh
	bench/serve_bench.sh
	bench/bus_bench.sh

fuzz: deps
	scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
