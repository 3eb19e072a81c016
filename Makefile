# sipshield: the one entry point.
#
#   make          build the release core into dist/ (+ CommonJS bundle)
#   make test     install what is missing, build, run every test suite
#   make demo     Kamailio + coturn + the two-party call page on 127.0.0.1
#   make desktop  the Electron softphone (web/electron/; fetches Electron)
#   make bench    parse, cold start, size, SDP policy cost, call setup vs JsSIP/SIP.js;
#                 200 phones against one Kamailio vs JsSIP (tools/bench/load.js),
#                 a call back from faults (tools/bench/faults.js)
#   make fuzz     run the libFuzzer targets longer (FUZZ_SECONDS=300)
#   make clean

export NODE_PATH := /usr/share/nodejs
SUBMAKE := $(MAKE) --no-print-directory -f tools/core.mk

.PHONY: all setup deps native wasm-debug wasm-release dist test bench demo \
	desktop fuzz clean typecheck

all: dist

setup:
	@tools/setup.sh

deps: setup

native: deps
	@$(SUBMAKE) VARIANT=native

wasm-debug: deps
	@$(SUBMAKE) VARIANT=wasm-debug

wasm-release: deps
	@$(SUBMAKE) VARIANT=wasm-release build/wasm-release/sipshield-core.wasm \
		build/wasm-release/sipshield-core-debug.wasm \
		build/wasm-release/sipshield-check.wasm \
		build/wasm-release/sipshield-recorder.wasm

# dist/: the wasm, the CommonJS bundle of the shim, the .d.ts types
dist: wasm-release
	@tools/dist.sh build/wasm-release dist

test: deps
	@tools/test.sh

bench: dist
	node tools/bench/run.js
	LOAD_ISOLATE=1 node tools/bench/load.js
	node tools/bench/faults.js

demo: dist
	tools/demo.sh

# On a desktop: the app's own node_modules (Electron, and the sipshield
# package linked from this checkout), then the app
desktop: dist
	cd web/electron && npm install --no-audit --no-fund && npx electron .

fuzz: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tools/fuzz.sh

clean:
	rm -rf build/native build/wasm-debug build/wasm-release dist
