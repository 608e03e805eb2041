#!/usr/bin/env bash
# Proves the release artifacts reproducible: builds them (scripts/release.sh
# --unsigned) in this checkout and again in a fresh clone of the same
# commit, in another directory with its own empty target directory, and
# compares the two SHA256SUMS. Exit 0 only if they are identical.
#
# Usage: scripts/repro-check.sh   (needs a clean work tree: the clone has
#        only what is committed; takes two full release builds of two
#        targets, about as long as two CI cross-build steps)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "repro-check.sh: the work tree has uncommitted changes; commit or stash them" >&2
    exit 2
fi
[ -f dist/SHA256SUMS ] && [ "${REPRO_REUSE_DIST:-0}" = 1 ] || scripts/release.sh --unsigned >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-hardlinks . "$tmp/elsewhere"
# Same commit time, same toolchain; another path, another target dir.
(cd "$tmp/elsewhere" && CARGO_TARGET_DIR="$tmp/target" scripts/release.sh --unsigned >/dev/null)
if diff -u dist/SHA256SUMS "$tmp/elsewhere/dist/SHA256SUMS" >&2; then
    echo "repro-check.sh: identical artifacts from two builds:" >&2
    cat dist/SHA256SUMS >&2
else
    echo "repro-check.sh: the two builds differ (above)" >&2
    exit 1
fi
