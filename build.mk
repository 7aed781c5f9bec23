# build.mk -- the build itself, read by the Makefile once the Debian packages are installed
# (see the Makefile for why it is a second file). Goals are the Makefile's.
#
# Every directory's sources are picked up by wildcard: adding a file needs no edit here.

BUILD    ?= build
CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
# Libraries by layer: each binary links only the layers it uses (see LINK below).
LIB_PKGS    := jansson libprotobuf-c nettle
SERVER_PKGS := $(LIB_PKGS) libmicrohttpd sqlite3 gnutls libcrypt libpq
CI_PKGS     := $(LIB_PKGS) libgit2 libcurl yaml-0.1
PKGS        := $(sort $(SERVER_PKGS) $(CI_PKGS) avro-c)
GEN      := build/gen

ALL_CFLAGS  = -std=c17 -D_GNU_SOURCE $(WARN) $(OPT) -I. -I$(GEN) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -pthread
ALL_LDFLAGS = $(LDFLAGS) -pthread
LIBS        = $(PKG_LIBS) -lm
pkg_libs    = $(shell pkg-config --libs $(1) 2>/dev/null) -lm

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
sources      = $(sort $(shell find $(1) -name '*.c'))
COMMON_SRC  := $(call sources,common)
COMPAT_SRC  := $(call sources,compat)
STORE_SRC   := $(call sources,store)
SERVER_SRC  := $(call sources,server)
CI_SRC      := $(call sources,ci)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
WKT_FILES   := $(patsubst /usr/include/%,/usr/include:%,$(sort $(wildcard /usr/include/google/protobuf/*.proto))) \
               $(patsubst compat/protobuf/wkt/%,compat/protobuf/wkt:%,$(shell find compat/protobuf/wkt -name '*.proto' | sort))
WKT_C       := $(GEN)/proto_wkt_data.c
# The JSON Schema meta-schemas, as Debian's python3-jsonschema installs them.
META_DIR    := /usr/lib/python3/dist-packages/jsonschema/schemas
META_FILES  := draft-04=$(META_DIR)/draft4.json draft-06=$(META_DIR)/draft6.json \
               draft-07=$(META_DIR)/draft7.json 2019-09=$(META_DIR)/draft2019-09.json \
               2020-12=$(META_DIR)/draft2020-12.json vocabularies=$(META_DIR)/vocabularies.json
META_C      := $(GEN)/json_meta_data.c
# The web UI (server/ui/) and the JavaScript of Debian's packages it uses, embedded in sluiced.
UI_FILES    := $(sort $(wildcard server/ui/*))
HLJS_DIR    := /usr/share/nodejs/highlight.js/lib
UI_HLJS     := $(GEN)/ui/highlight.js
UI_DIFF     := /usr/share/nodejs/diff/dist/diff.js
UI_C        := $(GEN)/ui_assets.c
# What the generated files are made from, as one line per input with its checksum, rewritten only
# when it changes: a system .proto file added, removed or updated, or another protoc-c, makes the
# generated C again even when no file's time says so.
GEN_INPUTS  := $(GEN)/inputs.sha256
# The layers, bottom up. compat/ and common/ are shared; store/ belongs to the server alone, so
# that the CLI cannot reach the store (it would not link).
COMPAT_OBJ  := $(call obj,$(COMMON_SRC) $(COMPAT_SRC)) $(BUILD)/obj/gen/descriptor.pb-c.o \
               $(BUILD)/obj/gen/proto_wkt_data.o $(BUILD)/obj/gen/json_meta_data.o
STORE_OBJ   := $(call obj,$(STORE_SRC))
SERVER_OBJ  := $(call obj,$(filter-out server/main.c,$(SERVER_SRC))) $(BUILD)/obj/gen/ui_assets.o
CI_OBJ      := $(call obj,$(filter-out ci/main.c,$(CI_SRC)))

# Unit tests mirror the source tree: tests/unit/<dir>/<name>.c is one test program.
UNIT_SRC    := $(wildcard tests/unit/*/*.c)
UNIT_BIN    := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
TOOL_SRC    := $(wildcard tests/tools/*.c)
TOOL_BIN    := $(patsubst %.c,$(BUILD)/%,$(TOOL_SRC))
BENCH_SRC   := $(wildcard tests/bench/*.c)
BENCH_BIN   := $(patsubst %.c,$(BUILD)/%,$(BENCH_SRC))
# Fuzz targets (tests/fuzz/<layer>_<name>.c): linked with libFuzzer by `make fuzz`, and with
# tests/fuzz/replay.c everywhere else, so that the test suites replay the saved inputs.
FUZZ_SRC    := $(filter-out tests/fuzz/replay.c,$(wildcard tests/fuzz/*.c))
FUZZ_BIN    := $(patsubst %.c,$(BUILD)/%,$(FUZZ_SRC))

BINS := $(BUILD)/sluiced $(if $(CI_SRC),$(BUILD)/sluice)

.PHONY: all tests run test unit bench fuzz fuzz-targets tsan-tests clean install install-cli FORCE
.DEFAULT_GOAL := all

all: $(BINS)

# Everything the test suites and benchmarks run, besides the two binaries.
tests: $(BINS) $(UNIT_BIN) $(TOOL_BIN) $(BENCH_BIN) $(FUZZ_BIN)

$(GEN_INPUTS): FORCE
	@mkdir -p $(GEN)
	@{ command -v protoc-c && protoc-c --version; \
	   sha256sum $(DESC_PROTO) $(subst :,/,$(WKT_FILES)) \
	     $(foreach f,$(META_FILES),$(lastword $(subst =, ,$(f)))) scripts/embed_texts.sh; } >$@.tmp 2>&1
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(DESC_C): $(DESC_PROTO) $(GEN_INPUTS)
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -I/usr/include $(DESC_PROTO)

# The well-known .proto files, embedded so that imports of them need no registration.
$(WKT_C): $(GEN_INPUTS)
	@mkdir -p $(GEN)
	scripts/embed_texts.sh $@ sr_proto__builtin_files \
	    $(foreach f,$(WKT_FILES),$(lastword $(subst :, ,$(f)))=$(subst :,/,$(f)))

$(META_C): $(GEN_INPUTS)
	@mkdir -p $(GEN)
	scripts/embed_texts.sh $@ sr_json__metaschemas $(META_FILES)

$(UI_HLJS): $(HLJS_DIR)/highlight.js $(HLJS_DIR)/languages/json.js \
             $(HLJS_DIR)/languages/protobuf.js scripts/ui_highlight.sh
	scripts/ui_highlight.sh $@ $(HLJS_DIR)

$(UI_C): $(UI_FILES) $(UI_HLJS) $(UI_DIFF) scripts/embed_ui.sh
	@mkdir -p $(GEN)
	scripts/embed_ui.sh $@ $(foreach f,$(UI_FILES),$(notdir $(f))=$(f)) \
	  highlight.js=$(UI_HLJS) diff.js=$(UI_DIFF)

# The tables of embedded files (ui_assets, json_meta_data, proto_wkt_data): data without
# prototypes of their own.
$(BUILD)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) -c $< -o $@

$(BUILD)/obj/gen/descriptor.pb-c.o: $(DESC_C)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes -Wshadow,$(ALL_CFLAGS)) -c $< -o $@

$(BUILD)/obj/%.o: %.c | $(DESC_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

SERVER_LINK := $(SERVER_OBJ) $(STORE_OBJ) $(COMPAT_OBJ)
CI_LINK     := $(CI_OBJ) $(COMPAT_OBJ)

$(BUILD)/sluiced: $(BUILD)/obj/server/main.o $(SERVER_LINK)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(call pkg_libs,$(SERVER_PKGS))

$(BUILD)/sluice: $(BUILD)/obj/ci/main.o $(CI_LINK)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(call pkg_libs,$(CI_PKGS))

# A unit test links the layer it tests and those below it: tests/unit/server/* the server's
# objects, tests/unit/ci/* the CLI's, everything else compat/, common/ and store/.
unit_link = $(if $(filter server/%,$(1)),$(SERVER_LINK),$(if $(filter ci/%,$(1)),$(CI_LINK),\
            $(STORE_OBJ) $(COMPAT_OBJ)))
.SECONDEXPANSION:
$(BUILD)/tests/unit/%: tests/unit/%.c $$(call unit_link,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(call unit_link,$*) -o $@ $(LIBS) -lcmocka

# Helper programs the test scripts drive (tests/tools/).
$(BUILD)/tests/tools/%: tests/tools/%.c $(COMPAT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(COMPAT_OBJ) -o $@ $(LIBS)

$(BUILD)/tests/bench/%: tests/bench/%.c $(SERVER_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(SERVER_LINK) -o $@ $(LIBS)

# A fuzz target links the layer it reads: tests/fuzz/server_* the server's objects, ci_* the CLI's,
# the others compat/ and common/. FUZZ=1 (make fuzz) links libFuzzer's main, else replay.c's.
fuzz_link = $(if $(filter server_%,$(1)),$(SERVER_LINK),$(if $(filter ci_%,$(1)),$(CI_LINK),\
            $(COMPAT_OBJ)))
fuzz_libs = $(call pkg_libs,$(if $(filter server_%,$(1)),$(SERVER_PKGS),$(CI_PKGS)))
FUZZ_MAIN = $(if $(FUZZ),,tests/fuzz/replay.c)
$(BUILD)/tests/fuzz/%: tests/fuzz/%.c $(FUZZ_MAIN) $$(call fuzz_link,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(if $(FUZZ),-fsanitize=fuzzer) $< $(FUZZ_MAIN) \
	    $(call fuzz_link,$*) -o $@ $(call fuzz_libs,$*)

fuzz-targets: $(FUZZ_BIN)

run: $(BUILD)/sluiced
	@mkdir -p var
	$(BUILD)/sluiced --listeners http://0.0.0.0:8081 --db var/sluice.db

# The whole suite runs against the sanitized build; the plain build is compiled too so that
# -Werror holds at -O2 (some warnings only appear with optimization). A ThreadSanitizer build of
# the server and of the threaded unit tests (build/tsan) serves the suite's `tsan` part.
TSAN_UNIT := tests/unit/store/group_commit_test tests/unit/store/store_durability_test \
             tests/unit/server/registry_test
test: tests
	@$(MAKE) --no-print-directory -f build.mk BUILD=build/asan SANITIZE=address,undefined OPT="-O1 -g" tests
	@$(MAKE) --no-print-directory -f build.mk BUILD=build/tsan SANITIZE=thread OPT="-O1 -g" tsan-tests
	@tests/run.sh build/asan

tsan-tests: $(BUILD)/sluiced $(addprefix $(BUILD)/,$(TSAN_UNIT))

unit: tests
	@tests/run.sh $(BUILD) unit

bench: tests
	@tests/bench/run.sh $(BUILD)

# libFuzzer, from Debian's clang: every target built with coverage and ASan+UBSan in build/fuzz,
# then run for FUZZ_SECONDS each (tests/fuzz/run.sh). A crash's input lands in
# build/fuzz/crashes/<target>/: fix the bug, then add the input to tests/fuzz/regressions/<target>/.
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory -f build.mk BUILD=build/fuzz CC=clang FUZZ=1 \
	    SANITIZE=address,undefined OPT="-O1 -g" CFLAGS="-fsanitize=fuzzer-no-link" fuzz-targets
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh build/fuzz

# Installation: `make install PREFIX=/usr DESTDIR=/tmp/pkg` (PREFIX defaults to /usr/local).
# install-cli puts only `sluice` in place, for CI runners.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
UNITDIR := $(PREFIX)/lib/systemd/system
DOCDIR  := $(PREFIX)/share/doc/sluice

install-cli: $(BUILD)/sluice
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BUILD)/sluice $(DESTDIR)$(BINDIR)/sluice

install: $(BINS) install-cli
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILD)/sluiced $(DESTDIR)$(BINDIR)/sluiced
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' dist/sluiced.service > $(DESTDIR)$(UNITDIR)/sluiced.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sluiced.service
	install -m 0644 dist/sluice.properties README.md docs/*.md $(DESTDIR)$(DOCDIR)/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
