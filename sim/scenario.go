package sim

import (
	"crypto/tls"
	"fmt"
	"slices"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Stall says where a scenario goes silent. A stalled session reads and
// discards whatever the client sends until the client closes, the server
// is closed, or Options.StallLimit passes: never forever.
type Stall int

const (
	NoStall            Stall = iota
	StallBeforeBanner        // accept TCP, never send the banner
	StallAfterBanner         // send the banner, then answer nothing
	StallAfterSTARTTLS       // accept STARTTLS (220), then never take part in the handshake
)

// Scenario is one behaviour of the simulated Microsoft 365 endpoint. The
// behaviour fields name catalog rows (catalog.Catalog IDs); "" means the
// reply a working tenant gives at that point.
type Scenario struct {
	Name    string
	Summary string            // one line for `smtpspec sim --list`
	Method  transcript.Method // which device method it models (submission: smtp.office365.com; otherwise the tenant MX)

	Stall Stall
	// Firewall puts a Cisco ASA with `inspect esmtp` (default map) in the
	// path: masked banner, masked EHLO parameters, STARTTLS refused.
	Firewall bool
	// StripSTARTTLS puts a middlebox in the path that removes STARTTLS
	// from the EHLO list (banner intact) and refuses the command like
	// Firewall does (FACTS.md 7.1).
	StripSTARTTLS bool
	// TLSMin is the lowest TLS version the handshake accepts; 0 means TLS 1.2
	// (FACTS.md 1.1: "TLS version 1.2 and above").
	TLSMin uint16
	// RefuseLegacyTLS answers the first command after a TLS 1.0/1.1
	// handshake with 421 4.7.66 and closes (github.com/zehm/sendEmail/issues/1).
	RefuseLegacyTLS bool

	// AuthBasic answers AUTH LOGIN (and PLAIN when PlainAsBasic) once the
	// credentials are in; AuthOAuth answers AUTH XOAUTH2.
	AuthBasic string
	AuthOAuth string
	// PlainAsBasic answers AUTH PLAIN like LOGIN; otherwise PLAIN (not
	// advertised) gets 504 5.7.4 like every unsupported mechanism.
	PlainAsBasic bool

	// RcptTenant answers recipients in the tenant's accepted domains
	// (contoso.com and its subdomains), RcptExternal all others.
	RcptTenant   string
	RcptExternal string
	// TenantSenderOnly applies RcptTenant only when MAIL FROM is in an
	// accepted domain: RejectDirectSend covers "anonymous messages sent from
	// your own domain" (FACTS.md 1.2).
	TenantSenderOnly bool
	// Data answers the end of DATA; "" is data-queued.
	Data string

	// TenantID, if set, is the tid an XOAUTH2 token must carry
	// (auth.go); tokens from any tenant are accepted otherwise.
	TenantID string
	// OAuthErrorChallenge answers a refused XOAUTH2 token with the SASL
	// XOAUTH2 error continuation first (334 and a base64 JSON status),
	// then 535 5.7.3 after the client's empty response (auth.go).
	OAuthErrorChallenge bool
	// MXMicrosoft is a tenant whose domain was added after 1 July 2026:
	// its MX is under mx.microsoft, not mail.protection.outlook.com
	// (FACTS.md section 0, MC1048624), and the simulator names its front
	// ends there too. How those front ends name themselves in the banner,
	// EHLO and error replies is UNCONFIRMED: no public transcript shows it,
	// so only a scenario marked as such sets this.
	MXMicrosoft bool
	// ClientCert is a relay connector that accepts by certificate: the
	// handshake asks for a client certificate, and one that verifies and
	// names an accepted domain (contoso.com or a host under it, in the
	// subject CN or a DNS SAN) attributes the session to the tenant, so
	// external recipients are accepted (clientcert.go).
	ClientCert bool
	// HVE is Microsoft 365 High Volume Email (smtp.hve.mx.microsoft,
	// smtp-hve.office365.com): a submission endpoint for internal
	// recipients only (FACTS.md section 0), which keeps basic auth after
	// smtp.office365.com loses it (secondary: until September 2028), so
	// the basic-auth futures leave it alone (future.go).
	HVE bool
	// TLSRSA also offers the non-ECDHE suites of Microsoft's published
	// list (TLS_RSA_WITH_AES_256/128_GCM, FACTS.md 1.1), for a device
	// without elliptic-curve key exchange. Whether Exchange Online still
	// offers them on SMTP is UNCONFIRMED (FACTS.md section 0 and 8), so
	// no named scenario sets it; the forecast's today does (today.go).
	TLSRSA bool
}

// submission reports whether the scenario models smtp.office365.com.
func (sc *Scenario) submission() bool { return sc.Method == transcript.Submission }

// tlsMin is the TLS floor of the scenario.
func (sc *Scenario) tlsMin() uint16 {
	if sc.TLSMin == 0 {
		return tls.VersionTLS12
	}
	return sc.TLSMin
}

// Validate checks that every catalog row the scenario names exists, so a
// typo fails when the server is built, not in the middle of a session.
func (sc *Scenario) Validate() error {
	if sc.Name == "" {
		return fmt.Errorf("sim: scenario without a name")
	}
	if !slices.Contains(transcript.Methods, sc.Method) {
		return fmt.Errorf("sim: scenario %s: unknown method %q", sc.Name, sc.Method)
	}
	for field, id := range map[string]string{
		"AuthBasic": sc.AuthBasic, "AuthOAuth": sc.AuthOAuth,
		"RcptTenant": sc.RcptTenant, "RcptExternal": sc.RcptExternal, "Data": sc.Data,
	} {
		if id != "" && catalog.Lookup(id) == nil {
			return fmt.Errorf("sim: scenario %s: %s names catalog row %q, which does not exist", sc.Name, field, id)
		}
	}
	return nil
}
