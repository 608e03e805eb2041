#!/usr/bin/env bash
# Builds payqr's release artifacts into dist/:
#   payqr-<version>-x86_64-linux-musl.tar.gz   static Linux binary
#   payqr-<version>-x86_64-windows.zip         payqr.exe (mingw cross build)
#   payqr_<version>_amd64.deb                   Debian package of the musl binary
# each with README.md, the licences' text if present, man/ and completions/;
# SHA256SUMS over them; SHA256SUMS.sig signed with the release key
# (docs/FORMAT.md section 7).
#
# Usage: PAYQR_RELEASE_KEY=path/to/release.key scripts/release.sh
#    or: scripts/release.sh path/to/release.key
#    or: scripts/release.sh --unsigned   (CI: build and sum, sign nothing)
# Also builds dist/payqr_<version>_amd64.deb (scripts/deb.sh) from the same
# musl binary; it is summed and signed with the archives.
# Needs: rustup targets x86_64-unknown-linux-musl and x86_64-pc-windows-gnu,
# Debian packages musl-tools, gcc-mingw-w64-x86-64 and zip (or python3).
# The release key is made once with `payqr keygen --issuer payqr-release
# --name "payqr releases" --out ~/payqr-release`; never commit it. Without a
# key, everything is built and summed but nothing is signed, and the script
# exits 1 so an unsigned release cannot pass for a finished one (unless
# --unsigned asked for exactly that).
#
# Reproducible: two runs of one commit, on any machine with the same
# toolchain, give byte-identical artifacts (scripts/repro-check.sh proves
# it). Every time stored is SOURCE_DATE_EPOCH (default: the commit's
# time); archive entries are sorted with fixed owners and modes; the
# build directory and cargo home are remapped out of the binaries; the
# .exe carries no link timestamp.
set -euo pipefail
cd "$(dirname "$0")/.."
unsigned=0
if [ "${1:-}" = --unsigned ]; then unsigned=1; shift; fi
key=${1:-${PAYQR_RELEASE_KEY:-}}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
dist=dist
rm -rf "$dist" && mkdir -p "$dist"

musl=x86_64-unknown-linux-musl
win=x86_64-pc-windows-gnu
cargo_home=${CARGO_HOME:-$HOME/.cargo}
tdir=${CARGO_TARGET_DIR:-target}
tabs=$(mkdir -p "$tdir" && cd "$tdir" && pwd)
# Paths that would otherwise end up in panic messages and debug info (the
# last matching map wins: the target dir may lie inside the checkout).
remap="--remap-path-prefix=$PWD=/build/payqr --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$tabs=/build/target"
cmap="-ffile-prefix-map=$PWD=/build/payqr -ffile-prefix-map=$cargo_home=/cargo -ffile-prefix-map=$tabs=/build/target"
# libwebp-sys builds C code: compile it against musl, not glibc.
CC_x86_64_unknown_linux_musl=musl-gcc CFLAGS_x86_64_unknown_linux_musl="$cmap" \
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="$remap" \
    cargo build --release --locked --target "$musl"
# --no-insert-timestamp: the PE header's link time would differ per build.
CFLAGS_x86_64_pc_windows_gnu="$cmap" \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="$remap -C link-arg=-Wl,--no-insert-timestamp" \
    cargo build --release --locked --target "$win"

stage() { # name binary
    local d="$dist/stage/$1"
    mkdir -p "$d"
    cp "$2" README.md "$d/"
    cp -r man completions "$d/"
    for f in LICENSE*; do [ -e "$f" ] && cp "$f" "$d/"; done
    # Modes from the archive's point of view, not the checkout's umask.
    find "$d" -type d -exec chmod 0755 {} +
    find "$d" -type f -exec chmod 0644 {} +
    chmod 0755 "$d/$(basename "$2")"
    echo "$d"
}
linux="payqr-$version-x86_64-linux-musl"
windows="payqr-$version-x86_64-windows"
stage "$linux" "$tdir/$musl/release/payqr" >/dev/null
stage "$windows" "$tdir/$win/release/payqr.exe" >/dev/null
# The release profile keeps line tables (for backtraces while developing);
# shipped binaries drop them: ~50 MB -> a few MB.
strip "$dist/stage/$linux/payqr" 2>/dev/null || echo "release.sh: strip not found; the Linux binary keeps its symbols" >&2
x86_64-w64-mingw32-strip "$dist/stage/$windows/payqr.exe" 2>/dev/null || echo "release.sh: x86_64-w64-mingw32-strip not found; payqr.exe keeps its symbols" >&2
find "$dist/stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# GNU format (no pax headers carrying atimes), sorted, root-owned, one
# mtime; gzip -n stores no name or time.
tar -C "$dist/stage" --format=gnu --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" -cf - "$linux" | gzip -9n >"$dist/$linux.tar.gz"
if command -v zip >/dev/null; then
    # Sorted names on stdin, no directory entries (-D), no uid/gid or
    # extra time fields (-X); zip stores local time, so UTC.
    (cd "$dist/stage" && find "$windows" -type f | LC_ALL=C sort |
        TZ=UTC zip -q -X -D -9 "../$windows.zip" -@)
else
    python3 - "$dist/stage" "$windows" "$dist/$windows.zip" <<'PY'
import os, sys, time, zipfile
root, name, out = sys.argv[1:]
when = time.gmtime(max(int(os.environ["SOURCE_DATE_EPOCH"]), 315532800))[:6]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, name)) for f in fs)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for p in paths:
        info = zipfile.ZipInfo(os.path.relpath(p, root), when)
        info.external_attr = (os.stat(p).st_mode & 0o777) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(p, "rb") as fh:
            z.writestr(info, fh.read())
PY
fi
scripts/deb.sh "$dist/stage/$linux/payqr" >/dev/null
rm -rf "$dist/stage"
(cd "$dist" && sha256sum -- *.tar.gz *.zip *.deb > SHA256SUMS)
cat "$dist/SHA256SUMS"

if [ -z "$key" ]; then
    [ "$unsigned" = 1 ] && { echo "release.sh: --unsigned: SHA256SUMS is not signed" >&2; exit 0; }
    echo "release.sh: no release key (argument or PAYQR_RELEASE_KEY): SHA256SUMS is NOT signed" >&2
    exit 1
fi
# The musl binary signs: it is the one just built and it runs anywhere.
"$tdir/$musl/release/payqr" release sign --key "$key" "$dist/SHA256SUMS"
pub="${key%.key}.pub"
if [ -f "$pub" ]; then
    "$tdir/$musl/release/payqr" release verify --pub "$pub" "$dist/SHA256SUMS"
    cp "$pub" "$dist/payqr-release.pub"
fi
echo "release.sh: $dist/ is ready; users check it with:" >&2
echo "  payqr release verify --pub payqr-release.pub SHA256SUMS && sha256sum -c SHA256SUMS" >&2
