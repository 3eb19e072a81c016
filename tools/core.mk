# @file core.mk  Builds the C core in one variant; called by the Makefile
#
#   make -f tools/core.mk VARIANT=native        clang, ASan + UBSan, unit tests
#   make -f tools/core.mk VARIANT=wasm-debug    emcc -O1, ASSERTIONS=2
#   make -f tools/core.mk VARIANT=wasm-release  emcc -Oz, what ships in dist/
#                                 (and sipshield-core-debug.wasm: every log
#                                 level, what the shim loads for logLevel 3, 4)
#
# libre and mbedTLS are built from the Debian sources tools/deps.sh unpacked,
# with our own file lists and defines (their own build systems probe the
# host).  Our C is built with warnings as errors.

VARIANT ?= native
B       := build/$(VARIANT)
RE      := build/src/libre
TLS     := build/src/mbedtls
# `make -f tools/core.mk VARIANT=...` builds everything (the first rule
# in the file, page-exports.graph, would otherwise be the goal)
.DEFAULT_GOAL := all

# --- libre: the files a SIP user agent needs; our replacements elsewhere ---
#
# The seam: libre (and C library) files that are NOT built, and the file of
# ours that defines their functions instead (the same names and contract,
# so libre's own callers link against ours).
#
#   libre / libc file     ours                      why
#   sip/transp.c          wasm/transport/transp.c   one flow on the browser's WebSocket, no sockets;
#   websock/websock.c       "                       placeholder addresses, *.invalid Via host; no
#   stun/stun.c (alloc)     "                       STUN (what libre's transport init asks for)
#   sip/msg.c             wasm/sipmsg/msg.c         one allocation for all headers; the frame is
#                         wasm/check/check.c          decoded by the strict check in one pass
#                                                     (sip_msg_decode)
#   sip/auth.c            wasm/auth/sip_auth.c      libre's is MD5 only: RFC 7616/8760 digest,
#                                                     strongest challenge per realm, realm pinning
#   sip/addr.c, sip/via.c,  wasm/fastparse/         the same decoders without re_regex (parse
#   sip/cseq.c, uri/uri.c,  (addr, via, cseq, uri,    speed; same results, differential-tested)
#   msg/param.c,            param, ctype).c
#   msg/ctype.c
#   hash/func.c           wasm/crypto/hash.c        only the hash functions libre calls, compact
#   dbg/dbg.c,            wasm/abi/log.c            no stdio: log lines go to spjs_log; %m names
#   fmt/str_error.c                                   errno without libc's message table
#   json/decode.c (odict) wasm/abi/jsondec.c        no long double or stdio (2 KB gzip less)
#   odict/entry.c, get.c, wasm/abi/odict.c          a list, no hash table: one allocation an
#   odict.c, type.c                                   entry (key and string in it): 0.1 KB gzip less
#   tmr/tmr.c (tmrl_get)  wasm/abi/abi.c            JS runs the loop: timers through sp_tick()
#   main/main.c           (not built)               no re_main(): JS owns the event loop
#   dns/, udp/, tcp/,     (not built)               a page has no sockets and asks no DNS:
#   tls/, net/, http/                                 every next hop is the one flow
#   libc inet_pton/ntop   wasm/inet/inet.c          wasm only: the one reader of IP text forms
#   libc malloc/free      wasm/heap/heap.c          wasm only: size classes, smaller than emmalloc
#   libc strlen, strchr,  wasm/libc/string.c        wasm only: byte at a time, smaller than musl's
#   memchr, strcpy, ...
#   libc arc4random       wasm/crypto/crypto.c      Emscripten has none: crypto.getRandomValues
#   mbedTLS md5 block     wasm/crypto/md5.c         MBEDTLS_MD5_PROCESS_ALT: compact
#
# libre is also patched at build time (tools/patches/: DNS-free next hops,
# ;transport=ws, asynchronous re-INVITE answers, no %f in print.c).
RE_SRCS := \
	sip/contact.c sip/ctrans.c sip/dialog.c \
	sip/reply.c sip/request.c sip/sip.c sip/strans.c \
	sipsess/sess.c sipsess/accept.c sipsess/ack.c sipsess/close.c \
	sipsess/connect.c sipsess/info.c sipsess/listen.c sipsess/modify.c \
	sipsess/reply.c sipsess/request.c \
	uri/uric.c fmt/ch.c fmt/pl.c fmt/print.c fmt/prm.c fmt/regex.c \
	fmt/str.c mbuf/mbuf.c list/list.c hash/hash.c mem/mem.c tmr/tmr.c \
	sa/ntop.c sa/pton.c sa/sa.c sys/rand.c
# No HAVE_INET6: libre's socket addresses (struct sa) only ever hold the
# flow's IPv4 placeholders (wasm/transport/transp.c); an IPv6 host in a
# Via or URI is text to libre, and the SDP policy parses IPv6 itself.
RE_DEFS := -std=gnu99 -DRELEASE -DOS=\"$(if $(filter native fuzz,$(VARIANT)),linux,emscripten)\" \
	-DARCH=\"$(if $(filter native fuzz,$(VARIANT)),x86_64,wasm32)\" \
	-DVERSION=\"1.1.0\" -DVER_MAJOR=1 -DVER_MINOR=1 -DVER_PATCH=0 \
	-DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET_NTOP \
	-DHAVE_INET_PTON -DHAVE_STRERROR_R -DHAVE_STRINGS_H -DHAVE_UNISTD_H \
	-DHAVE_SYS_TIME_H -DHAVE_ARC4RANDOM

# --- mbedTLS: crypto only, configured by wasm/config/mbedtls_config.h ---
TLS_SRCS := md5.c sha256.c sha512.c platform.c \
	platform_util.c constant_time.c \
	aes.c cipher.c cipher_wrap.c gcm.c md.c hkdf.c bignum.c ecp.c \
	ecp_curves.c ecdh.c
TLS_DEFS := -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"' -Iwasm/config \
	-I$(TLS)/include

# --- our core (wasm/recorder/ is the recorder module's alone) ---
CORE_SRCS := $(sort $(filter-out wasm/recorder/%,$(wildcard wasm/*/*.c)))
TEST_SRCS := $(sort $(wildcard tests/c/*.c))
INCS      := -Iwasm/include -I$(RE)/include -I$(RE)/src/sip $(TLS_DEFS)
WARN      := -Wall -Wextra -Wno-unused-parameter -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes -Werror

ifeq ($(VARIANT),native)
CC      := clang
OPT     := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
LDOPT   := -fsanitize=address,undefined
EXE     :=
else ifeq ($(VARIANT),fuzz)
CC      := clang
OPT     := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all
LDOPT   := -fsanitize=address,undefined,fuzzer
EXE     :=
else
CC      := emcc
# WebAssembly 2.0 features every browser with WebRTC has: sign extension,
# bulk memory (memcpy is memory.copy), non-trapping float-to-int.  malloc
# is ours (wasm/heap/heap.c) in both wasm builds.
WASM_FEATURES := -msign-ext -mbulk-memory -mnontrapping-fptoint
ifeq ($(VARIANT),wasm-debug)
OPT     := -g -O1 $(WASM_FEATURES)
LDOPT   := -O1 $(WASM_FEATURES) -sASSERTIONS=2 -sMALLOC=none
else
OPT     := -Oz -flto -DNDEBUG $(WASM_FEATURES)
LDOPT   := -Oz -flto $(WASM_FEATURES) -sMALLOC=none -sSUPPORT_ERRNO=0
endif
EXE     := .js
endif

# The log lines compiled into our C (re_dbg.h: 3 error, 4 warning,
# 5 notice, 6 info, 7 debug).  The unit tests build them all, so that
# every line runs under ASan/UBSan.  The release page core keeps only what
# logLevel 0 and 1 print (errors; there are none today): from logLevel 2
# the shim loads the debug page core (DEBUG_PAGE_OBJS below) with every
# level.  Level 3 drops the warnings and notices of auth/, call/, crypto/
# and transport/: 0.28 KB gzip of the page core, which pays for the
# connection's owner (wasm/transport/flow.c) within the 50 KB page budget.
ifneq ($(filter native wasm-debug,$(VARIANT)),)
DEBUG_LEVEL ?= 7
else ifeq ($(VARIANT),wasm-release)
DEBUG_LEVEL ?= 3
else
DEBUG_LEVEL ?= 5
endif
CFLAGS_ALL := $(OPT) -DHAVE_ARC4RANDOM

RE_OBJS   := $(patsubst %.c,$(B)/obj/re/%.o,$(RE_SRCS))
TLS_OBJS  := $(patsubst %.c,$(B)/obj/tls/%.o,$(TLS_SRCS))
CORE_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(CORE_SRCS))
TEST_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(TEST_SRCS))

# Emscripten link: a standalone .wasm, no Emscripten JS.  The exports list
# is the whole ABI (tools/exports.json); tools/imports.js names the imports,
# which shim/wasm.js implements.  Two modules from the same objects:
#   sipshield-core.wasm   what a page loads (tools/exports.json)
#   sipshield-check.wasm  the core plus the message check's JSON report
#                         (tools/exports-check.json): the CLI, benchmarks
WASM_LD := $(LDOPT) --no-entry -sSTANDALONE_WASM -sFILESYSTEM=0 \
	-sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=131072 \
	--js-library tools/imports.js
EXPORTS       := tools/exports.json
EXPORTS_CHECK := tools/exports.json tools/exports-check.json

# The last step of each core's rule (page, debug page, check), in every
# wasm variant: its imports and exports get the one-letter names of the
# table in shim/wasm.js (WASM_NAMES), which the shim loads them by: 0.19 KB
# gzip less of the page (tools/wasm-names.js).  A name the table lacks
# fails the build, and the core is removed, so that the next make does not
# take it for built.
SHORT_NAMES = node tools/wasm-names.js $@ || { rm -f $@; exit 1; }
NAMES_DEPS := tools/wasm-names.js shim/wasm.js

# Release: one more wasm-opt -Oz round after emcc's own finds more to fold
# (0.4 KB gzip on the page core).  The module defines its memory, so it
# starts zero-filled; the first 1 KB is unused (Emscripten's own flags).
# Functions of up to 7 instructions are inlined everywhere (binaryen's
# default: 2): the page core is 0.14 KB gzip smaller (5: 0.10, 8: 0.11).
ifeq ($(VARIANT),wasm-release)
POST_OPT = wasm-opt -Oz --converge --always-inline-max-function-size 7 \
	--low-memory-unused --zero-filled-memory \
	--enable-sign-ext --enable-bulk-memory \
	--enable-nontrapping-float-to-int $@ -o $@

# Emscripten exports stackSave, stackRestore, stackAlloc and the function
# table whatever EXPORTED_FUNCTIONS says; shim/wasm.js uses none of them.
# wasm-metadce keeps the exports of tools/exports.json, the memory and
# _initialize (what the shim uses) and what they reach: 0.07 KB gzip of
# the page core.  Both page cores, whose exports stay the same.
PAGE_DCE = wasm-metadce -f $(B)/page-exports.graph --enable-sign-ext \
	--enable-bulk-memory --enable-nontrapping-float-to-int $@ -o $@ \
	>/dev/null
endif
comma := ,
PAGE_EXPORTS = memory _initialize \
	$(patsubst _%,%,$(subst $(comma), ,$(call export_list,$(EXPORTS))))

# The graph wasm-metadce reads: each export a root
$(B)/page-exports.graph: $(EXPORTS)
	@mkdir -p $(@D)
	printf '{"name": "%s", "export": "%s", "root": true}\n' \
		$(foreach e,$(PAGE_EXPORTS),$(e) $(e)) | paste -sd, - | \
		sed 's/.*/[&]/' >$@

# The recorder: a second standalone module, loaded only when a recording
# starts or is opened.  Its own exports and imports; the core's objects
# it needs (record/, crypto/, heap/, handle/) come from the same archives,
# and libopus (tools/opus.sh) is linked here only.  Opus uses the stack
# for its work arrays: twice the core's.
OPUS      := $(B)/opus
OPUS_INC  := build/src/opus/include
REC_SRCS  := $(sort $(wildcard wasm/recorder/*.c))
REC_OBJS  := $(patsubst %.c,$(B)/obj/%.o,$(REC_SRCS))
EXPORTS_REC := tools/exports-recorder.json
REC_LD := $(LDOPT) --no-entry -sSTANDALONE_WASM -sFILESYSTEM=0 \
	-sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=262144 \
	--js-library tools/imports-recorder.js

NATIVE  := $(filter native fuzz,$(VARIANT))
# The exported names of JSON list files, comma-separated for emcc
export_list = $(shell sed -n 's/^ *"\(_[a-z_]*\)".*/\1/p' $(1) | paste -sd, -)
# libre calls back into our replacements (dns, stubs, websock): one group
LIBS    := -Wl,--start-group $(B)/libcore.a $(B)/libdeps.a -Wl,--end-group
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/%,$(FUZZ_SRCS))

.PHONY: all libs test-bin fuzz-bin
all: libs $(if $(NATIVE),,$(B)/sipshield-core.wasm $(B)/sipshield-check.wasm \
		$(B)/sipshield-recorder.wasm) \
	$(if $(filter wasm-release,$(VARIANT)),$(B)/sipshield-core-debug.wasm) \
	$(if $(filter fuzz,$(VARIANT)),fuzz-bin,test-bin)
fuzz-bin: $(FUZZ_BINS)
libs: $(B)/libdeps.a $(B)/libcore.a
test-bin: $(B)/test-c$(EXE) $(if $(NATIVE),,$(B)/test-c.cjs)

# Emscripten's libc has no arc4random: declare ours (wasm/crypto/crypto.c)
$(B)/obj/re/sys/rand.o: RE_EXTRA := $(if $(NATIVE),,-include wasm/crypto/arc4random.h)

$(B)/obj/re/%.o: $(RE)/src/%.c tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(RE_EXTRA) -Wall -I$(RE)/include \
		-c $< -o $@

$(B)/obj/tls/%.o: $(TLS)/library/%.c wasm/config/mbedtls_config.h \
		tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(TLS_DEFS) -Wall -c $< -o $@

$(B)/obj/%.o: %.c $(wildcard wasm/include/*.h wasm/*/*.h tests/c/*.h) \
		tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(WARN) $(INCS) \
		-DDEBUG_LEVEL=$(DEBUG_LEVEL) -DSIPSHIELD_VERSION=\"0.1.0\" \
		-c $< -o $@

# The page core's own builds of some files, linked ahead of libcore.a's:
# the same code without what only the check build's tools read (check/:
# the details; log.c: errno names beyond the check's refusals; policy/sdp*:
# what makes an SDP malformed; abi.c: the sdp.check command of checkSdp()).
# Every file of check/ and of the SDP policy has its page build, so the
# link never takes one of their libcore.a objects (a name defined twice).
# So have the files whose config errors name only the key in the page
# core (those that include wasm/include/why.h).
WHY_SRCS := $(shell grep -l '"why.h"' $(CORE_SRCS))
PAGE_SRCS := $(sort $(wildcard wasm/check/*.c)) wasm/abi/log.c \
	$(sort $(wildcard wasm/policy/sdp*.c)) wasm/abi/abi.c $(WHY_SRCS)
PAGE_OBJS := $(patsubst %.c,$(B)/obj/%-page.o,$(PAGE_SRCS))
$(B)/obj/%-page.o: %.c $(wildcard wasm/include/*.h wasm/*/*.h) tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (page core)"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(WARN) $(INCS) -DPAGE_CORE \
		-DDEBUG_LEVEL=$(DEBUG_LEVEL) -DSIPSHIELD_VERSION=\"0.1.0\" \
		-c $< -o $@

# libre's files that log set their own DEBUG_LEVEL (5 mostly): the release
# page core links its own build of them, capped at its DEBUG_LEVEL by
# wasm/config/page/re_dbg.h, so that libre's warnings leave it as ours do;
# with them goes its whole log path (nothing left to log: no spjs_log),
# 0.4 KB gzip.  Linked ahead of libdeps.a, as PAGE_OBJS are of libcore.a.
RE_PAGE_SRCS := list/list.c mbuf/mbuf.c mem/mem.c sa/ntop.c sa/pton.c \
	sa/sa.c sys/rand.c tmr/tmr.c uri/uric.c
RE_PAGE_OBJS := $(if $(filter wasm-release,$(VARIANT)), \
	$(patsubst %.c,$(B)/obj/re-page/%.o,$(RE_PAGE_SRCS)))
$(B)/obj/re-page/sys/rand.o: RE_EXTRA := -include wasm/crypto/arc4random.h

$(B)/obj/re-page/%.o: $(RE)/src/%.c wasm/config/page/re_dbg.h tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (page core)"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(RE_EXTRA) -Wall -Iwasm/config/page \
		-I$(RE)/include -DPAGE_DEBUG_LEVEL=$(DEBUG_LEVEL) -c $< -o $@

# The page core with every log level: sipshield-core-debug.wasm, which the
# shim loads for logLevel 2 to 4 (shim/core.js).  Only the files that log
# above error (and log.c: the errno names %m prints) differ from the
# page core's: they are built again at DEBUG_LEVEL 7 into obj-debug/ and
# linked ahead of the page core's other objects and libcore.a, as
# PAGE_OBJS are.  Same exports, the same imports and spjs_log, which the
# page core (nothing to log) lacks (tests/node/logging.test.js);
# 9 files more to compile, one more link and wasm-opt: 8 s more on a clean
# `make dist` (2 loaded cores; the debug core alone, its objects removed).
DEBUG_SRCS := $(sort wasm/abi/log.c \
	$(shell grep -l -e DEBUG_WARNING -e DEBUG_NOTICE -e DEBUG_INFO \
		-e DEBUG_PRINTF -e '"why.h"' \
		$(CORE_SRCS)))
DEBUG_PAGE_OBJS := \
	$(patsubst %.c,$(B)/obj-debug/%-page.o,$(filter $(PAGE_SRCS),$(DEBUG_SRCS))) \
	$(patsubst %.c,$(B)/obj-debug/%.o,$(filter-out $(PAGE_SRCS),$(DEBUG_SRCS))) \
	$(filter-out $(patsubst %.c,$(B)/obj/%-page.o,$(DEBUG_SRCS)),$(PAGE_OBJS))

$(B)/obj-debug/%.o: %.c $(wildcard wasm/include/*.h wasm/*/*.h) tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (debug page core)"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(WARN) $(INCS) -DDEBUG_LEVEL=7 \
		-DSIPSHIELD_VERSION=\"0.1.0\" -c $< -o $@

$(B)/obj-debug/%-page.o: %.c $(wildcard wasm/include/*.h wasm/*/*.h) \
		tools/core.mk
	@mkdir -p $(@D)
	@echo "  CC      $< (debug page core)"
	@$(CC) $(CFLAGS_ALL) $(RE_DEFS) $(WARN) $(INCS) -DPAGE_CORE \
		-DDEBUG_LEVEL=7 -DSIPSHIELD_VERSION=\"0.1.0\" -c $< -o $@

# Rebuilt when the file lists change (a file replaced by ours must leave)
$(B)/libdeps.a: $(RE_OBJS) $(TLS_OBJS) tools/core.mk
	rm -f $@
	$(if $(NATIVE),ar,emar) rcs $@ $(filter %.o,$^)

$(B)/libcore.a: $(CORE_OBJS) tools/core.mk
	rm -f $@
	$(if $(NATIVE),ar,emar) rcs $@ $(filter %.o,$^)

$(B)/sipshield-core.wasm: $(PAGE_OBJS) $(RE_PAGE_OBJS) $(B)/libcore.a \
		$(B)/libdeps.a tools/imports.js $(EXPORTS) \
		$(B)/page-exports.graph $(NAMES_DEPS)
	$(CC) $(WASM_LD) -sEXPORTED_FUNCTIONS=$(call export_list,$(EXPORTS)) \
		$(RE_PAGE_OBJS) $(PAGE_OBJS) $(LIBS) -o $@
	$(PAGE_DCE)
	$(POST_OPT)
	$(SHORT_NAMES)

$(B)/sipshield-core-debug.wasm: $(DEBUG_PAGE_OBJS) $(B)/libcore.a \
		$(B)/libdeps.a tools/imports.js $(EXPORTS) \
		$(B)/page-exports.graph $(NAMES_DEPS)
	$(CC) $(WASM_LD) -sEXPORTED_FUNCTIONS=$(call export_list,$(EXPORTS)) \
		$(DEBUG_PAGE_OBJS) $(LIBS) -o $@
	$(PAGE_DCE)
	$(POST_OPT)
	$(SHORT_NAMES)

$(B)/sipshield-check.wasm: $(B)/libcore.a $(B)/libdeps.a tools/imports.js \
		$(EXPORTS_CHECK) $(NAMES_DEPS)
	$(CC) $(WASM_LD) -sEXPORTED_FUNCTIONS=$(call export_list,$(EXPORTS_CHECK)) \
		$(LIBS) -o $@
	$(POST_OPT)
	$(SHORT_NAMES)

# libopus for this variant: configured and built once (stamp)
$(OPUS)/libopus.a: tools/opus.sh build/src/.opus.stamp
	tools/opus.sh $(VARIANT) $(OPUS)

$(REC_OBJS): INCS += -I$(OPUS_INC)

$(B)/sipshield-recorder.wasm: $(REC_OBJS) $(B)/libcore.a $(B)/libdeps.a \
		$(OPUS)/libopus.a tools/imports-recorder.js $(EXPORTS_REC)
	$(CC) $(REC_LD) \
		-sEXPORTED_FUNCTIONS=$(call export_list,$(EXPORTS_REC)) \
		$(REC_OBJS) $(LIBS) $(OPUS)/libopus.a -o $@
	$(POST_OPT)

# The unit-test runner links the core with the fake JS imports
# (tests/c/fake_spjs.c) instead of shim/wasm.js.  Natively every malloc,
# calloc, realloc and free of the core, libre, mbedTLS and the tests goes
# through tests/c/oom.c, which fails one on demand (test-c --oom), and
# libre's clock through tests/c/clock.c, which tests move on.
TEST_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free \
	-Wl,--wrap=gettimeofday
$(B)/test-c$(EXE): $(TEST_OBJS) $(B)/libcore.a $(B)/libdeps.a
	$(CC) $(LDOPT) $(if $(EXE),-sENVIRONMENT=node -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=1048576,) \
		$(if $(filter native,$(VARIANT)),$(TEST_WRAP)) \
		$(TEST_OBJS) $(LIBS) -o $@

# node reads .js as ES modules here ("type": "module"); the glue is CommonJS
$(B)/test-c.cjs: $(B)/test-c.js
	cp $< $@

# libFuzzer targets: one file each, linked with the fake JS imports
$(B)/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/c/fake_spjs.o \
		$(B)/libcore.a $(B)/libdeps.a
	$(CC) $(LDOPT) $(filter %.o,$^) $(LIBS) -o $@
