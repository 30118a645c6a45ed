// Package integration holds smtpspec's tests against real mail servers:
// private Postfix instances with Dovecot SASL (internal/mta) on loopback,
// whose verdicts are checked and whose transcripts are compared line by
// line with swaks' transcripts of the same conversations. It has no code
// of its own; see README.md "Real-MTA tests" to run it locally.
package integration
