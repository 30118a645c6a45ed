#!/usr/bin/env bash
# soak.sh: one `smtpspec serve` with N sites (default 1,000) scraped by
# Debian's Prometheus every 60 s for a bounded time (default 10 minutes),
# against simulators on loopback: RSS, goroutines and open files after
# warm-up, the scrape's overhead beyond the probe, CPU per probe.
#
#   ci/bench/soak.sh [-soak-sites 1000] [-soak-duration 10m] [-soak-interval 60s] [-soak-warmup 2m]
#
# A quick look: ci/bench/soak.sh -soak-sites 100 -soak-duration 2m -soak-interval 10s -soak-warmup 30s
# Needs Go and Debian's prometheus. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/smtpspec" ./cmd/smtpspec
go test -tags monitor -run '^TestSoak$' -count=1 -v -timeout 3h ./ci/bench/ -args -smtpspec "$bin/smtpspec" "$@" |
	grep -v -E '^(=== RUN|--- PASS|PASS$|ok )'
