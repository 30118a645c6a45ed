package forecast

import (
	"crypto/tls"
	"fmt"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// The migrations a Change lists as its fixes (Change.fixes), by id.
const (
	fixXOAUTH2       = "xoauth2"
	fixHVE           = "high-volume-email"
	fixRelayCert     = "relay-connector-certificate"
	fixRelayIP       = "relay-connector-ip"
	fixDirectSend    = "direct-send"
	fixOnPremRelay   = "on-premises-relay"
	fixACS           = "azure-communication-services"
	fixPartner       = "partner-connector"
	fixFollowMX      = "follow-mx"
	fixFirmwareTLS   = "firmware-tls12"
	fixFirmwareECDHE = "firmware-ecdhe"
	fixTrustG2       = "trust-digicert-g2"
	fixHVENewName    = "hve-new-endpoint"
)

// migration is one way to move a device off what a change breaks.
type migration struct {
	title string
	// fits says the device and the site can take this path at all.
	fits func(p *profile, c *Change) bool
	// rewrite is the site after the migration, for the simulator to play;
	// nil when it cannot (the path leaves Microsoft 365's endpoints).
	rewrite func(p *profile, c *Change) *specs.Site
	// facts, if set, is what the migration makes true of the device.
	facts func(Facts) Facts
	// text is the advice, with the settings to change.
	text func(p *profile, c *Change) string
}

var migrations = map[string]migration{
	fixXOAUTH2: {title: "OAuth (XOAUTH2)",
		fits: func(p *profile, _ *Change) bool {
			return p.supports(transcript.MechXOAuth2) && p.site.Client.Greeting != specs.GreetingHELO
		},
		rewrite: func(p *profile, c *Change) *specs.Site {
			host := "smtp.office365.com"
			if changeID(c) == "hve-basic-auth-removed" {
				host = p.host // OAuth on High Volume Email itself
			}
			return submission(p, host, transcript.MechXOAuth2)
		},
		text: func(p *profile, c *Change) string {
			where := "smtp.office365.com"
			if changeID(c) == "hve-basic-auth-removed" {
				where = p.host + " (add the app to the HVE account's Allowed Apps: Add-HVEAppAccess, at most 10 apps)"
			}
			return "move the device to OAuth 2.0 (XOAUTH2) on " + where + ": " + diagnosis.XOAUTH2AppSetup +
				"; on the device choose OAuth for SMTP with the app's tenant and client id; in the spec, " +
				"auth { mechanism = \"XOAUTH2\" oauth { tenant_id, client_id, client_secret = env(...) } } proves it before the switch"
		}},
	fixHVE: {title: "High Volume Email",
		fits: func(p *profile, _ *Change) bool {
			return p.internal && p.site.Client.Greeting != specs.GreetingHELO && (p.can(transcript.MechLogin) || p.can(transcript.MechXOAuth2))
		},
		rewrite: func(p *profile, _ *Change) *specs.Site {
			mech := transcript.MechLogin
			if p.can(transcript.MechXOAuth2) && (!p.can(transcript.MechLogin) || p.site.Auth != nil && p.site.Auth.Mechanism == transcript.MechXOAuth2) {
				mech = transcript.MechXOAuth2
			}
			return submission(p, catalog.HVEHost, mech)
		},
		text: func(p *profile, _ *Change) string {
			return "send through Microsoft 365 High Volume Email, for internal recipients only: create an HVE account " +
				"(Exchange admin center > Mail flow > High volume email) and set up its billing (required since 1 June 2026, " +
				"or delivery stops); point the device at " + catalog.HVEHost + " port 587 with STARTTLS and the HVE account's " +
				"address and password (HVE keeps basic auth until September 2028, a secondary source says), or OAuth with the " +
				"app on the account's Allowed Apps list (Add-HVEAppAccess)"
		}},
	fixRelayCert: {title: "relay connector by certificate",
		fits: func(p *profile, _ *Change) bool { return len(p.site.Client.Certificate) > 0 && p.canTLS12() },
		rewrite: func(p *profile, c *Change) *specs.Site {
			return relay(p, transcript.Relay, transcript.StartTLS)
		},
		text: func(p *profile, _ *Change) string {
			return fmt.Sprintf("relay through an inbound connector that accepts the device by its TLS client certificate "+
				"(Exchange admin center > Mail flow > Connectors: from Your organization's email server to Office 365, "+
				"identified by a certificate whose subject or SAN is an accepted domain such as %s); point the device at %s, "+
				"port 25 with STARTTLS and no SMTP AUTH; it reaches external recipients too", p.tenant, mxAdvice(p))
		}},
	fixRelayIP: {title: "relay connector by static IP",
		fits: func(*profile, *Change) bool { return true },
		rewrite: func(p *profile, c *Change) *specs.Site {
			s := relay(p, transcript.Relay, relayTLS(p, c))
			s.Client.Certificate, s.Client.Key = nil, specs.Secret{}
			return s
		},
		text: func(p *profile, c *Change) string {
			return fmt.Sprintf("relay through an inbound connector that accepts the site's static public IP (Exchange admin "+
				"center > Mail flow > Connectors: from Your organization's email server to Office 365; the IP must be static "+
				"and not shared); point the device at %s, port 25%s with no SMTP AUTH; it reaches external recipients too",
				mxAdvice(p), tlsAdvice(p, c))
		}},
	fixACS: {title: "Azure Communication Services Email",
		fits: func(p *profile, _ *Change) bool { return p.can(transcript.MechLogin) && p.canTLS12() },
		text: func(*profile, *Change) string {
			return "send through Azure Communication Services Email: smtp.azurecomm.net port 587 with STARTTLS and AUTH LOGIN, " +
				"the username an SMTP username resource of the Communication Services resource (tied to an Entra ID app with " +
				"access to it), the password that app's client secret, the sender's domain verified in Communication Services; " +
				"it is not Exchange Online, so these changes do not reach it (the simulator cannot play it)"
		}},
	fixDirectSend: {title: "Direct Send",
		fits: func(p *profile, c *Change) bool { return p.internal && changeID(c) != "reject-direct-send" },
		rewrite: func(p *profile, c *Change) *specs.Site {
			s := relay(p, transcript.DirectSend, relayTLS(p, c))
			s.Client.Certificate, s.Client.Key = nil, specs.Secret{}
			return s
		},
		text: func(p *profile, c *Change) string {
			return fmt.Sprintf("send by Direct Send to %s, port 25%s without SMTP AUTH: internal recipients only; it stops "+
				"if the tenant turns RejectDirectSend on (unless a partner connector matches the device), and it is subject "+
				"to anti-spam: give the site a static IP and publish it in SPF (v=spf1 ip4:<site IP> "+
				"include:spf.protection.outlook.com ~all)", mxAdvice(p), tlsAdvice(p, c))
		}},
	fixOnPremRelay: {title: "on-premises relay",
		fits: func(*profile, *Change) bool { return true },
		text: func(*profile, *Change) string {
			return "send to an SMTP relay on the site's network (a small Postfix or IIS SMTP server) that takes the " +
				"device's mail as it is and passes it on to Microsoft 365 with OAuth or through a connector"
		}},
	fixPartner: {title: "partner connector",
		fits: func(p *profile, _ *Change) bool { return p.site.Method == transcript.DirectSend },
		text: func(*profile, *Change) string {
			return "exempt the device: create a partner inbound connector (Exchange admin center > Mail flow > Connectors: " +
				"from Partner organization to Office 365) that matches the site's static IP or certificate; senders it " +
				"matches are exempt from RejectDirectSend"
		}},
	fixFollowMX: {title: "follow the domain's MX",
		fits:    func(p *profile, _ *Change) bool { return p.host != "" && p.site.Method != transcript.Submission },
		rewrite: func(p *profile, _ *Change) *specs.Site { return withEndpoint(p, specs.Endpoint{MXDomain: p.tenant}) },
		text: func(p *profile, _ *Change) string {
			return fmt.Sprintf("point the device at the MX Microsoft gives %s (the Microsoft Graph serviceConfigurationRecords "+
				"API; a domain added after 1 July 2026 has it under mx.microsoft), not %s; in the spec, "+
				"endpoint { mx_domain = %q }", p.tenant, p.host, p.tenant)
		}},
	fixFirmwareTLS: {title: "firmware with TLS 1.2",
		fits: func(p *profile, _ *Change) bool { return p.tls && !p.canTLS12() },
		rewrite: func(p *profile, _ *Change) *specs.Site {
			s := clone(p.site)
			s.Client.TLSMin, s.Client.TLSMax = tls.VersionTLS12, tls.VersionTLS13
			return s
		},
		text: func(p *profile, _ *Change) string {
			return "update the device's firmware to one that speaks TLS 1.2 (Microsoft 365 refuses TLS 1.0/1.1 with 421 4.7.66) " +
				"and then send to smtp.office365.com; in the spec, client { tls_min = \"1.2\" }"
		}},
	fixFirmwareECDHE: {title: "firmware with ECDHE",
		fits: func(p *profile, _ *Change) bool { return p.tls }, rewrite: clone0, facts: withFact(FactECDHE, "yes"),
		text: func(*profile, *Change) string {
			return "update the device's firmware to one that offers ECDHE suites (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or " +
				"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, Microsoft's first choices); then tag the site fact:ecdhe=yes"
		}},
	fixTrustG2: {title: "trust DigiCert Global Root G2",
		fits: func(p *profile, _ *Change) bool { return p.verifies }, rewrite: clone0, facts: withFact(FactTrustsG2, "yes"),
		text: func(*profile, *Change) string {
			return "add DigiCert Global Root G2 (SHA-1 thumbprint " + g2Thumbprint + ") and its intermediates to the " +
				"device's trusted certificates (a firmware update or a certificate import); then tag the site fact:trusts-digicert-g2=yes"
		}},
	fixHVENewName: {title: "High Volume Email's new name",
		fits: func(*profile, *Change) bool { return true },
		rewrite: func(p *profile, _ *Change) *specs.Site {
			e := p.site.Endpoint
			e.Host = catalog.HVEHost
			return withEndpoint(p, e)
		},
		text: func(*profile, *Change) string {
			return "point the device at " + catalog.HVEHost + " (port 587, STARTTLS) instead of " + catalog.HVEHostOld
		}},
}

// clone copies a site deeply enough to rewrite its endpoint, client,
// auth and envelope; expectations and the control are dropped (they
// described the old path).
func clone(s *specs.Site) *specs.Site {
	c := *s
	c.Expect = map[transcript.Stage]*checks.Expect{}
	c.Control = nil
	c.Name = s.Name + "+fix"
	if s.Auth != nil {
		a := *s.Auth
		c.Auth = &a
	}
	return &c
}

func clone0(p *profile, _ *Change) *specs.Site { return clone(p.site) }

// submission is the site sending by SMTP AUTH to host as the device can.
func submission(p *profile, host string, mech transcript.Mechanism) *specs.Site {
	s := withEndpoint(p, specs.Endpoint{Host: host})
	s.Method = transcript.Submission
	s.Endpoint.Port = specs.SubmissionPort
	user := p.site.Envelope.From
	if p.site.Auth != nil && p.site.Auth.Username != "" {
		user = p.site.Auth.Username
	}
	a := &specs.Auth{Mechanism: mech, Username: user}
	if mech == transcript.MechXOAuth2 {
		a.Token = specs.NewSecret("", "standin-token") // prepare mints the stand-in
	} else {
		a.Password = specs.NewSecret("", "standin-"+randomHex())
	}
	s.Auth = a
	return s
}

// relay is the site sending anonymously to the tenant MX on port 25:
// to the domain's MX as DNS names it, which is what the advice tells the
// device (mxAdvice), whether the domain is old or new.
func relay(p *profile, m transcript.Method, mode transcript.TLSMode) *specs.Site {
	s := withEndpoint(p, specs.Endpoint{MXDomain: p.tenant, Port: specs.MXPort, TLS: mode})
	s.Method, s.Auth = m, nil
	return s
}

// withEndpoint is the site with endpoint e (TLS STARTTLS unless e says).
func withEndpoint(p *profile, e specs.Endpoint) *specs.Site {
	s := clone(p.site)
	if e.TLS == "" {
		e.TLS = transcript.StartTLS
	}
	if e.Port == 0 {
		e.Port = p.site.Endpoint.Port
	}
	e.InsecureSkipVerify = p.site.Endpoint.InsecureSkipVerify
	s.Endpoint = e
	return s
}

// relayTLS is how a device sends on port 25 after a migration: STARTTLS
// when it can do TLS 1.2 and TLS is not what the change breaks, else
// without TLS, which the MX accepts (FACTS.md 1.2, 1.3: TLS optional).
func relayTLS(p *profile, c *Change) transcript.TLSMode {
	switch changeID(c) {
	case "digicert-global-root-g2", "tls-rsa-suites-removed", "legacy-tls-removed":
		return transcript.NoTLS
	}
	if !p.canTLS12() || p.facts.no(FactTrustsG2) {
		return transcript.NoTLS
	}
	return transcript.StartTLS
}

// changeID is c's id, "" for today.
func changeID(c *Change) string {
	if c == nil {
		return ""
	}
	return c.ID
}

// mxAdvice names the host a device sends port-25 mail to.
func mxAdvice(p *profile) string {
	return fmt.Sprintf("the MX host of %s (%s; for a domain added after 1 July 2026 the one under mx.microsoft that "+
		"Microsoft Graph's serviceConfigurationRecords gives)", p.tenant, mxHost(p.tenant))
}

func tlsAdvice(p *profile, c *Change) string {
	if relayTLS(p, c) == transcript.NoTLS {
		return " with TLS off on the device (the MX takes mail without TLS; the mail then crosses the internet unencrypted)"
	}
	return " with STARTTLS"
}
