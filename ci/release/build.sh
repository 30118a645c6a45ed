#!/usr/bin/env bash
# Builds smtpspec's release: static, version-stamped binaries for the
# platforms site runners use, an archive of each named as the templates'
# download step expects, and SHA256SUMS.
#
#   ci/release/build.sh [-o DIR] [VERSION]       (default DIR: dist, VERSION: see below)
#
# VERSION is a tag such as v1.4.0; by default the tag on HEAD, else a Go
# pseudo-version (v0.0.0-YYYYMMDDhhmmss-<commit>) of HEAD. Output, for
# VERSION v1.4.0:
#   DIR/smtpspec_1.4.0_linux_amd64.tar.gz    smtpspec, README.md
#   DIR/smtpspec_1.4.0_linux_arm64.tar.gz
#   DIR/smtpspec_1.4.0_darwin_arm64.tar.gz
#   DIR/smtpspec_1.4.0_windows_amd64.zip     smtpspec.exe, README.md
#   DIR/SHA256SUMS                           sha256sum's format, sorted by name
#   DIR/bin/<os>_<arch>/smtpspec[.exe]       the same binaries, unpacked (image, smoke tests)
#
# Reproducible: the same commit and Go toolchain give the same bytes
# (-trimpath, -buildvcs=false, an empty build id, fixed GOAMD64/GOARM64, no cgo, archive
# entries with SOURCE_DATE_EPOCH, the commit time by default, as their
# time and 0:0 as owner). A tree with uncommitted changes still builds,
# with "+dirty" in the version, and says it is not a release.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=dist
if [ "${1:-}" = "-o" ]; then out=$2; shift 2; fi
if [ $# -gt 1 ]; then echo "usage: ci/release/build.sh [-o DIR] [VERSION]" >&2; exit 2; fi

commit=$(git rev-parse HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
version=${1:-$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null ||
	echo "v0.0.0-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)-${commit:0:12}")}
case "$version" in
v[0-9]*) ;;
*) echo "build.sh: version $version must start with v and a digit (a tag such as v1.4.0)" >&2; exit 2 ;;
esac
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	version="$version+dirty"
	echo "build.sh: the work tree has uncommitted changes: $version is not a release" >&2
fi
ver=${version#v} # archive names carry the version without its v, as GoReleaser's do

platforms="linux/amd64 linux/arm64 darwin/arm64 windows/amd64"
rm -rf "$out"
mkdir -p "$out/bin"
echo "build.sh: smtpspec $version (commit ${commit:0:12}), $(go version | cut -d' ' -f3), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
for p in $platforms; do
	os=${p%/*} arch=${p#*/}
	exe=smtpspec
	[ "$os" = windows ] && exe=smtpspec.exe
	bin="$out/bin/${os}_${arch}/$exe"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-mod=readonly \
		go build -trimpath -buildvcs=false -o "$bin" \
		-ldflags "-s -w -buildid= -X main.version=$version -X main.commit=$commit" ./cmd/smtpspec
	name="smtpspec_${ver}_${os}_${arch}"
	if [ "$os" = windows ]; then archive="$name.zip"; else archive="$name.tar.gz"; fi
	go run ./ci/release/pack -o "$out/$archive" "$bin=$exe" README.md=README.md
	echo "  $archive"
done
(cd "$out" && LC_ALL=C sha256sum smtpspec_*.tar.gz smtpspec_*.zip | LC_ALL=C sort -k2 >SHA256SUMS)
echo "build.sh: $out/SHA256SUMS (sha256 $(sha256sum "$out/SHA256SUMS" | cut -d' ' -f1): pin this in the CI templates)"
