# build.mk -- the build itself, read by the Makefile once the Debian packages are installed
# (see the Makefile for why it is a second file). Goals are the Makefile's.
#
# Every directory's sources are picked up by wildcard: adding a file needs no edit here.

BUILD    ?= build
CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
PKGS     := libmicrohttpd sqlite3 jansson libprotobuf-c avro-c libgit2 libcurl yaml-0.1 nettle
GEN      := build/gen

ALL_CFLAGS  = -std=c17 -D_GNU_SOURCE $(WARN) $(OPT) -I. -I$(GEN) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -pthread
ALL_LDFLAGS = $(LDFLAGS) -pthread
LIBS        = $(PKG_LIBS) -lm

ifdef SANITIZE
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# pkg-config runs only once the packages are known to be there (see deps).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# ---- sources ----
DESC_PROTO  := /usr/include/google/protobuf/descriptor.proto
DESC_C      := $(GEN)/google/protobuf/descriptor.pb-c.c
COMMON_SRC  := $(wildcard common/*.c)
COMPAT_SRC  := $(wildcard compat/*.c)
STORE_SRC   := $(wildcard store/*.c)
SERVER_SRC  := $(wildcard server/*.c)
CI_SRC      := $(wildcard ci/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
WKT_FILES   := $(patsubst /usr/include/%,/usr/include:%,$(sort $(wildcard /usr/include/google/protobuf/*.proto))) \
               $(patsubst compat/wkt/%,compat/wkt:%,$(shell find compat/wkt -name '*.proto' | sort))
WKT_C       := $(GEN)/proto_wkt_data.c
# What the generated files are made from, as one line per input with its checksum, rewritten only
# when it changes: a system .proto file added, removed or updated, or another protoc-c, makes the
# generated C again even when no file's time says so.
GEN_INPUTS  := $(GEN)/inputs.sha256
LIB_OBJ     := $(call obj,$(COMMON_SRC) $(COMPAT_SRC) $(STORE_SRC)) $(BUILD)/obj/gen/descriptor.pb-c.o \
               $(BUILD)/obj/gen/proto_wkt_data.o
SERVER_OBJ  := $(call obj,$(filter-out server/main.c,$(SERVER_SRC)))
CI_OBJ      := $(call obj,$(filter-out ci/main.c,$(CI_SRC)))

# Unit tests mirror the source tree: tests/unit/<dir>/<name>.c is one test program.
UNIT_SRC    := $(wildcard tests/unit/*/*.c)
UNIT_BIN    := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
TOOL_SRC    := $(wildcard tests/tools/*.c)
TOOL_BIN    := $(patsubst %.c,$(BUILD)/%,$(TOOL_SRC))
BENCH_SRC   := $(wildcard tests/bench/*.c)
BENCH_BIN   := $(patsubst %.c,$(BUILD)/%,$(BENCH_SRC))

BINS := $(BUILD)/sluiced $(if $(CI_SRC),$(BUILD)/sluice)

.PHONY: all tests run test unit bench clean FORCE
.DEFAULT_GOAL := all

all: $(BINS)

# Everything the test suites and benchmarks run, besides the two binaries.
tests: $(BINS) $(UNIT_BIN) $(TOOL_BIN) $(BENCH_BIN)

$(GEN_INPUTS): FORCE
	@mkdir -p $(GEN)
	@{ command -v protoc-c && protoc-c --version; \
	   sha256sum $(DESC_PROTO) $(subst :,/,$(WKT_FILES)) scripts/embed_protos.sh; } >$@.tmp 2>&1
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(DESC_C): $(DESC_PROTO) $(GEN_INPUTS)
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -I/usr/include $(DESC_PROTO)

# The well-known .proto files, embedded so that imports of them need no registration.
$(WKT_C): $(GEN_INPUTS)
	@mkdir -p $(GEN)
	scripts/embed_protos.sh $@ $(WKT_FILES)

$(BUILD)/obj/gen/proto_wkt_data.o: $(WKT_C)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) -c $< -o $@

$(BUILD)/obj/gen/descriptor.pb-c.o: $(DESC_C)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes -Wshadow,$(ALL_CFLAGS)) -c $< -o $@

$(BUILD)/obj/%.o: %.c | $(DESC_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/sluiced: $(BUILD)/obj/server/main.o $(SERVER_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(LIBS)

$(BUILD)/sluice: $(BUILD)/obj/ci/main.o $(CI_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(LIBS)

# Unit tests link every library object plus, for server/ and ci/ tests, that layer's objects.
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJ) $(SERVER_OBJ) $(CI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< \
	    $(LIB_OBJ) $(if $(filter server/%,$*),$(SERVER_OBJ)) $(if $(filter ci/%,$*),$(CI_OBJ)) \
	    -o $@ $(LIBS) -lcmocka

# Helper programs the test scripts drive (tests/tools/).
$(BUILD)/tests/tools/%: tests/tools/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(LIB_OBJ) -o $@ $(LIBS)

$(BUILD)/tests/bench/%: tests/bench/%.c $(LIB_OBJ) $(SERVER_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(LIB_OBJ) $(SERVER_OBJ) -o $@ $(LIBS)

run: $(BUILD)/sluiced
	@mkdir -p var
	$(BUILD)/sluiced --listeners http://0.0.0.0:8081 --db var/sluice.db

# The whole suite runs against the sanitized build; the plain build is compiled too so that
# -Werror holds at -O2 (some warnings only appear with optimization).
test: tests
	@$(MAKE) --no-print-directory -f build.mk BUILD=build/asan SANITIZE=address,undefined OPT="-O1 -g" tests
	@tests/run.sh build/asan

unit: tests
	@tests/run.sh $(BUILD) unit

bench: tests
	@tests/bench/run.sh $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
