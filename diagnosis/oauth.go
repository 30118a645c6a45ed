package diagnosis

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Finding is a fact about a site's credentials or endpoint that every
// report shows, whatever the verdict: what Exchange Online will object to
// in an OAuth token, a password that stops working at the end of 2026, a
// client certificate about to expire. Fix is the Entra ID or Exchange
// Online step that resolves it.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Text     string   `json:"text"`
	Fix      string   `json:"fix,omitempty"`
}

// Severity ranks a finding.
type Severity string

const (
	// SevError: the path fails, or will, because of it.
	SevError Severity = "error"
	// SevWarning: likely trouble, or trouble on a known date.
	SevWarning Severity = "warning"
	// SevInfo: a fact worth recording (the certificate presented).
	SevInfo Severity = "info"
)

// Credentials is what the diagnosis knows about how a site authenticates.
type Credentials struct {
	Mechanism   transcript.Mechanism // LOGIN, PLAIN, XOAUTH2; "" without an auth block
	Username    string               // the user= of XOAUTH2, the LOGIN user
	TenantID    string               // auth.oauth.tenant_id: the tenant the token must come from
	ClientCert  bool                 // client.certificate is set
	CertDaysMin int                  // expect "tls" cert_days_min, 0 when unset
}

// Findings returns the facts about a site's credentials and endpoint
// that hold whatever the verdict: the token self-check, the basic-auth
// retirement, what the endpoint is, the client certificate. Diagnose adds
// them to its verdict; a site whose probe was interrupted carries them
// without one.
func Findings(t *transcript.Transcript, in Input) []Finding {
	fs := tokenFindings(t.OAuth, in.Creds)
	fs = append(fs, basicAuthFindings(t, in)...)
	fs = append(fs, endpointFindings(in)...)
	return append(fs, clientCertFindings(t, in.Creds)...)
}

// withFindings adds the findings of t to v and, when the site's
// authentication failed, lets the decisive token finding explain it: a
// 535 5.7.3 says only "unsuccessful", the token's claims say why.
func withFindings(v Verdict, t *transcript.Transcript, in Input) Verdict {
	if t == nil {
		return v
	}
	fs := Findings(t, in)
	v.Findings = append(v.Findings, fs...)
	f, failed := t.Failed()
	if !failed || f.Stage != v.Stage {
		return v // passed, or a firewall sign decided the verdict
	}
	if f.Stage == transcript.Auth {
		// An error explains the refusal best; a warning (no role: App
		// RBAC might have made it work) still beats "unsuccessful".
		for _, sev := range []Severity{SevError, SevWarning} {
			for _, fd := range fs {
				if fd.Severity == sev && strings.HasPrefix(fd.ID, "token-") {
					return tokenVerdict(v, f, fd)
				}
			}
		}
	}
	return endpointVerdict(v, f, in)
}

// tokenVerdict rewrites an auth verdict around the token finding that
// explains it; the evidence stays the server's reply (or the token
// endpoint's error).
func tokenVerdict(v Verdict, f transcript.StageResult, fd Finding) Verdict {
	v.Category, v.Step, v.Next = catalog.AuthCat, 9, fd.Fix
	v.Rule = "oauth:" + fd.ID
	v.Source = srcOAuthDoc
	lead := "Exchange Online refused the XOAUTH2 token, and the token self-check says why: "
	if f.Reply == nil {
		lead = ""
	}
	return refind(v, lead+fd.Text)
}

const srcOAuthDoc = "MS: learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth; smtp-app-rbac-onboarding"

// Audiences Exchange Online accepts for SMTP AUTH: the app-only resource
// (https://outlook.office365.com/.default) and the delegated one
// (https://outlook.office.com/SMTP.Send), FACTS.md 4.2. The third is the
// application ID of Office 365 Exchange Online itself: a token whose aud
// is that GUID (as some token requests produce) names the same resource.
var exchangeAudiences = []string{"https://outlook.office365.com", "https://outlook.office.com", exchangeOnlineAppID}

// exchangeOnlineAppID is the application (resource) ID of Office 365
// Exchange Online.
const exchangeOnlineAppID = "00000002-0000-0ff1-ce00-000000000000"

// XOAUTH2AppSetup is what an app needs in Entra ID and Exchange Online to
// send with XOAUTH2 as a mailbox (FACTS.md 4.2): the step a device's move
// to OAuth takes (the forecast's advice names it too).
const XOAUTH2AppSetup = fixAppPermission

const (
	fixAppPermission = "in Entra ID > App registrations > (the app) > API permissions, add Office 365 Exchange Online > Application permissions > SMTP.SendAsApp and grant admin consent; " +
		"then in Exchange Online PowerShell register the service principal (New-ServicePrincipal -AppId <client_id> -ServiceId <object ID of the Enterprise application, not of the app registration>) " +
		"and give it the mailbox (Add-MailboxPermission -Identity <mailbox> -User <service principal> -AccessRights FullAccess); " +
		"or onboard the app with App RBAC (New-ManagementRoleAssignment -Role 'Application SMTP.SendAsApp' -App <client_id> -CustomResourceScope <scope>)"
	fixDelegated = "add the delegated permission SMTP.Send (Office 365 Exchange Online) to the app registration, have the mailbox user consent, and request the token with scope https://outlook.office.com/SMTP.Send offline_access"
	fixAudience  = "request the token for Exchange Online: scope https://outlook.office365.com/.default (app-only, client credentials) or https://outlook.office.com/SMTP.Send (delegated); a Microsoft Graph token (https://graph.microsoft.com) cannot authenticate SMTP"
)

// guidRE is a directory (tenant) id; a tenant_id written as a domain
// cannot be compared with the token's tid.
var guidRE = lazyre.New(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tokenFindings is the token self-check: what commonly makes Exchange
// Online refuse an XOAUTH2 token (FACTS.md 4.2).
func tokenFindings(o *transcript.OAuthInfo, c Credentials) []Finding {
	if o == nil {
		return nil
	}
	if o.Error != "" {
		return []Finding{tokenError(o)}
	}
	var out []Finding
	if !slices.ContainsFunc(o.Audience, isExchangeAudience) {
		out = append(out, Finding{"token-audience", SevError,
			fmt.Sprintf("the token's audience is %s, not https://outlook.office365.com: it was issued for another API", orNone(o.Audience)),
			fixAudience})
	}
	if o.AppOnly() {
		if !slices.Contains(o.Roles, "SMTP.SendAsApp") {
			out = append(out, Finding{"token-role", SevWarning,
				fmt.Sprintf("the app-only token carries no SMTP.SendAsApp role (roles: %s): Exchange Online accepts it only if the app was onboarded with App RBAC", orNone(o.Roles)),
				fixAppPermission})
		}
	} else if !slices.ContainsFunc(o.Scopes, func(s string) bool { return strings.EqualFold(s, "SMTP.Send") }) {
		out = append(out, Finding{"token-scope", SevError,
			fmt.Sprintf("the delegated token carries no SMTP.Send scope (scp: %s)", orNone(o.Scopes)), fixDelegated})
	}
	if o.Expires.IsZero() {
		// The simulator refuses such a token as Exchange Online does.
		out = append(out, Finding{"token-no-expiry", SevError,
			"the token has no expiry (exp) claim",
			"request a new access token from the Microsoft identity platform: a token without exp is not an Entra ID access token"})
	} else if !o.Expires.After(o.CheckedAt) {
		out = append(out, Finding{"token-expired", SevError,
			fmt.Sprintf("the token expired at %s, %s before the probe", o.Expires.UTC().Format(time.RFC3339), o.CheckedAt.Sub(o.Expires).Round(time.Second)),
			"get a fresh token (access tokens live about an hour); with oauth { client_id, client_secret } smtpspec requests a new one on every run"})
	}
	if guidRE.MatchString(c.TenantID) && o.TenantID != "" && !strings.EqualFold(o.TenantID, c.TenantID) {
		out = append(out, Finding{"token-tenant", SevError,
			fmt.Sprintf("the token was issued by tenant %s, but the site's tenant_id is %s", o.TenantID, c.TenantID),
			"request the token from the sending tenant's own endpoint (tenant_id = its Directory (tenant) ID, Entra ID > Overview); a multi-tenant app needs admin consent and New-ServicePrincipal in that tenant"})
	}
	if o.User != "" && c.Username != "" && !strings.EqualFold(o.User, c.Username) {
		out = append(out, Finding{"token-user", SevError,
			fmt.Sprintf("XOAUTH2 says user=%s, but the token was issued to %s", c.Username, o.User),
			"get the token by signing in as the sending mailbox (not an admin account); for a shared mailbox, sign in as a user with Full Access to it (Add-MailboxPermission) and keep the shared mailbox in username"})
	}
	return out
}

func isExchangeAudience(aud string) bool {
	return slices.Contains(exchangeAudiences, strings.TrimSuffix(strings.ToLower(aud), "/"))
}

// tokenError explains a token smtpspec could not get or read. Entra ID's
// AADSTS numbers name the cause.
func tokenError(o *transcript.OAuthInfo) Finding {
	if o.Source != "client_credentials" {
		return Finding{"token-opaque", SevWarning, "the token's claims could not be read (" + o.Error + "), so the self-check did not run",
			"give the access token itself (a JWT for https://outlook.office365.com), not a refresh or ID token"}
	}
	fix := "check tenant_id, client_id and the client secret in Entra ID > App registrations, and that this machine reaches the token endpoint"
	for _, r := range aadstsFixes {
		if o.ErrorCode == r.code {
			fix = r.fix
			break
		}
	}
	return Finding{"token-request", SevError, "smtpspec could not get a token: " + o.Error, fix}
}

// aadstsFixes are the token endpoint errors an SMTP app registration
// commonly meets (Entra ID error code reference, learn.microsoft.com/entra/identity-platform/reference-error-codes).
var aadstsFixes = []struct{ code, fix string }{
	{"AADSTS7000215", "use the client secret's Value, not its Secret ID (Entra ID > App registrations > (the app) > Certificates & secrets; the value is shown only once: create a new secret if it is lost)"},
	{"AADSTS7000222", "the client secret has expired: create a new one in Entra ID > App registrations > (the app) > Certificates & secrets and update the CI secret"},
	{"AADSTS700016", "client_id is not an app of this tenant: copy the Application (client) ID from Entra ID > App registrations, and check tenant_id"},
	{"AADSTS90002", "tenant_id does not name a tenant: use the Directory (tenant) ID from Entra ID > Overview, or a verified domain"},
	{"AADSTS1002012", "request scope https://outlook.office365.com/.default (client credentials take only a resource's .default scope)"},
	{"AADSTS500011", "the Office 365 Exchange Online resource is not in the tenant or was misspelt: use scope https://outlook.office365.com/.default"},
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
