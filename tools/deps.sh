#!/usr/bin/env bash
# @file deps.sh  Fetch the C dependencies as Debian source packages, check, unpack
#
# Usage: tools/deps.sh BUILD_DIR
#
# For each dependency: `apt-get source --download-only` into BUILD_DIR/dl,
# check the orig tarball against the sha256 pinned in tools/deps.pins, unpack
# into BUILD_DIR/src/NAME and apply our patches from tools/patches/NAME-*.patch.
# A stamp file makes it idempotent.  No third-party source is committed.
set -euo pipefail

build=${1:?usage: deps.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/dl" "$build/src"
build=$(cd "$build" && pwd)

# name  debian-version  orig-tarball  sha256 (tools/deps.pins)
mapfile -t deps < <(grep -v '^#' "$top/tools/deps.pins")

fetch() {
	local name=$1 ver=$2 orig=$3
	[ -f "$build/dl/$orig" ] && return 0
	if ! apt-cache showsrc "$name" >/dev/null 2>&1 ||
	   [ -z "$(apt-cache showsrc "$name" 2>/dev/null)" ]; then
		"$top/tools/apt-src.sh"
		apt-get update -q >/dev/null
	fi
	# libre's debian.tar.xz is not served (404): only the orig is needed,
	# so a failure of apt-get is judged by the orig tarball being there.
	(cd "$build/dl" && apt-get source --download-only -q "$name=$ver" \
		>/dev/null 2>&1) || true
	if [ ! -f "$build/dl/$orig" ]; then
		echo "deps: could not download $orig (apt-get source $name=$ver)" >&2
		exit 1
	fi
}

for d in "${deps[@]}"; do
	set -- $d
	name=$1 ver=$2 orig=$3 sum=$4
	stamp="$build/src/.$name.stamp"
	patches=$(ls "$top"/tools/patches/"$name"-*.patch 2>/dev/null || true)
	want="$sum $(cat $patches /dev/null | sha256sum | cut -c1-64)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		continue
	fi
	fetch "$name" "$ver" "$orig"
	got=$(sha256sum "$build/dl/$orig" | cut -c1-64)
	if [ "$got" != "$sum" ]; then
		echo "deps: sha256 mismatch for $orig: got $got, pinned $sum" >&2
		rm -f "$build/dl/$orig"
		exit 1
	fi
	rm -rf "$build/src/$name" "$build/src/$name.tmp"
	mkdir -p "$build/src/$name.tmp"
	tar -xzf "$build/dl/$orig" -C "$build/src/$name.tmp" \
		--strip-components=1
	for p in $patches; do
		patch -s -p1 -d "$build/src/$name.tmp" <"$p"
	done
	mv "$build/src/$name.tmp" "$build/src/$name"
	echo "$want" >"$stamp"
	echo "deps: $name $ver ok (sha256 verified${patches:+, patched})"
done
