#!/usr/bin/env bash
# Builds smtpspec's container image (Containerfile) with buildah from the
# binaries ci/release/build.sh left in DIST/bin, one image per Linux
# architecture and a manifest list over them, then smoke-tests each image
# the only way these machines allow (podman run is refused: crun cannot
# set rlimits here): mount its root file system (buildah from + mount)
# and run the binary in it with chroot, as the image's user, with the
# image's environment: version, demo --quiet, validate of a spec.
#
#   ci/release/image.sh [-d DIST] [-t NAME] [--no-smoke]   (defaults: dist, localhost/smtpspec)
#
# Leaves NAME:TAG (the manifest list) and NAME:TAG-ARCH in buildah's
# storage, TAG being the binary's version with + as -. Set
# STORAGE_DRIVER=vfs where overlay is refused (nested containers).
set -euo pipefail
cd "$(dirname "$0")/../.."

dist=dist name=localhost/smtpspec smoke=1
while [ $# -gt 0 ]; do
	case "$1" in
	-d) dist=$2; shift 2 ;;
	-t) name=$2; shift 2 ;;
	--no-smoke) smoke=0; shift ;;
	*) echo "usage: ci/release/image.sh [-d DIST] [-t NAME] [--no-smoke]" >&2; exit 2 ;;
	esac
done
archs="amd64 arm64"
bundle=/etc/ssl/certs/ca-certificates.crt # Debian's ca-certificates
for f in "$bundle" "$dist/bin/linux_amd64/smtpspec" "$dist/bin/linux_arm64/smtpspec"; do
	[ -s "$f" ] || { echo "image.sh: $f is missing (ca-certificates installed? ci/release/build.sh run?)" >&2; exit 1; }
done
version=$("$dist/bin/linux_amd64/smtpspec" version | cut -d' ' -f2)
tag=${version//+/-}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

# The build context: exactly what the image holds, with the modes it must have.
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
install -d -m 0755 "$ctx/rootfs/etc/ssl/certs" "$ctx/bin" \
	"$ctx/home/home/smtpspec" "$ctx/home/var/cache/smtpspec" "$ctx/home/work"
install -d -m 1777 "$ctx/rootfs/tmp"
install -m 0644 ci/release/rootfs/passwd ci/release/rootfs/group "$ctx/rootfs/etc/"
install -m 0644 "$bundle" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
for a in $archs; do install -D -m 0755 "$dist/bin/linux_$a/smtpspec" "$ctx/bin/linux_$a/smtpspec"; done

# A rebuild of the same version replaces its manifest list (rmi does not
# remove a list; manifest rm does).
buildah manifest rm "$name:$tag" >/dev/null 2>&1 || buildah rmi -f "$name:$tag" >/dev/null 2>&1 || true
buildah manifest create "$name:$tag" >/dev/null
for a in $archs; do
	echo "image.sh: building $name:$tag-$a"
	buildah build --quiet --isolation chroot --platform "linux/$a" --timestamp "$epoch" \
		--build-arg "TARGETARCH=$a" --build-arg "VERSION=$version" \
		--build-arg "REVISION=$(git rev-parse HEAD)" --build-arg "CREATED=$created" \
		-f Containerfile -t "$name:$tag-$a" "$ctx" >/dev/null
	buildah manifest add "$name:$tag" "$name:$tag-$a" >/dev/null
done
echo "image.sh: $name:$tag ($(echo $archs))"
[ "$smoke" = 1 ] || exit 0

for a in $archs; do bash ci/release/smoke-image.sh "$name:$tag-$a" "$version"; done
