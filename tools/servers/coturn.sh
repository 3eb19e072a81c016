#!/usr/bin/env bash
# @file coturn.sh  The project's TURN server for tests and the demo: coturn on 127.0.0.1
#
#   tools/servers/coturn.sh start DIR PORT SECRET   TURN/UDP+TCP on 127.0.0.1:PORT
#   tools/servers/coturn.sh stop DIR PORT
#
# COTURN_MAX_BPS (optional): per-session bandwidth cap in bytes/s (max-bps),
# a real bottleneck for tests of call-quality warnings.
#
# Credentials are TURN REST ephemeral ones (use-auth-secret, RFC draft
# "A REST API for access to TURN services"): username "EXPIRY:USER",
# password base64(HMAC-SHA1(SECRET, username)); the secret stays with the
# server and the test.  allow-loopback-peers: on a loopback-only host both
# call legs' relay peers are 127.0.0.1 (coturn refuses them otherwise).
# Foreground process in the background, PID file in DIR, stopped by PID;
# every wait is bounded.
set -euo pipefail

START_TIMEOUT=10
die() { echo "coturn.sh: $*" >&2; exit 1; }

cmd_start() {
	local dir=${1:?DIR} port=${2:?PORT} secret=${3:?SECRET}
	[[ $port =~ ^[0-9]+$ ]] || die "bad port"
	[[ $secret =~ ^[A-Za-z0-9._~+=-]+$ ]] || die "secret: use [A-Za-z0-9._~+=-]"
	local pidfile=$dir/turnserver-$port.pid log=$dir/turnserver-$port.log
	local conf=$dir/turnserver-$port.conf
	mkdir -p "$dir"
	if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		die "already running on $port"
	fi
	# relay ports: a small range of our own just above the listening port
	cat >"$conf" <<CONF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=$port
min-port=$((port + 1))
max-port=$((port + 200))
realm=sipshield.test
use-auth-secret
static-auth-secret=$secret
allow-loopback-peers
no-multicast-peers
no-tls
no-dtls
no-cli
no-stun-backward-compatibility
fingerprint
simple-log
log-file=$log
${COTURN_MAX_BPS:+max-bps=${COTURN_MAX_BPS//[^0-9]/}}
CONF
	: >"$log"
	/usr/bin/turnserver -c "$conf" --pidfile "$pidfile" </dev/null >>"$log" 2>&1 &
	echo $! >"$pidfile"

	local deadline=$((SECONDS + START_TIMEOUT))
	until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		if ! kill -0 "$(cat "$pidfile")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
			tail -20 "$log" >&2
			cmd_stop "$dir" "$port"
			die "turnserver did not come up on 127.0.0.1:$port"
		fi
		sleep 0.1
	done
}

cmd_stop() {
	local dir=${1:?DIR} port=${2:?PORT}
	local pidfile=$dir/turnserver-$port.pid pid
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

case "${1:-}" in
	start) shift; cmd_start "$@" ;;
	stop) shift; cmd_stop "$@" ;;
	*) echo "usage: $0 start DIR PORT SECRET | stop DIR PORT" >&2; exit 2 ;;
esac
