# pmukvm build. `make` builds ./pmukvm; `make test` builds and runs every
# test; `make SANITIZE=1` builds with AddressSanitizer and UBSan.

CC      ?= gcc
PKGS    := libelf zlib slang libunwind-generic libtraceevent
# CFLAGS, LDFLAGS and LDLIBS are the user's (make CFLAGS=-O1 replaces them); what
# the build itself needs is in PMUKVM_CFLAGS and PMUKVM_LDFLAGS, which
# come first so that the user's flags can still override an -O or -g.
CFLAGS  ?= -O2 -g
PMUKVM_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
           -Wno-unused-parameter -Wno-missing-field-initializers \
           -D_GNU_SOURCE -pthread -I. $(shell pkg-config --cflags $(PKGS))
PMUKVM_LDFLAGS :=
PMUKVM_LIBS := $(shell pkg-config --libs $(PKGS)) -lstdc++ -lm -pthread

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
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ    := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC   := $(wildcard tests/unit/*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)

ifeq ($(SANITIZE),1)
PROG    := pmukvm-san
else
PROG    := pmukvm
endif

ifeq ($(SANITIZE),1)
all: $(PROG) $(BUILD)/unit-tests
else
all: $(PROG) $(BUILD)/unit-tests $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
endif

# V=1 shows the full commands.
ifneq ($(V),1)
Q       := @
quiet    = @echo "  $(1)	$(2)";
endif

$(PROG): $(CMD_OBJ) $(BUILD)/libpmukvm.a
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PMUKVM_LIBS) $(LDLIBS)

$(VERSION_H): FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '#define PMUKVM_VERSION "$(VERSION)"' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN	$@"; fi

# Who shows or writes the version includes the header; the dependency is
# explicit because the first build has no .d file yet.
$(BUILD)/pmukvm.o $(BUILD)/builtin-kvm/record.o: $(VERSION_H)

$(BUILD)/libpmukvm.a: $(ENGINE_OBJ)
	$(Q)rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

$(BUILD)/%.o: %.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -I$(BUILD) -MMD -MP -c -o $@ $<

$(BUILD)/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libpmukvm.a
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PMUKVM_LIBS) $(LDLIBS)

# Test tools are standalone: they do not link the engine, so what they
# compute stays independent of what they check. They are workloads too, so
# they are built without sanitizers, once, in build/. -fno-plt: calls to
# libraries go through the GOT, so no sample lands in a PLT stub, where
# perf's name depends on its symbol tree's shape (an unsized _init before
# .plt overlaps the stubs) and the agreement tests could not be exact.
build/tools/%: tests/tools/%.c
	$(Q)mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fno-plt \
		-o $@ $< -lz -lm -pthread

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

check: test test-san

clean:
	rm -rf build build-san pmukvm pmukvm-san $(MAN_PAGES)

.PHONY: all test test-san check clean deps demo man install uninstall FORCE
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
