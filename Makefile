# pmukvm build. `make` builds ./pmukvm; `make test` builds and runs every
# test; `make SANITIZE=1` builds with AddressSanitizer and UBSan.

CC      ?= gcc
# Libraries linked: what most commands need. Libraries opened at run time,
# by the commands that need them (util/dlib.h): their headers are used,
# their sonames are read from the -dev packages' links (pmukvm-sonames.h),
# and nothing of theirs is loaded into a run that does not use them.
PKGS_LINKED := libelf zlib
PKGS_OPENED := slang libtraceevent libunwind-generic libbpf libdw libzstd
PKGS    := $(PKGS_LINKED) $(PKGS_OPENED) libprotobuf-c
# CFLAGS, LDFLAGS and LDLIBS are the user's (make CFLAGS=-O1 replaces them); what
# the build itself needs is in PMUKVM_CFLAGS and PMUKVM_LDFLAGS, which
# come first so that the user's flags can still override an -O or -g.
CFLAGS  ?= -O2 -g
PMUKVM_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
           -Wno-unused-parameter -Wno-missing-field-initializers \
           -D_GNU_SOURCE -pthread -I. $(shell pkg-config --cflags $(PKGS)) \
           -fno-math-errno
# --as-needed: a library nothing calls is not loaded. pmukvm calls nothing
# in libm (sqrt is an instruction with -fno-math-errno, no code reads errno
# after a math function; round_u64 in util.h), so the binary does without
# it while a test program that does use it keeps it.
PMUKVM_LDFLAGS := -Wl,--as-needed
# Relative relocations packed (DT_RELR) where the linker has them: 1,500 of
# them were a 36 kB table that every run read in before main.
PMUKVM_LDFLAGS += $(shell printf 'int main(void) { return 0; }' | \
	$(CC) -x c - -o /dev/null -Wl,-z,pack-relative-relocs -Wl,--fatal-warnings \
	2>/dev/null && echo -Wl,-z,pack-relative-relocs)
# Each function in a section of its own, so that the link can put those
# that report runs (scripts/text-order.txt) together, at the front of the
# code: the kernel maps a file 64 kB around each page a process touches,
# and report's 130 kB of functions, spread through the binary's 420 kB,
# had every page of it mapped.
PMUKVM_CFLAGS += -ffunction-sections
# libprotobuf-c (report --pprof) is linked from its static archive: the
# code protoc-c generates calls it and points at its data, so it cannot be
# opened later, and as part of the binary only the pages --pprof touches
# are read in (as a shared library it cost every run 40 kB).
PMUKVM_LIBS := $(shell pkg-config --libs $(PKGS_LINKED)) \
	-Wl,--push-state,-Bstatic -lprotobuf-c -Wl,--pop-state -liberty -lm -pthread

ifeq ($(SANITIZE),1)
PMUKVM_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
PMUKVM_LDFLAGS += -fsanitize=address,undefined
BUILD   := build-san
else
BUILD   := build
endif

ALL_CFLAGS  = $(PMUKVM_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(PMUKVM_LDFLAGS) $(LDFLAGS)

# The version is the commit the binary is built from. It lives in one
# generated header that is rewritten only when the version changes, so that
# a commit (or a dirty tree) rebuilds the objects that include it, and only
# those.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
VERSION_H := $(BUILD)/pmukvm-version.h

ENGINE_SRC := $(wildcard util/*.c symbols/*.c ui/*.c ui/stdio/*.c ui/tui/*.c)
CMD_SRC    := pmukvm.c $(wildcard builtin-kvm/*.c)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/profile.pb-c.o
CMD_OBJ    := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC   := $(wildcard tests/unit/*.c)
TOOL_SRC   := $(filter-out tests/tools/pdwrite.c,$(wildcard tests/tools/*.c))
CXXTOOL_SRC := $(wildcard tests/tools/*.cc)

ifeq ($(SANITIZE),1)
PROG    := pmukvm-san
else
PROG    := pmukvm
endif

# Fuzz harnesses (fuzz/README): every fuzz/*.c. `all` builds each as a
# replay program (the tests run seeds and regressions through it);
# `make fuzz` builds them with libFuzzer and runs them.
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%)

ifeq ($(SANITIZE),1)
all: $(PROG) $(BUILD)/unit-tests $(FUZZ_REPLAY)
else
all: $(PROG) $(BUILD)/unit-tests $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%) \
     $(CXXTOOL_SRC:tests/tools/%.cc=$(BUILD)/tools/%) \
     $(FUZZ_REPLAY)
endif

# V=1 shows the full commands.
ifneq ($(V),1)
Q       := @
quiet    = @echo "  $(1)	$(2)";
endif

$(PROG): $(CMD_OBJ) $(BUILD)/libpmukvm.a $(BUILD)/text-order.ld
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -Wl,-T,$(BUILD)/text-order.ld -o $@ \
		$(filter-out %.ld,$^) $(PMUKVM_LIBS) $(LDLIBS)

# The functions of scripts/text-order.txt in an output section of their own,
# before .text (the rest of the code, as the default linker script lays it),
# after what every run starts with: the C runtime's start-up code, main and
# the constructors (GCC's .text.startup).
$(BUILD)/text-order.ld: scripts/text-order.txt Makefile
	$(Q)mkdir -p $(dir $@)
	$(call quiet,GEN,$@){ echo 'SECTIONS {'; echo '  .text.hot : {'; \
		echo '    *crt1.o(.text) *crtbegin*.o(.text) *(.text.startup .text.startup.*)'; \
		sed -n 's/^\([A-Za-z_][A-Za-z0-9_.]*\)$$/    *(.text.\1)/p' $<; \
		echo '  }'; echo '}'; echo 'INSERT BEFORE .text;'; } >$@

$(VERSION_H): FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '#define PMUKVM_VERSION "$(VERSION)"' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN	$@"; fi

# Who shows or writes the version includes the header; the dependency is
# explicit because the first build has no .d file yet.
$(BUILD)/pmukvm.o $(BUILD)/builtin-kvm/record.o: $(VERSION_H)

# The sonames of the libraries opened at run time, as the linker would
# have recorded them: LIB_SONAME for lib$(LIB).so ("-" as "_", upper case).
# Read at every make (the -dev packages may have changed), rewritten only
# when they differ, as the version header.
SONAMES_H := $(BUILD)/pmukvm-sonames.h
DLIBS := slang traceevent unwind-generic bpf dw zstd
$(SONAMES_H): FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)for l in $(DLIBS); do \
		f=$$($(CC) -print-file-name=lib$$l.so); \
		so=$$(objdump -p "$$f" 2>/dev/null | sed -n 's/^ *SONAME *//p'); \
		[ -n "$$so" ] || { echo "no soname in lib$$l.so ($$f): make deps" >&2; exit 1; }; \
		echo "#define $$(echo $$l | tr a-z- A-Z_)_SONAME \"$$so\""; \
	done >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN	$@"; fi
# Who includes it (explicit, as for the version header: the first build has
# no .d file yet).
DLIB_USERS := ui/tui/setup util/trace-event util/unwind util/guestmem util/srcline \
	      util/zstd-lib
$(DLIB_USERS:%=$(BUILD)/%.o) $(DLIB_USERS:%=build-fuzz/%.o): $(SONAMES_H)

$(BUILD)/libpmukvm.a: $(ENGINE_OBJ)
	$(Q)rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

$(BUILD)/%.o: %.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -I$(BUILD) -MMD -MP -c -o $@ $<

# report --pprof: C code for pprof's schema, generated by protoc-c.
$(BUILD)/gen/profile.pb-c.c: proto/profile.proto
	$(Q)mkdir -p $(dir $@)
	$(call quiet,PROTOC,$@)protoc-c --proto_path=proto --c_out=$(dir $@) $<
$(BUILD)/gen/profile.pb-c.h: $(BUILD)/gen/profile.pb-c.c
$(BUILD)/gen/profile.pb-c.o: $(BUILD)/gen/profile.pb-c.c
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/util/export-pprof.o: $(BUILD)/gen/profile.pb-c.h
$(BUILD)/util/export-pprof.o: PMUKVM_CFLAGS += -I$(BUILD)/gen

# The unit tests make zstd input themselves: they link libzstd.
$(BUILD)/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libpmukvm.a
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PMUKVM_LIBS) -lzstd $(LDLIBS)

# Test tools are standalone: they do not link the engine, so what they
# compute stays independent of what they check. They are workloads too, so
# they are built without sanitizers, once, in build/. -fno-plt: calls to
# libraries go through the GOT, so no sample lands in a PLT stub, where
# perf's name depends on its symbol tree's shape (an unsized _init before
# .plt overlaps the stubs) and the agreement tests could not be exact.
build/tools/%: tests/tools/%.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fno-plt \
		-o $@ $(filter %.c,$^) -lz -lm -pthread

# The perf.data generators share the header and file layout code.
build/tools/mkcrafted build/tools/mkguestdata build/tools/mkkvmstat: \
	tests/tools/pdwrite.c tests/tools/pdwrite.h

# C++ workloads (symbol-name tests), built the same way.
build/tools/%: tests/tools/%.cc
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CXX,$@)g++ -O2 -g -std=gnu++17 -Wall -Wextra -Werror -fno-plt -o $@ $<

$(BUILD)/fuzz-replay/%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/replay/replay.o $(BUILD)/libpmukvm.a
	$(Q)mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) \
		$(PMUKVM_LIBS) $(LDLIBS)

# The diff harness runs the command itself.
$(BUILD)/fuzz-replay/diff: $(BUILD)/builtin-kvm/diff.o
build-fuzz/fuzz/diff: build-fuzz/builtin-kvm/diff.o

# libFuzzer builds: clang, the engine instrumented too, in build-fuzz/.
# `make fuzz [FUZZ=name...] [FUZZ_SECONDS=N]` runs each harness N seconds
# from its seeds (fuzz/corpus/NAME/); a crash stops it with the input
# under build-fuzz/crashes/NAME/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 15
FUZZ         ?= $(FUZZ_NAMES)
FUZZ_CFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
                -Wno-missing-field-initializers -D_GNU_SOURCE -pthread -I. -I$(BUILD) \
                $(shell pkg-config --cflags $(PKGS)) -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined

build-fuzz/%.o: %.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# The generated pprof schema code, as in the other builds.
build-fuzz/gen/profile.pb-c.o: $(BUILD)/gen/profile.pb-c.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<
build-fuzz/util/export-pprof.o: $(BUILD)/gen/profile.pb-c.h
build-fuzz/util/export-pprof.o: FUZZ_CFLAGS += -I$(BUILD)/gen

build-fuzz/libpmukvm.a: $(ENGINE_SRC:%.c=build-fuzz/%.o) build-fuzz/gen/profile.pb-c.o
	$(Q)rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

build-fuzz/fuzz/%: build-fuzz/fuzz/%.o build-fuzz/libpmukvm.a
	$(call quiet,LD,$@)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ \
		$(filter %.o,$^) $(filter %.a,$^) $(PMUKVM_LIBS)

fuzz: $(FUZZ:%=build-fuzz/fuzz/%)
	./fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

test: all
	./tests/run-tests.sh

deps:
	./scripts/install-deps.sh

# The main job on a built-in workload: record the host for a few seconds
# while a small CPU-bound program runs, then report it.
demo: $(PROG) build/tools/mtwork
	build/tools/mtwork 2 3500 & ./$(PROG) record -a --duration 3 -o demo.data; wait
	./$(PROG) report -i demo.data --stdio --percent-limit 0.5

# Man pages from Documentation/pmukvm*.txt (asciidoctor).
MAN_TXT := $(wildcard Documentation/pmukvm*.txt)
MAN_PAGES := $(MAN_TXT:%.txt=%.1)

man: $(MAN_PAGES)

Documentation/%.1: Documentation/%.txt
	@command -v asciidoctor >/dev/null || { echo "man: asciidoctor is not installed (make deps)"; exit 1; }
	$(call quiet,MAN,$@)asciidoctor -b manpage --failure-level=WARN -o $@ $<

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the binary, the man
# pages and the bash completion. The binary is the plain build.
PREFIX  ?= /usr/local
bindir  := $(PREFIX)/bin
man1dir := $(PREFIX)/share/man/man1
bashcompdir := $(PREFIX)/share/bash-completion/completions

install: pmukvm $(MAN_PAGES)
	install -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(man1dir)' '$(DESTDIR)$(bashcompdir)'
	install -m 755 pmukvm '$(DESTDIR)$(bindir)/pmukvm'
	install -m 644 $(MAN_PAGES) '$(DESTDIR)$(man1dir)/'
	install -m 644 contrib/pmukvm-completion.bash '$(DESTDIR)$(bashcompdir)/pmukvm'

uninstall:
	rm -f '$(DESTDIR)$(bindir)/pmukvm' '$(DESTDIR)$(bashcompdir)/pmukvm' \
		$(patsubst Documentation/%,'$(DESTDIR)$(man1dir)/%',$(MAN_PAGES))

test-san:
	$(MAKE) all
	$(MAKE) SANITIZE=1 all
	PMUKVM=./pmukvm-san PMUKVM_UNIT=build-san/unit-tests ./tests/run-tests.sh

check: test test-san fuzz

clean:
	rm -rf build build-san build-fuzz pmukvm pmukvm-san $(MAN_PAGES)

.PHONY: all test test-san check clean deps demo man install uninstall FORCE fuzz
.PRECIOUS: build-fuzz/fuzz/%.o $(BUILD)/fuzz/%.o
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(shell find build-fuzz -name '*.d' 2>/dev/null)
