#!/usr/bin/env bash
# Builds dist/payqr_<version>_amd64.deb by hand with dpkg-deb: the static
# musl binary (runs on any Debian or Ubuntu release, no dependencies), its
# man pages gzipped in /usr/share/man/man1, the bash, zsh and fish
# completions where those shells look for them, and the copyright file.
# The package is byte-reproducible: every time is SOURCE_DATE_EPOCH
# (default: the last commit's time), owners are root, entries are sorted.
#
# Usage: scripts/deb.sh [BINARY]   (default: the musl release build, made
#        if missing; scripts/release.sh passes its stripped binary)
# Then:  dpkg-deb -c dist/payqr_*.deb; lintian dist/payqr_*.deb (if installed)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
musl=x86_64-unknown-linux-musl
bin=${1:-}
if [ -z "$bin" ]; then
    bin=target/$musl/release/payqr
    if [ ! -x "$bin" ]; then
        CC_x86_64_unknown_linux_musl=musl-gcc cargo build --release --locked --target "$musl"
    fi
fi
[ -x "$bin" ] || { echo "deb.sh: $bin: no such binary" >&2; exit 2; }

mkdir -p dist
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
pkg="$root/payqr"
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/man/man1" \
    "$pkg/usr/share/doc/payqr" "$pkg/usr/share/bash-completion/completions" \
    "$pkg/usr/share/zsh/vendor-completions" "$pkg/usr/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$pkg/usr/bin/payqr"
# Debian policy: no symbols in /usr/bin (release.sh strips already).
strip --strip-unneeded "$pkg/usr/bin/payqr" 2>/dev/null || true
for m in man/*.1; do
    gzip -9n <"$m" >"$pkg/usr/share/man/man1/$(basename "$m").gz"
done
install -m 0644 completions/payqr.bash "$pkg/usr/share/bash-completion/completions/payqr"
install -m 0644 completions/_payqr "$pkg/usr/share/zsh/vendor-completions/_payqr"
install -m 0644 completions/payqr.fish "$pkg/usr/share/fish/vendor_completions.d/payqr.fish"

# The musl binary is static-pie (position-independent for ASLR, no
# interpreter, no DT_NEEDED): lintian takes that ELF type for a shared
# library without dependencies.
install -d "$pkg/usr/share/lintian/overrides"
printf '%s\n' '# static-pie executable (musl), not a shared library' \
    'payqr: shared-library-lacks-prerequisites [usr/bin/payqr]' >"$pkg/usr/share/lintian/overrides/payqr"

cat >"$pkg/usr/share/doc/payqr/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: payqr
Comment: payqr is statically linked with the Rust crates listed in its
 Cargo.lock (`cargo tree` names them), each under its own licence, all of
 them MIT, Apache-2.0, BSD or similarly permissive; and with the musl C
 library (MIT).

Files: *
Copyright: 2026 the payqr authors
License: MIT or Apache-2.0

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a
 copy of this software and associated documentation files (the "Software"),
 to deal in the Software without restriction, including without limitation
 the rights to use, copy, modify, merge, publish, distribute, sublicense,
 and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
 FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
 DEALINGS IN THE SOFTWARE.

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
EOF
# A changelog is required of every Debian package; this one says where
# the real history is.
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf 'payqr (%s) unstable; urgency=medium\n\n  * Release %s; see README.md and git log.\n\n -- payqr release <releases@payqr.invalid>  %s\n' \
    "$version" "$version" "$date" | gzip -9n >"$pkg/usr/share/doc/payqr/changelog.gz"

size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<EOF
Package: payqr
Version: $version
Architecture: amd64
Maintainer: payqr release <releases@payqr.invalid>
Installed-Size: $size
Section: utils
Priority: optional
Description: issue, verify and reconcile signed payment QR codes
 payqr issues Ed25519-signed payment QR codes for traffic fines and bills,
 verifies them offline, redeems them against an append-only ledger and
 reconciles bank settlement files. Statically linked (musl): no
 dependencies.
EOF
(cd "$pkg" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum >DEBIAN/md5sums)
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg" -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
out="dist/payqr_${version}_amd64.deb"
# --root-owner-group: root:root, not the builder's ids; dpkg-deb sorts the
# entries and takes the ar and tar times from SOURCE_DATE_EPOCH.
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "$out"
if command -v lintian >/dev/null; then
    # Run as root in CI; lintian refuses that without this flag.
    lintian --allow-root --tag-display-limit 0 "$out" >&2 || echo "deb.sh: lintian reported problems (above)" >&2
fi
