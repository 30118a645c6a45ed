// Package mta starts real mail servers for smtpspec's integration tests:
// private Postfix instances with Dovecot SASL on loopback ports, each with
// its own configuration, queue and data folders under a temporary folder,
// a discard transport (nothing is ever delivered) and nothing left running
// after the test; and swaks, whose transcripts the tests compare with
// smtpspec's. It needs Debian's postfix, dovecot-core and swaks packages
// and root (Postfix's master runs as root and drops to the postfix user).
// Without them a test skips, except under CI (CI set), where it fails:
// .ci/run installs them.
//
// It is test support only: nothing in the smtpspec binary imports it.
package mta
