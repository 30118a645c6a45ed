package sim

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Scenarios returns the simulator's scenarios in a stable order:
// submission (smtp.office365.com) first, then the tenant MX (Direct Send
// and relay), then the network-level ones. The names are a public
// interface: specs/examples/<name>.hcl and the demo use them. Every
// scenario rests on facts FACTS.md confirms; UNCONFIRMED ones are left
// out, except where a scenario's summary says UNCONFIRMED. Each call returns
// fresh values, so callers may modify them.
func Scenarios() []*Scenario {
	return []*Scenario{
		submissionScenario("submission-ok",
			"smtp.office365.com working: STARTTLS, AUTH LOGIN/XOAUTH2 accepted, any recipient accepted"),
		// A Direct Send device pointed at smtp.office365.com (MS fix-issues page).
		submissionScenario("submission-anonymous",
			"no AUTH on smtp.office365.com: MAIL FROM refused with 530 5.7.57 Client not authenticated"),
		with(submissionScenario("submission-auth-disabled",
			"SMTP AUTH disabled for the tenant: AUTH refused with 535 5.7.139 SmtpClientAuthentication is disabled"),
			func(sc *Scenario) {
				// Disabling SMTP AUTH blocks OAuth too (FACTS.md 4.2, email-oauth2-proxy #66/#193).
				sc.AuthBasic, sc.AuthOAuth = "auth-tenant-disabled", "auth-tenant-disabled"
			}),
		with(submissionScenario("submission-basic-auth-retired",
			"basic auth retired: AUTH LOGIN/PLAIN refused with 550 5.7.30, XOAUTH2 accepted"),
			func(sc *Scenario) { sc.AuthBasic, sc.PlainAsBasic = "auth-basic-retired", true }),
		with(submissionScenario("submission-basic-auth-disabled",
			"basic auth blocked by policy: AUTH LOGIN refused with 535 5.7.139 basic authentication is disabled, XOAUTH2 accepted"),
			func(sc *Scenario) { sc.AuthBasic, sc.PlainAsBasic = "auth-basic-disabled", true }),
		with(submissionScenario("submission-signin-blocked",
			"sign-in refused by policy: AUTH refused with 535 5.7.139 the request did not meet the criteria"),
			func(sc *Scenario) { sc.AuthBasic, sc.AuthOAuth = "auth-policy-blocked", "auth-policy-blocked" }),
		with(submissionScenario("submission-bad-credentials",
			"wrong password: AUTH LOGIN refused with 535 5.7.139 the user credentials were incorrect"),
			func(sc *Scenario) {
				// A rejected OAuth token gets the MS OAuth doc's 535 5.7.3.
				sc.AuthBasic, sc.AuthOAuth = "auth-bad-credentials", "auth-unsuccessful"
			}),
		// Same server as submission-ok: the example spec authenticates without TLS.
		submissionScenario("submission-no-starttls-auth",
			"AUTH before STARTTLS refused with 504 5.7.4; MAIL without TLS gets 451 5.7.3"),
		// Same server as submission-ok: the example spec's device greets with
		// HELO (FACTS.md 2.1, email-oauth2-proxy #232), so it sees no
		// extensions and sends MAIL FROM in plain text without AUTH.
		submissionScenario("submission-helo-only",
			"HELO answered with no extension list (no STARTTLS, no AUTH); MAIL without TLS gets 451 5.7.3"),
		with(submissionScenario("submission-sendas-denied",
			"From not allowed for the mailbox: envelope accepted, end of DATA refused with 554 5.2.0 SendAsDenied"),
			func(sc *Scenario) { sc.Data = "sendas-denied-storedrv" }),
		// The newer text of the same refusal, naming the user and the From,
		// its store diagnostics between [BeginDiagnosticData] and
		// [EndDiagnosticData] (gophish/gophish#2900).
		with(submissionScenario("submission-sendas-denied-252",
			"From not allowed for the mailbox (newer text): end of DATA refused with 554 5.2.252 SendAsDenied; <user> not allowed to send as <from>"),
			func(sc *Scenario) { sc.Data = "sendas-denied-252" }),
		with(submissionScenario("service-not-active",
			"front end not serving: AUTH answered 421 4.3.2 Service not active, then the connection closes"),
			func(sc *Scenario) { sc.AuthBasic, sc.AuthOAuth = "service-not-active", "service-not-active" }),
		with(submissionScenario("legacy-tls-refused",
			"TLS 1.0/1.1 handshake accepted, then 421 4.7.66 TLS 1.0 and 1.1 are not supported; TLS 1.2+ passes"),
			func(sc *Scenario) { sc.TLSMin, sc.RefuseLegacyTLS = tls.VersionTLS10, true }),

		mxScenario("directsend-ok", transcript.DirectSend,
			"tenant MX: anonymous mail to contoso.com accepted, other domains 550 5.4.1 Relay Access Denied"),
		// UNCONFIRMED (FACTS.md section 0): the banner of these hosts.
		with(mxScenario("directsend-mx-microsoft", transcript.DirectSend,
			"tenant MX under mx.microsoft (domain added after 1 July 2026), front ends named <host>.<zone>.mx.microsoft (UNCONFIRMED: no public transcript shows them)"),
			func(sc *Scenario) { sc.MXMicrosoft = true }),
		with(mxScenario("directsend-rejected", transcript.DirectSend,
			"RejectDirectSend on: RCPT from an own-domain sender refused with 550 5.7.68 TenantInboundAttribution"),
			func(sc *Scenario) { sc.RcptTenant, sc.TenantSenderOnly = "direct-send-rejected", true }),
		with(mxScenario("recipient-unknown", transcript.DirectSend,
			"tenant MX: recipient refused with 550 5.4.1 Recipient address rejected (Directory-Based Edge Blocking)"),
			func(sc *Scenario) { sc.RcptTenant = "recipient-unknown" }),
		with(mxScenario("banned-ip", transcript.DirectSend,
			"tenant MX: RCPT refused with 550 5.7.606 banned sending IP [<client IP>]"),
			func(sc *Scenario) { sc.RcptTenant, sc.RcptExternal = "banned-ip", "banned-ip" }),
		with(mxScenario("relay-ok", transcript.Relay,
			"connector relay attributed to the tenant: external recipients accepted"),
			func(sc *Scenario) { sc.RcptExternal = "" }),
		with(mxScenario("relay-certificate", transcript.Relay,
			"connector that accepts by certificate: a client certificate for contoso.com relays to external recipients; without one 550 5.7.64"),
			func(sc *Scenario) { sc.RcptExternal, sc.ClientCert = "tenant-attribution", true }),
		with(mxScenario("relay-tenant-attribution", transcript.Relay,
			"connector no longer matches: external RCPT refused with 550 5.7.64 TenantAttribution; Relay Access Denied"),
			func(sc *Scenario) { sc.RcptExternal = "tenant-attribution" }),
		// inspect esmtp applies to port 25 by default, hence the MX.
		with(mxScenario("firewall-inspection", transcript.DirectSend,
			"Cisco ASA inspect esmtp in the path: masked banner, 250 XXXXXXXA in EHLO, STARTTLS refused with 500 #5.5.1"),
			func(sc *Scenario) { sc.Firewall = true }),
		with(mxScenario("ehlo-stall", transcript.DirectSend,
			"banner, then silence: EHLO is never answered"),
			func(sc *Scenario) { sc.Stall = StallAfterBanner }),
		with(mxScenario("starttls-stripped", transcript.DirectSend,
			"a middlebox removes STARTTLS from the EHLO list (banner intact) and refuses the command with 500 #5.5.1"),
			func(sc *Scenario) { sc.StripSTARTTLS = true }),
		with(mxScenario("tls-stall", transcript.DirectSend,
			"banner and EHLO answered, STARTTLS accepted, then the TLS handshake never completes"),
			func(sc *Scenario) { sc.Stall = StallAfterSTARTTLS }),
		with(mxScenario("no-banner", transcript.DirectSend,
			"TCP connection accepted, no banner ever"),
			func(sc *Scenario) { sc.Stall = StallBeforeBanner }),
	}
}

// Find returns the scenario called name.
func Find(name string) (*Scenario, error) {
	all := Scenarios()
	names := make([]string, 0, len(all))
	for _, sc := range all {
		if sc.Name == name {
			return sc, nil
		}
		names = append(names, sc.Name)
	}
	return nil, fmt.Errorf("sim: unknown scenario %q; valid scenarios: %s", name, strings.Join(names, ", "))
}

// submissionScenario is smtp.office365.com as a working tenant answers.
func submissionScenario(name, summary string) *Scenario {
	return &Scenario{Name: name, Summary: summary, Method: transcript.Submission}
}

// mxScenario is the tenant MX as a working tenant answers: its own
// domains accepted, others refused (Direct Send reaches only the
// tenant's mailboxes, FACTS.md 1.2; MS 5.4.1 NDR page).
func mxScenario(name string, m transcript.Method, summary string) *Scenario {
	return &Scenario{Name: name, Summary: summary, Method: m, RcptExternal: "relay-access-denied"}
}

// with applies f to sc and returns it, so the list above reads as a table.
func with(sc *Scenario, f func(*Scenario)) *Scenario {
	f(sc)
	return sc
}
