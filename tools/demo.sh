#!/usr/bin/env bash
# @file demo.sh  `make demo`: Kamailio (WSS + SHA-256 digest, auth_ephemeral), coturn
# (TURN with REST credentials) and the two-party demo page with its credentials
# backend (tools/credentials.js), all on 127.0.0.1
#
# The page holds no SIP password: it signs in to the backend (a session cookie)
# and gets short-lived credentials from /sip-credentials when the core needs one.
# Open http://127.0.0.1:8080/?user=alice and ?user=bob and call one from the
# other.  Stops everything (by PID) on Ctrl-C or when the page server exits.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KAM_PORT=${KAM_PORT:-7443}
TURN_PORT=${TURN_PORT:-3478}
WEB_PORT=${WEB_PORT:-8080}
ALG=${ALG:-SHA-256}
dir=$(mktemp -d /tmp/sipshield-demo.XXXXXX)

cleanup() {
	[ -n "${web_pid:-}" ] && kill "$web_pid" 2>/dev/null || true
	tools/servers/coturn.sh stop "$dir" "$TURN_PORT" || true
	tools/servers/kamailio.sh stop "$dir" "$KAM_PORT" || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# one secret shared by Kamailio's auth_ephemeral and the page server's backend
sip_secret=$(openssl rand -hex 16)
KAMAILIO_AUTHEPH_SECRET=$sip_secret tools/servers/kamailio.sh start "$dir" "$KAM_PORT" "$ALG"
secret=$(openssl rand -hex 16)
tools/servers/coturn.sh start "$dir" "$TURN_PORT" "$secret"

# TURN REST credentials (valid 24 h): user "EXPIRY:demo", HMAC-SHA1 of it
turn_user="$(($(date +%s) + 86400)):demo"
turn_pass=$(printf '%s' "$turn_user" | openssl dgst -sha1 -hmac "$secret" -binary | base64)
config=$(printf '{"server":"wss://127.0.0.1:%s",
 "users":{"alice":{"uri":"sip:alice@sipshield.test"},"bob":{"uri":"sip:bob@sipshield.test"}},
 "iceServers":[{"urls":"turn:127.0.0.1:%s?transport=udp","username":"%s","credential":"%s"}]}' \
	"$KAM_PORT" "$TURN_PORT" "$turn_user" "$turn_pass")
SIPSHIELD_AUTHEPH_SECRET=$sip_secret node tools/serve.js "$WEB_PORT" "$config" &
web_pid=$!
echo "sipshield demo: open http://127.0.0.1:$WEB_PORT/?user=alice and http://127.0.0.1:$WEB_PORT/?user=bob"
echo "  (Kamailio wss://127.0.0.1:$KAM_PORT with $ALG digest and auth_ephemeral, coturn turn:127.0.0.1:$TURN_PORT)"
echo "Ctrl-C stops Kamailio, coturn and the page server."
wait "$web_pid"
