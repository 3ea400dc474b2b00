# tally: one Makefile. `make` builds every command into bin/; `make check` installs
# missing packages, then runs the bats suite twice: plain and under ASan+UBSan.
-include config.mk

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/tally
DOCDIR   ?= $(PREFIX)/share/doc/tally
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
LOCALEDIR ?= $(PREFIX)/share/locale
MODDIR   ?= $(PREFIX)/lib/tally

CC       ?= cc
OPT      ?= -O2 -g
WARN      = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings \
            $(if $(filter 1,$(WERROR)),-Werror)
# CI builds (CI set in the environment, as .ci/run has it) turn warnings into errors.
WERROR   ?= $(if $(CI),1,0)
CFLAGS   ?= $(OPT)
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Ilib \
             -DTALLY_SHAREDIR='"$(SHAREDIR)"' -DTALLY_LOCALEDIR='"$(LOCALEDIR)"' \
             -DTALLY_BUILD='"$(BUILD)"' -DTALLY_MODDIR='"$(MODDIR)"' \
             $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
# Libraries found through pkg-config: PCRE2 (rules), libical (calendars), GMime (mail),
# pango + cairo (PDF). Their headers are system headers (-isystem): their warnings are not ours.
# --as-needed: a command links only the shared libraries it really calls.
PKGS        = libpcre2-8 libical gmime-3.0 pangocairo
PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
LDLIBS    = -Wl,--as-needed $(PKG_LIBS) -lcsv
# A command exports what the modules call back in it (lib/modules.c says why modules).
LDEXPORT  = -Wl,--dynamic-list=lib/modules.list

# The version, in one place: lib/VERSION (tally.h takes it from here).
VERSION   := $(shell cat lib/VERSION)
ALL_CFLAGS += -DTALLY_VERSION='"$(VERSION)"'

# BUILD/BIN let the sanitizer build live beside the normal one.
BUILD ?= build
BIN   ?= bin

# The modules: the PDF, mail and calendar wrappers, each a shared object with its libraries,
# loaded by lib/modules.c when a command first needs it. Not in libtally.a.
MOD_SRC  = lib/pdf.c lib/mail.c lib/ical.c lib/icaltext.c
MODS     = $(BUILD)/mod/tally-pdf.so $(BUILD)/mod/tally-mail.so $(BUILD)/mod/tally-ical.so
LIB_SRC  = $(filter-out $(MOD_SRC),$(sort $(wildcard lib/*.c)))
LIB_HDR  = $(wildcard lib/*.h)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
CMD_SRC  = $(sort $(wildcard cmd/*.c))
CMDS     = $(CMD_SRC:cmd/%.c=$(BIN)/%)
LIBA     = $(BUILD)/libtally.a
SCRIPTS  = $(wildcard cmd/*.sh)
# The languages: share/po/LANG.po compiled into the build tree as gettext finds them.
LANGS    = $(patsubst share/po/%.po,%,$(wildcard share/po/*.po))
MOS      = $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/tally.mo)

.PHONY: all deps check check-plain check-sanitize lint test install uninstall clean bench fuzz demo pot

all: $(CMDS) $(SCRIPTS:cmd/%.sh=$(BIN)/%) $(MOS) $(MODS)

# --check: a translation's printf formats must match the English ones.
$(BUILD)/locale/%/LC_MESSAGES/tally.mo: share/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# The template for a new language (docs/translating.md): the sentences written in C
# (xgettext, marked N_) and the English catalog's keys, their English as a comment.
# Files without line numbers: the template changes only when a sentence does.
POT ?= share/po/tally.pot
pot:
	@mkdir -p $(BUILD)
	xgettext --from-code=UTF-8 -k -kN_ -kcatalog_tr -kcatalog_ntr:1,2 -kT:2 -kNT:2,3 --add-comments=TRANSLATORS: -c++ --omit-header --add-location=file \
	  --sort-by-file -o $(BUILD)/c.pot $(CMD_SRC) $(LIB_SRC)
	awk -f share/po/keys.awk share/po/en.po > $(BUILD)/keys.pot
	msgcat --use-first -o $(POT) $(BUILD)/keys.pot $(BUILD)/c.pot

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/%: cmd/%.c $(LIBA) $(LIB_HDR) lib/VERSION lib/modules.list
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDEXPORT) -o $@ $< $(LIBA) $(LDLIBS)

# Every symbol of a module hidden but its table (modules.h). Built with the sanitizers'
# flags, linked without their runtime: it is the command's, which exports its entry points.
$(BUILD)/mod/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<
$(BUILD)/mod/tally-pdf.so: $(BUILD)/mod/pdf.o
	$(CC) -shared $(LDFLAGS) -o $@ $^ -Wl,--as-needed $(shell pkg-config --libs pangocairo)
$(BUILD)/mod/tally-mail.so: $(BUILD)/mod/mail.o
	$(CC) -shared $(LDFLAGS) -o $@ $^ -Wl,--as-needed $(shell pkg-config --libs gmime-3.0)
$(BUILD)/mod/tally-ical.so: $(BUILD)/mod/ical.o $(BUILD)/mod/icaltext.o
	$(CC) -shared $(LDFLAGS) -o $@ $^ -Wl,--as-needed $(shell pkg-config --libs libical)

# Shell commands (hledger-tally, tally-month) are installed as they are.
$(BIN)/%: cmd/%.sh
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@

# Debian packages the build and the tests need.
DEPS = libcsv-dev libpcre2-dev pkg-config libical-dev libgmime-3.0-dev libcairo2-dev \
       libpango1.0-dev fonts-dejavu-core gettext bats bats-support bats-assert parallel ledger \
       hledger mblaze poppler-utils python3 valgrind time clang-tools cppcheck
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing$$missing; run: sudo apt-get install -y$$missing"; exit 1; fi
	@# Optional: Chromium renders an HTML statement to PDF and PNG in the tests; where it
	@# cannot be installed, that one test skips and says why.
	@dpkg -s chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 && \
	  echo "deps: installed chromium (optional)"; } || \
	  echo "deps: chromium not installed (optional): set TALLY_NO_CHROMIUM=1 for the HTML rendering tests"

# JOBS: parallel compiles and bats jobs (bats --jobs needs GNU parallel). Every test works
# in its own $$BATS_TEST_TMPDIR, so tests run side by side; JOBS=1 runs them one by one.
# Files run side by side, the tests of a file one after another: bats 1.8 waits for a free
# slot within a file by `sleep 1` (lib/bats-core/semaphore.bash), which idled the cores
# between the suite's short tests (a file of 100 one-line tests: 47 s in parallel within
# the file, 6.7 s in turn).
JOBS ?= 2
BATS  = bats $(if $(filter-out 1,$(JOBS)),--jobs $(JOBS) --no-parallelize-within-files) $(BATSFLAGS)

# The oracles' answers (ledger, hledger) are kept for one `make check` in ORACLE_CACHE
# (tests/lib/oracles.py: keyed on the tool, its arguments and the journal's bytes): the
# plain pass asks each question once, the sanitizer pass compares tally under ASan+UBSan
# with the same answers. check empties it first; without it every question is asked.
ORACLE_CACHE = $(CURDIR)/build/oracle-cache

# make lint runs beside the two passes (its own build-lint tree; its output goes to
# build/lint.log, shown when it ends): the analyzer's hundred-odd compiles fill the cores
# the suite leaves idle. check fails if either the passes or lint fail.
check: deps
	rm -rf $(ORACLE_CACHE)
	@mkdir -p build && rm -f build/lint.log build/lint.status
	@{ $(MAKE) lint > build/lint.log 2>&1; echo $$? > build/lint.status; } & \
	  st=0; { $(MAKE) -j$(JOBS) all && $(MAKE) check-plain && $(MAKE) check-sanitize; } || st=1; \
	  wait; echo "== make lint (beside the tests), exit $$(cat build/lint.status):"; \
	  cat build/lint.log; [ $$st = 0 ] && [ "$$(cat build/lint.status)" = 0 ]

check-plain: all
	TALLY_BIN=$(CURDIR)/$(BIN) TALLY_TEST_JOBS=$(JOBS) TALLY_ORACLE_CACHE=$(ORACLE_CACHE) \
	  $(BATS) tests/

# The runtimes linked in (-static-lib*): the sanitizer pass starts thousands of tally
# processes, and each then skips loading and relocating libasan.so (about a quarter of a
# small run's cost: tally-check 15 ms -> 12.6 ms).
SANFLAGS_ON = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
              -static-libasan -static-libubsan
# intercept_tls_get_addr=0: GCC 12's runtime misreads glibc 2.36's dynamic TLS blocks, and
# the modules' libraries (glib's thread-local data, dlopened) then crash LeakSanitizer's
# scan at exit ("Tracer caught signal 11", tests/73-mail.bats); without the interception
# their dynamic TLS is not a root, and no run here reports a leak from it.
ASAN_ON = detect_leaks=1:abort_on_error=0:intercept_tls_get_addr=0
check-sanitize:
	$(MAKE) -j$(JOBS) BUILD=build-san BIN=bin-san OPT="-O1 -g" SANFLAGS="$(SANFLAGS_ON)" all
	TALLY_BIN=$(CURDIR)/bin-san TALLY_SANITIZED=1 TALLY_TEST_JOBS=$(JOBS) \
	  TALLY_ORACLE_CACHE=$(ORACLE_CACHE) ASAN_OPTIONS=$(ASAN_ON) UBSAN_OPTIONS=print_stacktrace=1 \
	  $(BATS) tests/

test: check-plain

# make lint: the Clang static analyzer (scan-build, every checker on by default) over a fresh
# build of lib/ and cmd/, then cppcheck (warning, portability, performance); any finding
# fails. Each suppression is in tests/lint/cppcheck.supp with its one-line reason.
CPPCHECK = cppcheck -q -j$(JOBS) --error-exitcode=1 --std=c11 --inline-suppr \
           --enable=warning,portability,performance \
           --suppressions-list=tests/lint/cppcheck.supp -Ilib -D_POSIX_C_SOURCE=200809L
lint:
	rm -rf build-lint bin-lint
	scan-build --status-bugs -o build-lint/report $(MAKE) -j$(JOBS) OPT=-O0 BUILD=build-lint \
	  BIN=bin-lint all
	$(CPPCHECK) lib cmd
	rm -rf build-lint bin-lint

# Like check: install what is missing first, so a fresh machine gets a working demo.
demo: deps
	$(MAKE) all
	@sh share/examples/demo.sh $(CURDIR)/$(BIN)

bench: all
	@sh tests/bench/run.sh $(CURDIR)/$(BIN)

fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR)
	for c in $(BIN)/*; do cp $$c $(DESTDIR)$(BINDIR)/; done
	# A man page's docs/NAME.md is DOCDIR/NAME.md once installed.
	for m in docs/*.[157]; do [ -e $$m ] || continue; \
	  sed 's|docs/\([A-Za-z0-9_.-]*\.md\)|$(DOCDIR)/\1|g' $$m > $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	for d in docs/*.md; do [ -e $$d ] && cp $$d $(DESTDIR)$(DOCDIR)/ || true; done
	# bash completion: bash-completion loads it by command name, so one link per command.
	mkdir -p $(DESTDIR)$(COMPDIR)
	cp share/completion/tally.bash $(DESTDIR)$(COMPDIR)/tally
	for c in $(CMDS) $(SCRIPTS:cmd/%.sh=$(BIN)/%); do n=$$(basename $$c); \
	  case $$n in tally-*) ln -sf tally $(DESTDIR)$(COMPDIR)/$$n ;; esac; done
	cp -R share/. $(DESTDIR)$(SHAREDIR)/
	mkdir -p $(DESTDIR)$(MODDIR) && cp $(MODS) $(DESTDIR)$(MODDIR)/
	for l in $(LANGS); do mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  cp $(BUILD)/locale/$$l/LC_MESSAGES/tally.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; done

uninstall:
	for c in $(CMDS) $(SCRIPTS:cmd/%.sh=$(BIN)/%); do rm -f $(DESTDIR)$(BINDIR)/$$(basename $$c); done
	for m in docs/*.[157]; do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename $$m); done
	rm -f $(DESTDIR)$(COMPDIR)/tally
	for c in $(CMDS) $(SCRIPTS:cmd/%.sh=$(BIN)/%); do rm -f $(DESTDIR)$(COMPDIR)/$$(basename $$c); done
	rm -rf $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MODDIR)
	for l in $(LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/tally.mo; done

clean:
	rm -rf build build-san build-lint bin bin-san bin-lint
