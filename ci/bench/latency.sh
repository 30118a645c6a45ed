#!/usr/bin/env bash
# latency.sh: smtpspec's round trips per method against the simulator (and
# a private Postfix when installed and run as root), side by side with
# swaks, through a latency-injecting proxy on loopback.
#
#   ci/bench/latency.sh [-rtt 25ms,50ms] [-runs 7] [-out FILE] [-postfix=false]
#
# Needs Go; swaks (apt-get install swaks) for its columns; postfix and
# dovecot-core for the Postfix rows. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/smtpspec" ./cmd/smtpspec
# -count=1: never a cached result; -v: the report is the test's output;
# -timeout: every run is bounded.
go test -tags latency -run '^TestLatency$' -count=1 -v -timeout 20m ./ci/bench/ -args -smtpspec "$bin/smtpspec" "$@" |
	grep -v -E '^(=== RUN|--- PASS|PASS$|ok )'
