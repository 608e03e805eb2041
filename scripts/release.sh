#!/usr/bin/env bash
# Builds payqr's release artifacts into dist/:
#   payqr-<version>-x86_64-linux-musl.tar.gz   static Linux binary
#   payqr-<version>-x86_64-windows.zip         payqr.exe (mingw cross build)
# each with README.md, the licences' text if present, man/ and completions/;
# SHA256SUMS over them; SHA256SUMS.sig signed with the release key
# (docs/FORMAT.md section 7).
#
# Usage: PAYQR_RELEASE_KEY=path/to/release.key scripts/release.sh
#    or: scripts/release.sh path/to/release.key
# Needs: rustup targets x86_64-unknown-linux-musl and x86_64-pc-windows-gnu,
# Debian packages musl-tools and gcc-mingw-w64-x86-64, zip (or python3).
# The release key is made once with `payqr keygen --issuer payqr-release
# --name "payqr releases" --out ~/payqr-release`; never commit it. Without a
# key, everything is built and summed but nothing is signed, and the script
# exits 1 so an unsigned release cannot pass for a finished one.
set -euo pipefail
cd "$(dirname "$0")/.."
key=${1:-${PAYQR_RELEASE_KEY:-}}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
dist=dist
rm -rf "$dist" && mkdir -p "$dist"

musl=x86_64-unknown-linux-musl
win=x86_64-pc-windows-gnu
# libwebp-sys builds C code: compile it against musl, not glibc.
CC_x86_64_unknown_linux_musl=musl-gcc cargo build --release --locked --target "$musl"
cargo build --release --locked --target "$win"

stage() { # name binary
    local d="$dist/stage/$1"
    mkdir -p "$d"
    cp "$2" README.md "$d/"
    cp -r man completions "$d/"
    for f in LICENSE*; do [ -e "$f" ] && cp "$f" "$d/"; done
    echo "$d"
}
linux="payqr-$version-x86_64-linux-musl"
windows="payqr-$version-x86_64-windows"
stage "$linux" "target/$musl/release/payqr" >/dev/null
stage "$windows" "target/$win/release/payqr.exe" >/dev/null
# The release profile keeps line tables (for backtraces while developing);
# shipped binaries drop them: ~50 MB -> a few MB.
strip "$dist/stage/$linux/payqr" 2>/dev/null || echo "release.sh: strip not found; the Linux binary keeps its symbols" >&2
x86_64-w64-mingw32-strip "$dist/stage/$windows/payqr.exe" 2>/dev/null || echo "release.sh: x86_64-w64-mingw32-strip not found; payqr.exe keeps its symbols" >&2
# Fixed owner and times: the archive depends only on its contents.
tar -C "$dist/stage" --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
    -czf "$dist/$linux.tar.gz" "$linux"
if command -v zip >/dev/null; then
    (cd "$dist/stage" && find "$windows" -exec touch -d @315532800 {} + && zip -qrX "../$windows.zip" "$windows")
else
    python3 - "$dist/stage" "$windows" "$dist/$windows.zip" <<'PY'
import os, sys, zipfile
root, name, out = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(os.path.join(root, name))):
        for f in sorted(files):
            p = os.path.join(d, f)
            info = zipfile.ZipInfo(os.path.relpath(p, root), (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            with open(p, "rb") as fh:
                z.writestr(info, fh.read(), zipfile.ZIP_DEFLATED)
PY
fi
rm -rf "$dist/stage"
(cd "$dist" && sha256sum -- *.tar.gz *.zip > SHA256SUMS)
cat "$dist/SHA256SUMS"

if [ -z "$key" ]; then
    echo "release.sh: no release key (argument or PAYQR_RELEASE_KEY): SHA256SUMS is NOT signed" >&2
    exit 1
fi
# The musl binary signs: it is the one just built and it runs anywhere.
"target/$musl/release/payqr" release sign --key "$key" "$dist/SHA256SUMS"
pub="${key%.key}.pub"
if [ -f "$pub" ]; then
    "target/$musl/release/payqr" release verify --pub "$pub" "$dist/SHA256SUMS"
    cp "$pub" "$dist/payqr-release.pub"
fi
echo "release.sh: $dist/ is ready; users check it with:" >&2
echo "  payqr release verify --pub payqr-release.pub SHA256SUMS && sha256sum -c SHA256SUMS" >&2
