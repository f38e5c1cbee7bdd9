# Build, run, test and benchmark the SIP-ISDN PRI gateway.
#   make          build build/bin/{gatewayd,gwctl,pbxsim}
#   make run      start gatewayd on the embedded default (virtual E1 + pbxsim)
#   make test     unit, scenario and integration tests
#   make bench    benchmarks (results printed, not asserted)
#   make fresh-check  make test once in a new minimal Debian 12 root

MAKEFLAGS += -j$(shell nproc)
CXX      ?= g++
BUILD    ?= build
OPT      ?= -O2
DEPFLAGS  = -MMD -MP

# The Debian packages come first. $(BUILD)/config.mk holds the flags
# pkg-config gives once scripts/install-deps has installed what is missing;
# make builds it before anything else and re-reads the Makefile, so on a
# fresh machine no flag is computed and no file compiled before the packages
# are in. It is made again when a package has gone missing since.
NO_DEPS_GOALS = clean fresh-check deps
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(BUILD)/config.mk
ifneq ($(strip $(shell scripts/install-deps --check)),)
$(BUILD)/config.mk: force-deps
endif
endif
.PHONY: force-deps
$(BUILD)/config.mk: scripts/install-deps Makefile
	@mkdir -p $(@D)
	@scripts/install-deps --quiet
	@cflags=$$(pkg-config --cflags sofia-sip-ua spandsp) && libs=$$(pkg-config --libs sofia-sip-ua spandsp) && \
	 printf 'SYS_CFLAGS := %s\nSYS_LIBS := %s\n' "$$cflags" "$$libs" > $@.tmp && mv $@.tmp $@

SYSINC    = $(patsubst -I%,-isystem %,$(SYS_CFLAGS))
CXXFLAGS += -std=c++20 $(OPT) -g -Wall -Wextra -Werror -pthread -I. $(SYSINC)
LDLIBS    = -lpri $(SYS_LIBS) -pthread
ASANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer

LIB_DIRS  = kernel isdn isdn/pbxsim sip dsp conf gateway gateway/call gateway/route gateway/cli
LIB_SRCS  = $(filter-out %_main.cpp,$(wildcard $(addsuffix /*.cpp,$(LIB_DIRS))))
MAIN_SRCS = $(wildcard $(addsuffix /*_main.cpp,$(LIB_DIRS)))
BENCH_SRCS= $(wildcard tests/bench/*_main.cpp)
UNIT_SRCS = $(wildcard tests/unit/*.cpp)
SCEN_SRCS = $(wildcard tests/scenario/*.cpp)

LIB_OBJS  = $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o)
ASAN_OBJS = $(LIB_SRCS:%.cpp=$(BUILD)/asan/%.o)
BINS      = $(patsubst %_main.cpp,$(BUILD)/bin/%,$(notdir $(MAIN_SRCS)))
BENCHES   = $(patsubst %_main.cpp,$(BUILD)/bin/%,$(notdir $(BENCH_SRCS)))

.PHONY: all run test unit scenario integration bench clean deps fresh-check
all: $(BINS) $(BENCHES)

deps:
	@scripts/install-deps

$(BUILD)/libgw.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/libgw-asan.a: $(ASAN_OBJS)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -O1 $(ASANFLAGS) $(DEPFLAGS) -c $< -o $@

# $(1): the *_main.cpp, $(2): the binary's name; LDLIBS_<name> adds libraries
# for that binary alone (GNU readline for gwctl).
LDLIBS_gwctl = -lreadline
define main_rule
$(BUILD)/bin/$(2): $(BUILD)/obj/$(1:.cpp=.o) $(BUILD)/libgw.a
	@mkdir -p $$(@D)
	$$(CXX) $$(CXXFLAGS) $$^ $$(LDLIBS) $$(LDLIBS_$(2)) -o $$@
endef
$(foreach m,$(MAIN_SRCS) $(BENCH_SRCS),$(eval $(call main_rule,$(m),$(patsubst %_main.cpp,%,$(notdir $(m))))))

$(BUILD)/bin/unit_tests: $(UNIT_SRCS:%.cpp=$(BUILD)/asan/%.o) $(BUILD)/libgw-asan.a
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(ASANFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

$(BUILD)/bin/scenario_tests: $(SCEN_SRCS:%.cpp=$(BUILD)/asan/%.o) $(BUILD)/libgw-asan.a
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(ASANFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

$(BUILD)/asan/tests/%.o: tests/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -O1 $(ASANFLAGS) -DBOOST_TEST_DYN_LINK $(DEPFLAGS) -c $< -o $@

unit: $(BUILD)/bin/unit_tests
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(BUILD)/bin/unit_tests --report_level=short

scenario: $(BUILD)/bin/scenario_tests
	$(BUILD)/bin/scenario_tests --report_level=short

integration: all
	python3 tests/integration/run.py

test: unit scenario integration

run: all
	scripts/run-default

bench: all
	scripts/bench

fresh-check:
	scripts/fresh-check

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
