package sim

import (
	"crypto/tls"
	"fmt"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Future is an announced Microsoft 365 change as the simulator plays it:
// a modifier of a scenario, whose replies are catalog rows like every
// other scenario's. Apply changes only what the change changes and leaves
// a scenario it does not reach as it was (a Direct Send change does
// nothing to smtp.office365.com), so the forecast can tell "not reached"
// from "reached" by comparing the scenarios. The change's date, source and
// what is UNCONFIRMED about it are the forecast's (forecast/changes.go);
// the IDs are the same.
type Future struct {
	ID      string
	Summary string // what the simulator does differently, one line
	Apply   func(*Scenario)
}

// Futures returns the changes the simulator can play, in a stable order.
// Changes that alter only the world around the endpoint (which names
// resolve, which roots a device trusts) are not here: the forecast plays
// those in its DNS and trust (forecast/world.go).
func Futures() []Future {
	return []Future{
		{ID: "basic-auth-default-off",
			Summary: "basic auth disabled by default (end of December 2026): AUTH LOGIN refused with 535 5.7.139 basic authentication is disabled (the reply devices will get is UNCONFIRMED)",
			Apply:   basicAuthDefaultOff},
		{ID: "basic-auth-removed",
			Summary: "basic auth removed for client submission (date announced in H2 2027): AUTH LOGIN refused with the announced 550 5.7.30",
			Apply:   basicAuthRemoved},
		{ID: "hve-basic-auth-removed",
			Summary: "High Volume Email loses basic auth (secondary: September 2028): AUTH LOGIN refused with 535 5.7.139 basic authentication is disabled (reply UNCONFIRMED)",
			Apply:   hveBasicAuthRemoved},
		{ID: "reject-direct-send",
			Summary: "the tenant turns RejectDirectSend on: RCPT from an own-domain sender refused with 550 5.7.68 (stage UNCONFIRMED)",
			Apply:   rejectDirectSend},
		{ID: "mx-microsoft-host",
			Summary: "the tenant MX is under mx.microsoft (domains added after 1 July 2026): front ends named <host>.<zone>.mx.microsoft (banner UNCONFIRMED)",
			Apply:   mxMicrosoftHost},
		{ID: "legacy-tls-removed",
			Summary: "TLS 1.0/1.1 refused where still accepted (smtp-legacy.office365.com; UNCONFIRMED for SMTP): 421 4.7.66 after the handshake",
			Apply:   legacyTLSRemoved},
		{ID: "tls-rsa-suites-removed",
			Summary: "non-ECDHE (TLS_RSA) suites no longer offered (UNCONFIRMED): a device without elliptic-curve key exchange fails the handshake",
			Apply:   func(sc *Scenario) { sc.TLSRSA = false }},
	}
}

// FindFuture returns the future called id.
func FindFuture(id string) (Future, error) {
	all := Futures()
	if i := slices.IndexFunc(all, func(f Future) bool { return f.ID == id }); i >= 0 {
		return all[i], nil
	}
	ids := make([]string, len(all))
	for i, f := range all {
		ids[i] = f.ID
	}
	return Future{}, fmt.Errorf("sim: unknown future %q; valid futures: %s", id, strings.Join(ids, ", "))
}

// basicAuthDefaultOff: "end of December 2026: disabled by default for
// existing tenants" (MS blog 4489835, FACTS.md section 0). The reply a
// device then gets is UNCONFIRMED; the replies documented today for basic
// auth refused by tenant or policy settings are the 535 5.7.139 ones
// (FACTS.md section 3), so the policy one plays it. A tenant that already
// refuses AUTH its own way (SMTP AUTH off) keeps its reply. High Volume
// Email is a separate endpoint that keeps basic auth (secondary).
func basicAuthDefaultOff(sc *Scenario) {
	if sc.submission() && !sc.HVE && sc.AuthBasic == "" {
		sc.AuthBasic = "auth-basic-disabled"
	}
}

// basicAuthRemoved: the final removal, with the reply Microsoft
// announced for it, "550 5.7.30 Basic authentication is not supported for
// Client Submission." (MS blog 4114750; FACTS.md section 0: not seen in
// the wild, date to be announced in the second half of 2027). It replaces
// the default-off refusal, which an administrator could lift; a tenant
// that refuses AUTH altogether keeps its reply.
func basicAuthRemoved(sc *Scenario) {
	if sc.submission() && !sc.HVE && (sc.AuthBasic == "" || sc.AuthBasic == "auth-basic-disabled") {
		sc.AuthBasic = "auth-basic-retired"
	}
}

// hveBasicAuthRemoved: HVE's basic auth is reported to last until
// September 2028 (secondary: Petri; FACTS.md section 0). No reply is
// known for its end; the documented policy refusal plays it, as for
// smtp.office365.com.
func hveBasicAuthRemoved(sc *Scenario) {
	if sc.submission() && sc.HVE && sc.AuthBasic == "" {
		sc.AuthBasic = "auth-basic-disabled"
	}
}

// rejectDirectSend is Set-OrganizationConfig -RejectDirectSend $true (MS
// blog 4408790, opt-in since September 2025): anonymous mail from the
// tenant's own domains to its mailboxes is refused with 550 5.7.68, the
// secondary-sourced text (petri.com), at RCPT (stage UNCONFIRMED). Mail a
// connector attributes to the tenant (relay) is not Direct Send.
func rejectDirectSend(sc *Scenario) {
	if sc.Method == transcript.DirectSend && sc.RcptTenant == "" {
		sc.RcptTenant, sc.TenantSenderOnly = "direct-send-rejected", true
	}
}

// mxMicrosoftHost: accepted domains added after 1 July 2026 get an MX
// under mx.microsoft (MC1048624, FACTS.md section 0); what those front
// ends call themselves is UNCONFIRMED (see Scenario.MXMicrosoft).
func mxMicrosoftHost(sc *Scenario) {
	if !sc.submission() {
		sc.MXMicrosoft = true
	}
}

// legacyTLSRemoved: Microsoft blocks legacy TLS for POP3/IMAP4 in a
// rollout from 1 July to 31 December 2026 (MS blog 4515201, MC1293480);
// SMTP is not mentioned and the fate of smtp-legacy.office365.com is
// UNCONFIRMED (FACTS.md section 0). Played as: an endpoint that still
// accepts TLS 1.0/1.1 answers them as smtp.office365.com does today.
func legacyTLSRemoved(sc *Scenario) {
	if sc.tlsMin() < tls.VersionTLS12 && !sc.RefuseLegacyTLS {
		sc.RefuseLegacyTLS = true
	}
}
