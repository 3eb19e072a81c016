#!/usr/bin/env bash
# @file apt-src.sh  Add deb-src entries derived from this machine's own Debian sources.
#
# Reads every deb822 *.sources file (and sources.list) already configured,
# keeps the stanzas of Type "deb" and writes them again as "deb-src" into
# one file of ours.  No host name is written by this repository: the URIs
# are whatever the machine already uses.  Idempotent.
set -euo pipefail

out=/etc/apt/sources.list.d/sipshield-deb-src.sources
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	[ "$f" = "$out" ] && continue
	# deb822: stanzas separated by blank lines; keep Debian ones only
	awk -v RS= -v ORS='\n\n' '
		/(^|\n)Types:[^\n]*deb/ && /debian-archive-keyring|debian/ {
			gsub(/Types:[^\n]*/, "Types: deb-src"); print
		}' "$f" >>"$tmp"
done
if [ -f /etc/apt/sources.list ]; then
	sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list >>"$tmp"
fi

if [ ! -s "$tmp" ]; then
	echo "apt-src: no Debian 'deb' source found on this machine" >&2
	exit 1
fi
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
	exit 0
fi
install -m 0644 "$tmp" "$out"
echo "apt-src: wrote $out"
