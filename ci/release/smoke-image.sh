#!/usr/bin/env bash
# Smoke-tests one smtpspec image without a container runtime: mounts its
# root file system (buildah from + buildah mount) and runs the binary in
# it with chroot, as the image's USER, with only the image's ENV, from
# its WORKDIR's point of view: `version` (must print VERSION), `demo
# --quiet` (the simulator on loopback, its goldens in the image's /tmp)
# and `validate` of a spec placed in /work. An arm64 image runs under
# qemu-aarch64-static (Debian's qemu-user-static), copied into the mounted
# tree, as no binfmt handler may be registered on the machine.
#
#   ci/release/smoke-image.sh IMAGE VERSION
set -euo pipefail
cd "$(dirname "$0")/../.."
image=$1 version=$2

arch=$(buildah inspect --type image --format '{{.OCIv1.Architecture}}' "$image")
ctr=$(buildah from --pull-never --arch "$arch" "$image")
cleanup() { buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true; }
trap cleanup EXIT
mnt=$(buildah mount "$ctr")
user=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$image")
mapfile -t envs < <(buildah inspect --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
entry=$(buildah inspect --format '{{index .OCIv1.Config.Entrypoint 0}}' "$image")

# The image must hold what the tool needs, with the modes it needs.
[ "$(stat -c %a "$mnt/tmp")" = 1777 ] || { echo "smoke: /tmp is $(stat -c %a "$mnt/tmp"), want 1777" >&2; exit 1; }
[ "$(stat -c %u "$mnt/var/cache/smtpspec")" = 65532 ] || { echo "smoke: /var/cache/smtpspec is not the user's" >&2; exit 1; }
[ -s "$mnt/etc/ssl/certs/ca-certificates.crt" ] || { echo "smoke: no CA bundle" >&2; exit 1; }

prefix=()
if [ "$arch" != "$(go env GOARCH)" ]; then
	q=$(command -v "qemu-$( [ "$arch" = arm64 ] && echo aarch64 || echo "$arch")-static") ||
		{ echo "smoke: no qemu-user-static for $arch (apt-get install qemu-user-static)" >&2; exit 1; }
	cp "$q" "$mnt/.qemu-static"
	prefix=(/.qemu-static)
fi
chroot=$(command -v chroot)
# A scratch image has no env(1): the host's sets exactly the image's ENV
# (plus $extra), then chroot enters the tree and execs the entry point.
extra=()
in_image() { env -i "${envs[@]}" "${extra[@]}" "$chroot" --userspec="$user" "$mnt" "${prefix[@]}" "$entry" "$@"; }

got=$(in_image version)
case "$got" in
"smtpspec $version "*"linux/$arch") ;;
*) echo "smoke: $image: version printed \"$got\", want smtpspec $version ... linux/$arch" >&2; exit 1 ;;
esac
in_image demo --quiet >/tmp/smoke-demo.$$ 2>&1 || { cat /tmp/smoke-demo.$$ >&2; rm -f /tmp/smoke-demo.$$; echo "smoke: $image: demo failed" >&2; exit 1; }
rm -f /tmp/smoke-demo.$$
install -d -o 65532 -g 65532 "$mnt/work/specs"
in_image init --method submission --site smoke-mfp --domain contoso.com --out /work/specs/smoke.hcl >/dev/null
extra=(SMOKE_MFP_SMTP_PASSWORD=not-a-secret)
in_image validate /work/specs >/dev/null

# serve, the image's exporter entry: it must start as the image's user,
# answer its landing page and /metrics on loopback, and stop on SIGTERM.
port=$(( 20000 + RANDOM % 20000 ))
# exec: $! must be smtpspec itself (a backgrounded function would be a
# subshell, and SIGTERM would end the subshell, not the exporter).
(exec env -i "${envs[@]}" "${extra[@]}" "$chroot" --userspec="$user" "$mnt" "${prefix[@]}" "$entry" \
	serve --listen "127.0.0.1:$port" /work/specs) >/tmp/smoke-serve.$$ 2>&1 &
serve=$!
up=
for _ in $(seq 1 100); do # at most ~20 s (the arm64 binary runs under qemu)
	if curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q '^smtpspec_exporter_'; then up=1; break; fi
	sleep 0.2
done
if [ -z "$up" ] || ! curl -fsS "http://127.0.0.1:$port/" | grep -q smoke-mfp; then
	kill "$serve" 2>/dev/null || true
	cat /tmp/smoke-serve.$$ >&2; rm -f /tmp/smoke-serve.$$
	echo "smoke: $image: serve did not answer on 127.0.0.1:$port" >&2; exit 1
fi
kill -TERM "$serve"
wait "$serve" || { cat /tmp/smoke-serve.$$ >&2; rm -f /tmp/smoke-serve.$$; echo "smoke: $image: serve did not stop cleanly on SIGTERM" >&2; exit 1; }
rm -f /tmp/smoke-serve.$$
echo "smoke: $image ($arch): $got; demo, init, validate and serve ran as $user in the image"
