#!/usr/bin/env bash
# Pins a smtpspec release in CI templates: sets SMTPSPEC_VERSION and
# SMTPSPEC_SUMS_SHA256 (the sha256 of the release's SHA256SUMS, which in
# turn names every archive's sha256) in each template, so every site job
# downloads exactly that release and refuses anything else.
#
#   ci/release/pin.sh VERSION SUMS [TEMPLATE...]
#
# SUMS is the release's SHA256SUMS: a local file (ci/release/build.sh's
# output) or an https URL, e.g.
#   https://github.com/smtpspec/smtpspec/releases/download/v1.0.0/SHA256SUMS
# TEMPLATE defaults to the three templates under ci/; give the copies in
# your own repository instead (.github/workflows/smtpspec.yml, .gitlab-ci.yml,
# azure-pipelines.yml). Review the diff and commit it: changing the pin is
# a reviewed change, like any other.
set -euo pipefail
usage() { echo "usage: ci/release/pin.sh VERSION SUMS [TEMPLATE...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
version=${1#v} sums=$2
shift 2
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] || { echo "pin.sh: $version is not a release version (1.2.3)" >&2; exit 2; }
if [ $# -eq 0 ]; then
	here=$(cd "$(dirname "$0")/../.." && pwd)
	set -- "$here/ci/github/smtpspec.yml" "$here/ci/gitlab/.gitlab-ci.yml" "$here/ci/azure/azure-pipelines.yml"
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
case "$sums" in
https://*) curl -fsSL --proto '=https' -o "$tmp" "$sums" ;;
*://*) echo "pin.sh: $sums: only https URLs or local files" >&2; exit 2 ;;
*) cp "$sums" "$tmp" ;;
esac
# A SHA256SUMS names this version's archives: refuse another release's file.
grep -Eq "^[0-9a-f]{64}  smtpspec_${version//./\\.}_[a-z0-9]+_[a-z0-9]+\.(tar\.gz|zip)$" "$tmp" ||
	{ echo "pin.sh: $sums lists no smtpspec_${version}_* archive: not the SHA256SUMS of $version" >&2; exit 1; }
sha=$(sha256sum "$tmp" | cut -d' ' -f1)

for t in "$@"; do
	grep -q 'SMTPSPEC_SUMS_SHA256' "$t" || { echo "pin.sh: $t has no SMTPSPEC_SUMS_SHA256 to pin" >&2; exit 1; }
	# Each template declares both as a top-level variable: KEY: "value".
	sed -E -i.pin-bak \
		-e "s/^([[:space:]]*SMTPSPEC_VERSION:[[:space:]]*)\"[^\"]*\"/\1\"$version\"/" \
		-e "s/^([[:space:]]*SMTPSPEC_SUMS_SHA256:[[:space:]]*)\"[0-9a-fA-F]*\"/\1\"$sha\"/" \
		"$t"
	rm -f "$t.pin-bak"
	grep -q "$sha" "$t" || { echo "pin.sh: could not pin $t (its variables are not in a form pin.sh knows)" >&2; exit 1; }
	echo "pin.sh: $t: smtpspec $version, SHA256SUMS $sha"
done
