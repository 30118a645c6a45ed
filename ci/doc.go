// Package ci holds what CI systems run: the `go test` entry point that
// probes sites as subtests and checks their goldens with goldie, and the
// pipeline templates (GitHub Actions, GitLab CI, Azure Pipelines). One CI
// job per customer site, on a runner inside that site's network: the
// probe must leave from the printer's network (source IP, firewall,
// port 25), so the job, not a central server, is what proves the path.
package ci
