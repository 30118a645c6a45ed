package capture

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// anyCredentials says, whenever the device authenticated, that the
// capture's 235 proves nothing (the capture accepts anything).
func anyCredentials(d *device) []Finding {
	if len(d.auths()) == 0 {
		return nil
	}
	return finding("capture-accepts-any", diagnosis.SevInfo,
		"the capture answered AUTH with 235 Authentication successful whatever the device sent, so that it went on to the envelope: the device's success here says nothing about the credentials (the password findings do)",
		"", "")
}

// authBeforeTLS: Microsoft 365 offers AUTH only after STARTTLS and answers
// an AUTH before it with 504 5.7.4 (catalog row
// auth-mechanism-unsupported; srcAuthAfterTLS: enough_mail #106,
// mattermost #954).
func authBeforeTLS(d *device) []Finding {
	for _, a := range d.auths() {
		if a.BeforeTLS && d.opts.Persona == Submission && d.opts.TLSMode != transcript.NoTLS {
			return finding("auth-before-tls", diagnosis.SevError,
				"the device sent AUTH "+string(a.Mechanism)+" before STARTTLS, in plain text: Microsoft 365 offers AUTH only after TLS and answers this with 504 5.7.4 Unrecognized authentication type",
				"set the device to STARTTLS (TLS 1.2) so that it authenticates inside TLS", learnMFP)
		}
	}
	return nil
}

// authMechanism: a mechanism smtp.office365.com does not offer (it offers
// LOGIN and XOAUTH2: FACTS.md 1.1; PLAIN and CRAM-MD5 get 504 5.7.4).
func authMechanism(d *device) []Finding {
	for _, a := range d.auths() {
		if d.opts.Persona == Submission && a.Mechanism != transcript.MechLogin && a.Mechanism != transcript.MechXOAuth2 {
			row := catalog.Lookup("auth-mechanism-unsupported")
			return finding("auth-mechanism", diagnosis.SevError,
				fmt.Sprintf("the device authenticates with AUTH %s although the server offered LOGIN and XOAUTH2: Microsoft 365 answers it with 504 5.7.4 Unrecognized authentication type (PLAIN is not confirmed to work)", a.Mechanism),
				row.Next, learnMFP)
		}
	}
	return nil
}

// noAuth: a submission device that sends mail without AUTH (config rule
// submission-without-auth: 530 5.7.57).
func noAuth(d *device) []Finding {
	if d.opts.Persona != Submission || len(d.auths()) > 0 || len(d.transactions()) == 0 {
		return nil
	}
	return misfit(d, "submission-without-auth", diagnosis.SevError, learnFixIssues)
}

// authOnMX: AUTH to the tenant MX, which offers none (FACTS.md 2.2;
// config rule auth-with-direct-send).
func authOnMX(d *device) []Finding {
	if d.opts.Persona != MX || len(d.auths()) == 0 {
		return nil
	}
	return misfit(d, "auth-with-direct-send", diagnosis.SevWarning, learnMFP)
}

// usernameFormatRule: Microsoft 365 signs in with the full UPN (FACTS.md
// 8; catalog row auth-bad-credentials).
func usernameFormatRule(d *device) []Finding {
	for _, a := range d.auths() {
		if a.UsernameIsPassword {
			return finding("username-is-password", diagnosis.SevError,
				"the device sends the mailbox password (the one in $"+d.opts.ExpectedEnv+") as the username: the username and password fields are swapped on the device (the username is not shown here)",
				"put the mailbox's full address (UPN) in the device's username field and the password in its password field", learnSMTPAuth)
		}
		var what string
		switch a.UsernameFormat {
		case UsernameDownLevel:
			what = "in the Windows domain form (DOMAIN\\user)"
		case UsernameBare:
			what = "as a bare name without a domain"
		case UsernameEmpty:
			what = "empty"
		case UsernameOdd:
			what = "in a form that is not one address (spaces, or no domain)"
		default:
			continue
		}
		return finding("username-not-upn", diagnosis.SevError,
			fmt.Sprintf("the device sends the username \"%s\" %s: Microsoft 365 signs SMTP AUTH in with the mailbox's full user principal name (user@domain) and refuses the rest with 535 5.7.139 or 535 5.7.3", a.Username, what),
			"enter the mailbox's full sign-in address (its UPN, e.g. scanner@contoso.com) as the device's SMTP username", learnSMTPAuth)
	}
	return nil
}

// passwordMatch: --expect-password-env compared (constant time).
func passwordMatch(d *device) []Finding {
	for _, a := range d.auths() {
		p := a.Password
		switch {
		case p == nil || p.Match == "":
		case p.Match == MatchYes:
			return finding("password-matches", diagnosis.SevInfo,
				"the password the device sends equals the one in $"+d.opts.ExpectedEnv, "", "")
		default:
			why := strings.TrimPrefix(strings.TrimPrefix(p.Match, MatchNo), ": ")
			text := "the password the device sends is not the one in $" + d.opts.ExpectedEnv
			if why != "" {
				text += ": " + why
			}
			return finding("password-mismatch", diagnosis.SevError,
				text+"; Microsoft 365 would answer 535 5.7.139 Authentication unsuccessful, the user credentials were incorrect, and repeated failures get the mailbox throttled",
				"re-enter the password on the device (type it, do not paste it); if the device changes special characters or cuts it short, set a password without them and within its length limit", learnSMTPAuth)
		}
	}
	return nil
}

// passwordRisk: properties printers are known to get wrong (FACTS.md 8:
// older MFPs mishandle special characters).
func passwordRisk(d *device) []Finding {
	for _, a := range d.auths() {
		p := a.Password
		if p == nil || p.DigestOnly {
			continue
		}
		var risks []string
		if p.Length == 0 {
			risks = append(risks, "it is empty")
		}
		if p.LeadingSpace || p.TrailingSpace {
			risks = append(risks, "it starts or ends with whitespace")
		}
		if p.NotUTF8 {
			risks = append(risks, "it is not UTF-8 (a device code page)")
		} else if p.NonLatin1 {
			risks = append(risks, "it has characters outside Latin-1")
		} else if p.NonASCII {
			risks = append(risks, "it has non-ASCII characters")
		}
		if p.Control {
			risks = append(risks, "it has control characters")
		}
		if len(p.MangleProne) > 0 {
			risks = append(risks, "it has characters printers are known to mangle ("+strings.Join(p.MangleProne, " ")+")")
		}
		if len(risks) == 0 {
			continue
		}
		return finding("password-risk", diagnosis.SevWarning,
			fmt.Sprintf("the password the device sends (%d characters) may not be what the mailbox has: %s", p.Length, strings.Join(risks, "; ")),
			"if AUTH fails with 535, set a mailbox password of letters and digits only (long, not short) and enter it on the device again; check it here with --expect-password-env", learnSMTPAuth)
	}
	return nil
}

// basicAuth: a password to Exchange Online, although XOAUTH2 was offered:
// basic auth for SMTP AUTH becomes disabled by default for existing
// tenants at the end of December 2026 (diagnosis.BasicAuthRetirement,
// FACTS.md 0 and 4.1, MS blog 4489835).
func basicAuth(d *device) []Finding {
	if d.opts.Persona != Submission {
		return nil
	}
	for _, a := range d.auths() {
		if a.Mechanism == transcript.MechXOAuth2 || a.Outcome == "" || strings.HasPrefix(a.Outcome, "refused with 504") {
			continue
		}
		return finding(diagnosis.BasicAuthRetirement, diagnosis.SevWarning,
			"the device authenticates with a password (AUTH "+string(a.Mechanism)+") and did not choose XOAUTH2, which the server offered: SMTP AUTH basic authentication becomes disabled by default for existing tenants at the end of December 2026, and this device stops sending then",
			"check the device's settings and firmware for OAuth 2.0 (Microsoft 365 / Modern authentication); otherwise "+diagnosis.BasicAuthFix, learnRetire)
	}
	return nil
}

// tokenClaims: the XOAUTH2 token self-check (diagnosis.TokenFindings,
// FACTS.md 4.2).
func tokenClaims(d *device) []Finding {
	var out []Finding
	for _, a := range d.auths() {
		if a.TokenError != "" {
			out = append(out, finding("token-unreadable", diagnosis.SevWarning,
				"the XOAUTH2 token the device sent could not be read ("+a.TokenError+"), so its claims were not checked",
				"Exchange Online takes an Entra ID access token (a JWT for https://outlook.office365.com); check the device's OAuth setup", learnOAuth)...)
		}
		if a.Token == nil || a.TokenError != "" {
			continue
		}
		for _, f := range diagnosis.TokenFindings(a.Token, a.Username) {
			out = append(out, Finding{Finding: f, LearnMore: learnOAuth})
		}
	}
	return out
}
