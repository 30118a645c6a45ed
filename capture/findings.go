package capture

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// Microsoft's pages that explain the findings ("learn more"), as FACTS.md
// cites them; the code never fetches them.
const (
	learnMFP       = "https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365"
	learnFixIssues = "https://learn.microsoft.com/exchange/mail-flow-best-practices/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off"
	learnLegacyTLS = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/opt-in-exchange-online-endpoint-for-legacy-TLS-using-SMTP-AUTH"
	learnCiphers   = "https://learn.microsoft.com/microsoft-365/compliance/technical-reference-details-about-encryption"
	learnSMTPAuth  = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission"
	learnOAuth     = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"
	learnRetire    = "https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835"
	learnRootG2    = "https://techcommunity.microsoft.com/blog/exchange/trust-digicert-global-root-g2-certificate-authority-to-avoid-exchange-online-ema/4488311"
	learnNDR       = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
)

// rule is one prediction: what it finds in the device, if anything.
type rule func(d *device) []Finding

// rules are every prediction, in the order a session meets them; each
// cites its catalog row or FACTS.md source.
var rules = []rule{
	noDevice, earlyBytes, notHello, implicitTLS, legacyTLS, cipherSuites, certRejected, noTLS, heloOnly,
	anyCredentials, authBeforeTLS, authMechanism, noAuth, authOnMX, usernameFormatRule, passwordMatch,
	passwordRisk, basicAuth, tokenClaims, sendAs, fromHeader, directSendExternal, messageSize, smtpUTF8,
	bdatUse, noMessage, pipelining, connectionProblems, refusedConnections, noTLSMode,
}

// findings runs every rule; a finding met on several connections is kept once.
func findings(rep *Report, opts Options) []Finding {
	d := newDevice(rep, opts)
	out := []Finding{}
	for _, r := range rules {
		for _, f := range r(d) {
			if !slices.ContainsFunc(out, func(g Finding) bool { return g.ID == f.ID }) {
				out = append(out, f)
			}
		}
	}
	return out
}

func finding(id string, sev diagnosis.Severity, text, fix, learn string) []Finding {
	return []Finding{{Finding: diagnosis.Finding{ID: id, Severity: sev, Text: text, Fix: fix}, LearnMore: learn}}
}

// misfit words a diagnosis.Misfits row (the method check run before a probe)
// as a capture finding: the device's setup contradicts Microsoft 365.
func misfit(d *device, id string, sev diagnosis.Severity, learn string) []Finding {
	for _, m := range diagnosis.Misfits(d.setup()) {
		if m.ID == id {
			return finding(id, sev, "the device's setup: "+m.Finding, m.Next, learn)
		}
	}
	return nil
}

// noDevice: nothing connected.
func noDevice(d *device) []Finding {
	if len(d.conns) > 0 {
		return nil
	}
	return finding("no-connection", diagnosis.SevError, "no device connected to the capture on "+d.rep.Listen+" before it ended ("+d.rep.EndReason+")",
		"point the device's SMTP server setting at this machine's address and port (the capture printed them), check this machine's firewall (ports below 1024 need root or an administrator), and press the device's test button or scan once", "")
}

// earlyBytes: the device sent something other than a ClientHello before
// the banner. A PROXY header or other bytes get Exchange Online's 500
// 5.3.3 (catalog row unrecognized-command, email-oauth2-proxy #232/#234).
func earlyBytes(d *device) []Finding {
	for _, c := range d.conns {
		switch {
		case c.Early == "" || strings.Contains(c.Early, "ClientHello"): // implicitTLS says it
		case strings.Contains(c.Early, "PROXY"):
			return finding("sent-before-banner", diagnosis.SevWarning,
				fmt.Sprintf("connection %d sent %s before the server's banner: Exchange Online answers it with 500 5.3.3 Unrecognized command", c.N, c.Early),
				catalog.Lookup("unrecognized-command").Next, "")
		default:
			return finding("sent-before-banner", diagnosis.SevWarning,
				fmt.Sprintf("connection %d sent %s before the server's banner (pre-greet traffic): Exchange Online likely reads it as a command, out of turn", c.N, c.Early),
				"look for a device setting that waits for the server's greeting, or for a proxy in the path", "")
		}
	}
	return nil
}

// notHello: garbage where the ClientHello should be.
func notHello(d *device) []Finding {
	for _, c := range d.conns {
		if t := c.TLS; t != nil && t.NotHello != "" {
			return finding("tls-not-hello", diagnosis.SevError,
				fmt.Sprintf("after %s, connection %d sent %s instead of a TLS ClientHello: no TLS session can start, with the capture or with Microsoft 365", startWord(t.Mode), c.N, t.NotHello),
				"set the device's security to STARTTLS with TLS 1.2 (not SSL); if it is, a middlebox is rewriting the connection: exempt the printer's flow from SMTP inspection", learnMFP)
		}
	}
	return nil
}

func startWord(m transcript.TLSMode) string {
	if m == transcript.Implicit {
		return "connecting"
	}
	return "STARTTLS"
}

// implicitTLS: TLS on connect, which Microsoft 365 never offers (config
// rules implicit-tls and port-465, srcImplicit / MS MFP article).
func implicitTLS(d *device) []Finding {
	if !d.implicit() {
		return nil
	}
	if f := misfit(d, "port-465", diagnosis.SevError, learnMFP); f != nil {
		return f
	}
	return misfit(d, "implicit-tls", diagnosis.SevError, learnMFP)
}

// legacyTLS: nothing above TLS 1.1 (catalog row tls-legacy-refused on
// submission; MC229914 on the MX, FACTS.md 1.2).
func legacyTLS(d *device) []Finding {
	for _, t := range d.tlss() {
		if t.Hello == nil || t.Microsoft365.Reason != LegacyVersion {
			continue
		}
		if d.opts.Persona == MX {
			return finding("tls-legacy", diagnosis.SevWarning, t.Microsoft365.Why,
				"update the printer's firmware for TLS 1.2; until then Direct Send and a relay connector still take mail without TLS if the device falls back to plain text (TLS is optional on the MX)", learnMFP)
		}
		return finding("tls-legacy", diagnosis.SevError, t.Microsoft365.Why,
			catalog.Lookup("tls-legacy-refused").Next, learnLegacyTLS)
	}
	return nil
}

// cipherSuites: TLS 1.2 but no suite Microsoft 365 lists, or only the
// TLS_RSA ones it may have dropped (FACTS.md 1.1 and 8, UNCONFIRMED).
func cipherSuites(d *device) []Finding {
	for _, t := range d.tlss() {
		n := t.Microsoft365
		switch {
		case t.Hello == nil:
		case n.Reason == NoCommonSuite:
			return finding("tls-cipher-suites", diagnosis.SevError, n.Why+"; the device offers "+strings.Join(t.Hello.CipherSuites, ", "),
				"update the printer's firmware so it offers ECDHE suites (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or similar) with TLS 1.2; otherwise use Direct Send or a relay connector without TLS", learnCiphers)
		case n.Likely && n.Version == "TLS 1.2":
			return finding("tls-rsa-suites-only", diagnosis.SevWarning, "likely trouble: "+n.Why,
				"update the printer's firmware for ECDHE suites (elliptic-curve key exchange); if the device fails with \"SSL negotiation failed\", this is why", learnCiphers)
		}
	}
	return nil
}

// certRejected: the device verifies certificates. Exchange Online's
// chain ends at DigiCert Global Root G2, which devices had to trust by
// 22 March 2026 (MC1224565, MS blog 4488311).
func certRejected(d *device) []Finding {
	for _, t := range d.tlss() {
		if !t.CertRejected {
			continue
		}
		fix := "to see the rest of its session, let it trust the capture: install the capture's CA certificate on the device (smtpspec capture --ca capture-ca.pem --ca-out capture-ca.crt keeps one CA between runs and writes it) and capture again, or use --cert/--key with a certificate it already trusts; or take this as the finding"
		if d.opts.Certificate != nil {
			fix = "the device does not trust the certificate given with --cert: install its issuer on the device, or use the capture's own CA (--ca/--ca-out); or take this as the finding"
		}
		return finding("tls-certificate-verified", diagnosis.SevWarning,
			t.CertEvidence+": the device verifies server certificates (good), so it must also trust Exchange Online's, which chains to DigiCert Global Root G2", fix+
				"; for Microsoft 365 make sure the device's trust store has DigiCert Global Root G2", learnRootG2)
	}
	return nil
}

// noTLS: EHLO showed STARTTLS and the device went on without it.
// smtp.office365.com refuses MAIL then with 451 5.7.3 (catalog row
// starttls-required); the MX takes plain text (FACTS.md 1.2).
func noTLS(d *device) []Finding {
	c := d.main
	if c == nil || c.TLS != nil || c.Greeting != "EHLO" || d.opts.TLSMode == transcript.NoTLS || (len(c.Auth) == 0 && len(c.Transactions) == 0) {
		return nil
	}
	if d.opts.Persona == MX {
		return finding("tls-not-used", diagnosis.SevInfo, "the device did not start TLS although the server offered STARTTLS: Direct Send and relay accept that, but the message crosses the network unencrypted",
			"turn on STARTTLS (TLS 1.2) on the device where it can", learnMFP)
	}
	row := catalog.Lookup("starttls-required")
	return finding("tls-not-used", diagnosis.SevError, "the device did not start TLS although the server offered STARTTLS: smtp.office365.com answers MAIL FROM with 451 5.7.3 STARTTLS is required to send mail",
		row.Next, learnMFP)
}

// heloOnly: HELO (config rule helo-with-submission, srcHELO).
func heloOnly(d *device) []Finding {
	if !d.saidHELO() {
		return nil
	}
	if d.opts.Persona == MX {
		return finding("helo-only", diagnosis.SevInfo, "the device greets with HELO, so it sees no extensions and never starts TLS: Direct Send accepts that, in plain text",
			"set the device to EHLO/ESMTP with STARTTLS where it can", "")
	}
	return misfit(d, "helo-with-submission", diagnosis.SevError, learnFixIssues)
}

// noTLSMode: the capture itself offered AUTH without TLS (--tls none).
func noTLSMode(d *device) []Finding {
	if d.opts.TLSMode != transcript.NoTLS || d.opts.Persona != Submission {
		return nil
	}
	return finding("capture-tls-none", diagnosis.SevInfo, "the capture ran with --tls none: it offered no STARTTLS and offered AUTH in plain text, which Exchange Online never does (AUTH only after STARTTLS); what the device did with TLS was not tested",
		"capture again with --tls starttls (the default) to see the device's TLS", "")
}
