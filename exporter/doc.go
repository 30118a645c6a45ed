// Package exporter serves smtpspec as a Prometheus multi-target exporter
// (prometheus.io/docs/guides/multi-target-exporter): GET /probe?target=SITE
// runs that site's probe synchronously and answers its result as metrics
// from a registry of its own, GET /metrics answers the exporter's own
// metrics, and / is a landing page with every site's last status.
//
// It schedules nothing: the scraper decides when a site is probed, and a
// scrape's X-Prometheus-Scrape-Timeout-Seconds bounds the probe. It does
// not write goldens or pending goldens (runner.Options.ReadOnly), and it
// keeps the AUTH-failure guard (authguard.Guard): a mailbox that failed
// AUTH recently is answered from the record, not probed again.
//
// Metric names follow blackbox_exporter where the meaning is the same
// (probe_success, probe_duration_seconds, probe_ssl_earliest_cert_expiry,
// ...); the probe_smtp_* ones are smtpspec's. No label carries a reply
// text, an address or a secret: every label value comes from a closed
// vocabulary (stage, status, category, ...) or is a reply code.
package exporter
