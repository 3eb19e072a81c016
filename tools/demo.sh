#!/usr/bin/env bash
# @file demo.sh  `make demo`: Kamailio (WSS + SHA-256 digest) and the demo page on 127.0.0.1
#
# Stops both (by PID) on Ctrl-C or when the page server exits.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KAM_PORT=${KAM_PORT:-7443}
WEB_PORT=${WEB_PORT:-8080}
ALG=${ALG:-SHA-256}
dir=$(mktemp -d /tmp/sipshield-demo.XXXXXX)

cleanup() {
	[ -n "${web_pid:-}" ] && kill "$web_pid" 2>/dev/null || true
	tools/servers/kamailio.sh stop "$dir" "$KAM_PORT" || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

tools/servers/kamailio.sh start "$dir" "$KAM_PORT" "$ALG"
pw=$(awk '$1 == "alice" { print $2 }' tools/servers/users)
config=$(printf '{"server":"wss://127.0.0.1:%s","uri":"sip:alice@sipshield.test","password":"%s"}' \
	"$KAM_PORT" "$pw")
node tools/serve.js "$WEB_PORT" "$config" &
web_pid=$!
echo "sipshield demo: open http://127.0.0.1:$WEB_PORT/ (Kamailio wss://127.0.0.1:$KAM_PORT, $ALG digest)"
echo "Ctrl-C stops Kamailio and the page server."
wait "$web_pid"
