#!/usr/bin/env bash
# Checks the release in dist/ (made by scripts/release.sh) the way a user
# would, and that what a user relies on fails where it must:
#   - SHA256SUMS.sig verifies with the release public key
#     (`payqr release verify`), sha256sum -c accepts every artifact;
#   - a changed artifact is refused by sha256sum -c, a SHA256SUMS edited to
#     match it is refused by `payqr release verify`, and so is another key;
#   - the Linux tarball's binary runs; payqr.exe in the zip is a Windows
#     x86-64 program (and runs under Wine if wine is installed);
#   - the Debian package installs with dpkg into a scratch root: the binary
#     in /usr/bin, man pages in /usr/share/man/man1, completions where
#     bash, zsh and fish look; dpkg -r removes every file again.
#
# Usage: scripts/release-check.sh [PAYQR]   (PAYQR: the payqr that checks
#        the signature; default: the musl release build)
# Needs dist/ signed: scripts/release.sh KEY (with KEY.pub beside it, copied
# to dist/payqr-release.pub). Exits 1 on the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
tdir=${CARGO_TARGET_DIR:-target}
payqr=${1:-$tdir/x86_64-unknown-linux-musl/release/payqr}
payqr=$(realpath "$payqr")
fail() { echo "release-check.sh: FAILED: $*" >&2; exit 1; }
ok() { echo "release-check.sh: ok: $*" >&2; }
[ -f dist/SHA256SUMS.sig ] && [ -f dist/payqr-release.pub ] ||
    fail "dist/ is not signed (run scripts/release.sh KEY with KEY.pub beside it)"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r dist "$tmp/dist"
d=$tmp/dist
verify() { (cd "$d" && "$payqr" release verify --pub payqr-release.pub SHA256SUMS >/dev/null 2>&1); }

# What every user runs.
verify || fail "payqr release verify refused the release as built"
(cd "$d" && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c refused the release as built"
for a in "payqr-$version-x86_64-linux-musl.tar.gz" "payqr-$version-x86_64-windows.zip" \
    "payqr_${version}_amd64.deb"; do
    grep -q "  $a\$" "$d/SHA256SUMS" || fail "SHA256SUMS does not list $a"
done
ok "signature and checksums of $(wc -l <"$d/SHA256SUMS") artifacts"

# A changed artifact (one byte of the zip): sha256sum -c says so.
zip="$d/payqr-$version-x86_64-windows.zip"
cp "$zip" "$tmp/zip.orig"
printf '\x00' | dd of="$zip" bs=1 seek=100 conv=notrunc status=none
cmp -s "$zip" "$tmp/zip.orig" && printf '\x01' | dd of="$zip" bs=1 seek=100 conv=notrunc status=none
if (cd "$d" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
    fail "sha256sum -c accepted a changed zip"
fi
# ... and SHA256SUMS rewritten to match it: the signature refuses that.
(cd "$d" && sha256sum -- *.tar.gz *.zip *.deb >SHA256SUMS)
(cd "$d" && sha256sum --quiet -c SHA256SUMS) || fail "could not rewrite SHA256SUMS"
set +e
(cd "$d" && "$payqr" release verify --pub payqr-release.pub SHA256SUMS 2>"$tmp/err")
rc=$?
set -e
[ "$rc" = 1 ] || fail "payqr release verify exited $rc (not 1) on a SHA256SUMS rewritten for a changed zip"
grep -q "BAD signature" "$tmp/err" || fail "no 'BAD signature' in: $(cat "$tmp/err")"
cp "$tmp/zip.orig" "$zip"
cp dist/SHA256SUMS "$d/SHA256SUMS"
verify || fail "the restored release no longer verifies"
# Another key's public key: refused.
"$payqr" keygen --unencrypted --issuer not-payqr --name other --out "$tmp/other" >/dev/null 2>&1
(cd "$d" && "$payqr" release verify --pub "$tmp/other.pub" SHA256SUMS >/dev/null 2>&1) &&
    fail "payqr release verify accepted another key's public key"
ok "a changed artifact, a re-summed SHA256SUMS and another key are refused"

# The archives' contents.
tar -C "$tmp" -xzf "$d/payqr-$version-x86_64-linux-musl.tar.gz"
lin=$tmp/payqr-$version-x86_64-linux-musl
for f in payqr README.md man/payqr.1 completions/payqr.bash; do
    [ -f "$lin/$f" ] || fail "the Linux tarball lacks $f"
done
"$lin/payqr" --version | grep -q "^payqr $version\$" || fail "the tarball's payqr does not run"
file "$lin/payqr" | grep -Eq "static(-pie)? linked|statically linked" || fail "the tarball's payqr is not static: $(file "$lin/payqr")"
(cd "$tmp" && unzip -q "$d/payqr-$version-x86_64-windows.zip")
exe=$tmp/payqr-$version-x86_64-windows/payqr.exe
[ -f "$exe" ] || fail "the Windows zip lacks payqr.exe"
file "$exe" | grep -q "PE32+ executable.*x86-64" || fail "payqr.exe is not a Windows x86-64 program: $(file "$exe")"
wine=$(command -v wine64 || command -v wine || true)
if [ -n "$wine" ] && [ -f "${WINEPREFIX:-$PWD/target/wine-prefix}/drive_c/windows/system32/bcryptprimitives.dll" ]; then
    WINEPREFIX=${WINEPREFIX:-$PWD/target/wine-prefix} WINEDEBUG=-all "$wine" "$exe" --version 2>/dev/null |
        tr -d '\r' | grep -q "^payqr $version\$" || fail "the zip's payqr.exe does not run under Wine"
    ok "archives: static Linux binary runs; payqr.exe runs under Wine"
else
    ok "archives: static Linux binary runs; payqr.exe is PE32+ x86-64 (not run: no Wine prefix from scripts/wine-test.sh)"
fi

# The Debian package, installed by dpkg into a scratch root (its own
# database: nothing of this machine's dpkg state is read or changed; the
# package has no maintainer scripts, so no chroot is needed).
deb="$d/payqr_${version}_amd64.deb"
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/log"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --log=/dev/null --force-not-root --force-script-chrootless -i "$deb" >/dev/null ||
    fail "dpkg -i into a scratch root failed"
for f in usr/bin/payqr usr/share/man/man1/payqr.1.gz usr/share/man/man1/payqr-verify.1.gz \
    usr/share/bash-completion/completions/payqr usr/share/zsh/vendor-completions/_payqr \
    usr/share/fish/vendor_completions.d/payqr.fish usr/share/doc/payqr/copyright \
    usr/share/doc/payqr/changelog.gz; do
    [ -f "$root/$f" ] || fail "the installed package lacks /$f"
done
[ "$(stat -c %a "$root/usr/bin/payqr")" = 755 ] || fail "/usr/bin/payqr is not mode 755"
"$root/usr/bin/payqr" --version | grep -q "^payqr $version\$" || fail "the installed payqr does not run"
# Every man page of the checkout, and nothing else, gzipped.
want=$(cd man && ls -- *.1 | sed 's/$/.gz/' | LC_ALL=C sort)
got=$(ls "$root/usr/share/man/man1" | LC_ALL=C sort)
[ "$want" = "$got" ] || fail "man pages installed differ from man/: $(diff <(echo "$want") <(echo "$got") | tr '\n' ' ')"
zcat "$root/usr/share/man/man1/payqr.1.gz" | cmp -s - man/payqr.1 || fail "payqr.1.gz is not man/payqr.1"
if command -v man >/dev/null; then
    MANPATH="$root/usr/share/man" man -P cat payqr 2>/dev/null | grep -q "payqr" || fail "man cannot render the installed payqr(1)"
fi
dpkg --root="$root" -L payqr | grep -qx /usr/bin/payqr || fail "dpkg -L payqr does not list /usr/bin/payqr"
dpkg --root="$root" --log=/dev/null --force-not-root --force-script-chrootless -r payqr >/dev/null ||
    fail "dpkg -r payqr failed"
# (dpkg removes the emptied directories too; its database is under var/.)
left=$(find "$root" -path "$root/var" -prune -o -type f -print | head -5)
[ -z "$left" ] || fail "dpkg -r left files behind: $left"
ok "the .deb installs $(echo "$want" | wc -l) man pages and 3 completions where Debian wants them, and removes them"
echo "release-check.sh: all checks passed" >&2
