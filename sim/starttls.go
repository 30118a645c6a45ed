package sim

import (
	"crypto/tls"
	"time"
)

// starttls answers "220 2.0.0 SMTP server ready" (catalog row
// starttls-ready) and runs a real TLS handshake on the connection. Behind
// the simulated ASA the command arrives masked and is refused with
// "500 #5.5.1 command not recognized" (row starttls-masked-refused).
func (ss *session) starttls(string) bool {
	switch {
	case ss.sc.Firewall, ss.sc.StripSTARTTLS:
		return ss.reply("starttls-masked-refused", nil)
	case ss.secure:
		return ss.badSequence()
	}
	if !ss.reply("starttls-ready", nil) {
		return false
	}
	if ss.sc.Stall == StallAfterSTARTTLS {
		ss.stall() // the handshake's first large packets never get through
		return false
	}
	// Bytes the client sent after STARTTLS but before the handshake are
	// dropped, not replayed into the TLS session (RFC 3207 section 6; the
	// command-injection class of CVE-2011-0411).
	ss.r.Discard(ss.r.Buffered())

	tc := tls.Server(ss.conn, ss.cfg)
	tc.SetDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
	if err := tc.Handshake(); err != nil {
		ss.logf("TLS handshake failed: %v", err)
		return false
	}
	tc.SetDeadline(time.Time{})
	st := tc.ConnectionState()
	ss.logf("TLS %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	ss.setConn(tc)
	// RFC 3207 section 4.2: the client must start over with EHLO.
	ss.secure, ss.greeted, ss.authed = true, false, false
	ss.resetMail()
	ss.legacyTLS = ss.sc.RefuseLegacyTLS && st.Version < tls.VersionTLS12
	ss.certAttributed = ss.connectorMatches(st)
	return true
}
