#!/usr/bin/env bash
# @file setup.sh  Install what building and testing need; idempotent
#
# Debian packages (only those missing), npm packages from the lock file
# (only when it changed), and the C dependency sources (tools/deps.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

pkgs=(
	emscripten          # C -> wasm (Debian's 3.1.6)
	binaryen            # wasm-opt: the release build's final -Oz pass
	clang               # native unit tests with ASan/UBSan, libFuzzer
	libclang-rt-14-dev  # sanitizer and fuzzer runtimes
	llvm                # llvm-symbolizer for readable sanitizer reports
	kamailio kamailio-websocket-modules kamailio-tls-modules  # SIP server
	kamailio-autheph-modules  # auth_ephemeral: short-lived credentials
	kamailio-outbound-modules  # outbound (RFC 5626); path, dmq, dmq_usrloc are in kamailio
	openssl             # test certificates
	coturn              # TURN for relay mode (turnserver, turnutils_uclient)
	nftables            # nft: real network faults on loopback (tests/node/support/netfault.js)
	chromium            # browser end-to-end tests (playwright-core drives it)
	nodejs npm          # shim, tests, benchmarks
	zip                 # a stand-in Electron zip for the desktop packaging test
	opus-tools          # opusinfo, opusdec: check decrypted call recordings
	patch ca-certificates
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
# node and npm may come from elsewhere than Debian: accept any on PATH
if command -v node >/dev/null && command -v npm >/dev/null; then
	missing=("${missing[@]/nodejs/}")
	missing=("${missing[@]/npm/}")
fi
# nft likewise (netfault.js needs only the command)
if command -v nft >/dev/null; then
	missing=("${missing[@]/nftables/}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	apt-get update -q >/dev/null
	# package scripts must not start the servers: tests start their own
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null
	rm -f /usr/sbin/policy-rc.d
fi

# npm ci only when the lock changed since the last install
stamp=node_modules/.sipshield-lock.sha256
want=$(sha256sum package-lock.json | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	# electron is there for its type definitions only (web/electron/):
	# never download its binary
	ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	echo "$want" >"$stamp"
fi

tools/deps.sh build
