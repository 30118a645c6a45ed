// Package deploy holds what runs `smtpspec serve` in production, as
// files: the Prometheus scrape configuration, alerting rules and their
// unit tests, the Grafana dashboard (monitoring/) and the hardened systemd
// unit (systemd/); README.md says how they fit. It has no Go code: its
// tests check every file against the real programs (Prometheus, promtool,
// blackbox_exporter, systemd-analyze) scraping simulated sites.
package deploy
