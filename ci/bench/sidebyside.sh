#!/usr/bin/env bash
# sidebyside.sh: `smtpspec serve` beside blackbox_exporter's smtp_starttls
# module, the same simulator path through the latency proxy (default
# 25 ms): scrape wall time, probe time, CPU per probe; then what each
# detects on five scenarios.
#
#   ci/bench/sidebyside.sh [-delay 25ms] [-probes 40] [-out FILE]
#
# Needs Go and Debian's prometheus-blackbox-exporter. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/smtpspec" ./cmd/smtpspec
go test -tags monitor -run '^TestSideBySide$' -count=1 -v -timeout 20m ./ci/bench/ -args -smtpspec "$bin/smtpspec" "$@" |
	grep -v -E '^(=== RUN|--- PASS|PASS$|ok )'
