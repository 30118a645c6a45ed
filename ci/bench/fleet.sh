#!/usr/bin/env bash
# fleet.sh: smtpspec over a fleet of generated sites against simulators on
# loopback: validate, run --update (record goldens), run (compare goldens),
# each with wall time, CPU time and peak memory; and the start-up time.
#
#   ci/bench/fleet.sh [-sites 1000] [-parallel 64] [-out FILE]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/smtpspec" ./cmd/smtpspec
go test -tags fleet -run '^TestFleet$' -count=1 -v -timeout 20m ./ci/bench/ -args -smtpspec "$bin/smtpspec" "$@" |
	grep -v -E '^(=== RUN|--- PASS|PASS$|ok )'
