// Package forecast tells, for a fleet of sites, which announced Microsoft
// 365 change each one breaks at, with the verdict its device would then
// get and the migration that fits it: `smtpspec forecast`.
//
// Every site is run, offline, against the built-in simulator (package
// sim): once as Microsoft 365 behaves today (sim.Today) and once under
// each announced change (Changes; a sim.Future, or a change of the world
// around the endpoint: which names resolve, which roots the device
// trusts). The site keeps its device profile, method, mechanism, envelope
// and certificate; its endpoint names stay as written and resolve, through
// a DNS server on loopback, to simulators on loopback. The verdicts are
// the runner's and the diagnosis's, as `smtpspec run` gives them.
//
// What it does not do: it never touches a live endpoint, a DNS server or
// a token endpoint other than its own on loopback, and it reads no secret:
// every password, token, client secret and key is a stand-in made for the
// run (standin.go), so it works on a laptop without the customers'
// credentials and no output can hold one. It does not compare goldens.
// What a site's spec cannot tell (whether the tenant added its domain
// after 1 July 2026, whether the device trusts DigiCert Global Root G2)
// makes the outcome "unknown" and says what would decide it (facts.go).
package forecast
