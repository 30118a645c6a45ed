package forecast

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/diagnosis"
)

// expect is what an expert reading FACTS.md section 0 says one site meets
// at one change: the outcome, for a break the verdict's category and reply
// (enhanced code, or the stage when there is no reply), and the fix.
type expect struct {
	outcome Outcome
	verdict string // "category enhanced" or "category@stage"; "" not checked
	fix     string // the migration path; "" not checked
	why     string
}

// expertCase is one site of testdata/fleet: today, and the changes that
// do something to it (every other change: survives, or, for a site
// broken today, breaks with already_broken).
type expertCase struct {
	site    string
	today   string // "works", or the verdict as in expect.verdict
	changes map[string]expect
	why     string
}

// g2Unknown: every device that checks certificates may or may not trust
// DigiCert Global Root G2 (MC1224565): only the site can say.
var g2Unknown = expect{Unknown, "tls@tls", fixTrustG2, "MC1224565: the device must trust DigiCert Global Root G2; the spec does not say it does"}

var expertCases = []expertCase{
	{site: "contoso-hq-login", today: "works", why: "LOGIN to smtp.office365.com works until basic auth goes (MS blog 4489835)",
		changes: map[string]expect{
			"basic-auth-default-off":  {Breaks, "auth 5.7.139", fixRelayIP, "disabled by default at the end of December 2026; the device lists LOGIN only and sends to an external recipient, so neither OAuth nor HVE fits: a relay connector does"},
			"basic-auth-removed":      {Breaks, "auth 5.7.30", fixRelayIP, "the final removal, with the announced 550 5.7.30"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "contoso-hr-login-oauth-capable", today: "works", why: "the device lists XOAUTH2: the migration is OAuth",
		changes: map[string]expect{
			"basic-auth-default-off":  {Breaks, "auth 5.7.139", fixXOAUTH2, "XOAUTH2 when client.auth_mechanisms includes it"},
			"basic-auth-removed":      {Breaks, "auth 5.7.30", fixXOAUTH2, "same"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "contoso-lab-plain", today: "auth 5.7.4", why: "Microsoft 365 offers LOGIN and XOAUTH2; PLAIN gets 504 5.7.4 (MS employee, mattermost#954); a PLAIN-only device to internal recipients cannot use HVE (LOGIN or XOAUTH2): relay",
		changes: map[string]expect{
			"basic-auth-default-off": {Breaks, "auth 5.7.4", fixRelayIP, "broken already; the relay works today and after"},
		}},
	{site: "contoso-plain-accepted", today: "works", why: "fact:plain-accepted=yes: the tenant takes PLAIN as basic auth, so it ends with basic auth",
		changes: map[string]expect{
			"basic-auth-default-off":  {Breaks, "auth 5.7.139", fixRelayIP, "PLAIN is basic auth"},
			"basic-auth-removed":      {Breaks, "auth 5.7.30", fixRelayIP, "same"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "contoso-token-xoauth2", today: "works", why: "OAuth is what Microsoft supports after basic auth (MS blog 4489835)",
		changes: map[string]expect{"digicert-global-root-g2": g2Unknown}},
	{site: "contoso-app-xoauth2", today: "works", why: "client credentials with SMTP.SendAsApp: unaffected by the basic-auth changes",
		changes: map[string]expect{"digicert-global-root-g2": g2Unknown}},
	{site: "contoso-copier-tls10", today: "tls 4.7.66", why: "smtp.office365.com refuses TLS 1.0/1.1 with 421 4.7.66 today (zehm/sendEmail#1); firmware with TLS 1.2, then HVE for its internal recipient",
		changes: map[string]expect{
			"basic-auth-default-off": {Breaks, "tls 4.7.66", fixFirmwareTLS + "+" + fixHVE, "broken today; after TLS 1.2 firmware a LOGIN device still loses basic auth: HVE (internal recipient)"},
		}},
	{site: "contoso-scanner-helo", today: "config@", why: "a HELO greeting sees no AUTH and no STARTTLS (email-oauth2-proxy#232): not probed, config verdict; only port 25 without TLS suits it",
		changes: map[string]expect{
			"basic-auth-default-off": {Breaks, "config@", fixRelayIP, "broken today; a relay connector takes a device that cannot authenticate"},
		}},
	{site: "contoso-copier-legacy-endpoint", today: "works", why: "smtp-legacy.office365.com takes TLS 1.0/1.1 for a tenant that opted in (MS opt-in legacy TLS page)",
		changes: map[string]expect{
			"basic-auth-default-off":  {Breaks, "auth 5.7.139", fixRelayIP, "the legacy endpoint loses basic auth too (MS blog 4114750); HVE needs TLS 1.2, which this device lacks"},
			"basic-auth-removed":      {Breaks, "auth 5.7.30", fixRelayIP, "same"},
			"legacy-tls-removed":      {Breaks, "tls 4.7.66", fixFirmwareTLS, "UNCONFIRMED for SMTP; played as smtp.office365.com refuses legacy TLS today"},
			"tls-rsa-suites-removed":  {Unknown, "tls@tls", fixFirmwareECDHE, "a TLS 1.0/1.1 device may lack ECDHE; UNCONFIRMED change"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "contoso-no-ecdhe", today: "works", why: "fact:ecdhe=no: works while Microsoft offers TLS_RSA suites (UNCONFIRMED either way)",
		changes: map[string]expect{
			"tls-rsa-suites-removed": {Breaks, "tls@tls", fixFirmwareECDHE, "the Feb 2025 reports (secondary): no ECDHE, no handshake"},
		}},
	{site: "fabrikam-directsend", today: "works", why: "Direct Send from an own-domain sender to the tenant's mailbox",
		changes: map[string]expect{
			"reject-direct-send":      {Breaks, "policy 5.7.68", fixPartner, "RejectDirectSend refuses anonymous own-domain mail (MS blog 4408790); a partner connector exempts the device"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "fabrikam-directsend-vendor-sender", today: "works", why: "the sender's domain is not the tenant's as far as the spec says",
		changes: map[string]expect{
			"reject-direct-send":      {Unknown, "policy 5.7.68", fixPartner, "RejectDirectSend covers the tenant's accepted domains only: whether printvendor.example is one decides"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "fabrikam-directsend-external", today: "policy 5.4.1", why: "Direct Send reaches the tenant's own mailboxes only: an external recipient gets 550 5.4.1 Relay Access Denied (MS MFP article, 5.4.1 NDR page)",
		changes: map[string]expect{
			"reject-direct-send": {Breaks, "policy 5.7.68", fixRelayIP, "broken today; once RejectDirectSend is on the own-domain sender is refused at the first (internal) recipient; a relay connector reaches both"},
		}},
	{site: "fabrikam-directsend-partner", today: "works", why: "fact:partner-connector=yes: exempt from RejectDirectSend",
		changes: map[string]expect{"digicert-global-root-g2": g2Unknown}},
	{site: "fabrikam-helo-directsend", today: "works", why: "Direct Send does not require TLS (MS MFP article); the HELO device is not touched by the certificate change",
		changes: map[string]expect{
			"reject-direct-send": {Breaks, "policy 5.7.68", fixPartner, "own-domain sender"},
		}},
	{site: "fabrikam-relay-ip", today: "works", why: "a connector by IP relays to external recipients",
		changes: map[string]expect{
			"mx-microsoft-host":       {Unknown, "network@resolve", fixFollowMX, "the spec names fabrikam-com.mail.protection.outlook.com: right for a domain added before 1 July 2026, not after (MC1048624)"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "fabrikam-relay-certificate", today: "works", why: "a connector by certificate (CN relay.fabrikam.com, an accepted domain); facts say the device trusts G2 and the domain is old: nothing announced reaches it", changes: map[string]expect{}},
	{site: "fabrikam-new-domain-host", today: "network@resolve", why: "domain added 14 Sep 2026: its MX is under mx.microsoft, the mail.protection name the spec writes is not its host (MC1048624)",
		changes: map[string]expect{
			"mx-microsoft-host":  {Breaks, "network@resolve", fixFollowMX, "follow the MX Graph gives"},
			"reject-direct-send": {Breaks, "network@resolve", fixFollowMX + "+" + fixPartner, "first the MX, then the partner connector"},
		}},
	{site: "fabrikam-new-domain-mx", today: "works", why: "an MX lookup follows Microsoft to mx.microsoft",
		changes: map[string]expect{
			"reject-direct-send":      {Breaks, "policy 5.7.68", fixPartner, "own-domain sender"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "northwind-hve-old-name", today: "works", why: "High Volume Email keeps basic auth after smtp.office365.com (secondary: until September 2028)",
		changes: map[string]expect{
			"hve-basic-auth-removed":  {Breaks, "auth 5.7.139", fixRelayIP, "secondary source's September 2028; LOGIN-only device"},
			"hve-endpoint-renamed":    {Breaks, "network@resolve", fixHVENewName, "smtp-hve.office365.com deprecated for smtp.hve.mx.microsoft (third-party, UNCONFIRMED)"},
			"digicert-global-root-g2": g2Unknown,
		}},
	{site: "northwind-hve", today: "policy 5.5.105", why: "HVE delivers to internal recipients only (FACTS.md section 0; code from digests, text UNCONFIRMED): an external recipient is refused today",
		changes: map[string]expect{
			"basic-auth-default-off": {Breaks, "policy 5.5.105", fixRelayIP, "broken today; a relay reaches external recipients"},
		}},
	{site: "northwind-acs", today: "works", why: "Azure Communication Services is not Exchange Online: the changes reach it only through ACS, which the simulator does not play",
		changes: allUnknown()},
	{site: "northwind-onprem-relay", today: "works", why: "an on-premises relay: the changes reach the device only through the relay",
		changes: allUnknown()},
	{site: "northwind-untrusting", today: "tls@tls", why: "fact:trusts-digicert-g2=no: Exchange Online chains to G2 since March 2026, so the device fails today; trust G2, then HVE for basic auth",
		changes: map[string]expect{
			"digicert-global-root-g2": {Breaks, "tls@tls", fixTrustG2, "the change in effect"},
			"basic-auth-default-off":  {Breaks, "tls@tls", fixTrustG2 + "+" + fixHVE, "first trust G2, then move off basic auth (internal recipient: HVE)"},
		}},
}

func allUnknown() map[string]expect {
	m := map[string]expect{}
	for _, id := range ChangeIDs() {
		m[id] = expect{Unknown, "", "", "not an Exchange Online endpoint"}
	}
	return m
}

var (
	fleetOnce sync.Once
	fleet     *Forecast
	fleetErr  error
)

// forecastFleet forecasts testdata/fleet once for the tests that read it.
func forecastFleet(t *testing.T) *Forecast {
	t.Helper()
	fleetOnce.Do(func() {
		f, err := New(Options{Roots: []string{"testdata/fleet"}})
		if err != nil {
			fleetErr = err
			return
		}
		defer f.Close()
		sites, diags, _ := f.Load("testdata/fleet")
		if diags.HasErrors() {
			fleetErr = diags
			return
		}
		fleet, fleetErr = f.Run(context.Background(), sites)
	})
	if fleetErr != nil {
		t.Fatal(fleetErr)
	}
	return fleet
}

// TestExpertTable: the fleet against what an expert reading FACTS.md
// section 0 says each site meets (expertCases, the reason on every row).
func TestExpertTable(t *testing.T) {
	fc := forecastFleet(t)
	bySite := map[string]*SiteForecast{}
	for _, s := range fc.Sites {
		bySite[s.Name] = s
	}
	for _, ec := range expertCases {
		s := bySite[ec.site]
		if s == nil {
			t.Errorf("%s: not in the fleet", ec.site)
			continue
		}
		delete(bySite, ec.site)
		works := ec.today == "works"
		if s.Today.Works() != works || !works && !verdictIs(s.Today.Verdict, ec.today) {
			t.Errorf("%s today: got %s, want %s (%s)", ec.site, s.Today.Verdict.Line(), ec.today, ec.why)
		}
		for _, c := range s.Cells {
			want, named := ec.changes[c.Change.ID]
			switch {
			case !named && works:
				want = expect{outcome: Survives}
			case !named:
				want = expect{outcome: Breaks}
			}
			checkCell(t, ec.site, c, want, !works)
		}
	}
	var missing []string
	for name := range bySite {
		missing = append(missing, name)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("sites without an expert row: %v", missing)
	}
}

func checkCell(t *testing.T, site string, c *Cell, want expect, brokenToday bool) {
	t.Helper()
	where := site + " at " + c.Change.ID
	if c.Outcome != want.outcome {
		t.Errorf("%s: outcome %s, want %s (%s); verdict %v, needs %q", where, c.Outcome, want.outcome, want.why, verdictOf(c), c.Needs)
		return
	}
	if c.Outcome == Breaks && c.Already != brokenToday {
		t.Errorf("%s: already_broken %v, want %v", where, c.Already, brokenToday)
	}
	if c.Outcome == Unknown && c.Needs == "" {
		t.Errorf("%s: unknown without saying what would decide it", where)
	}
	if want.verdict != "" && (c.Verdict == nil || !verdictIs(*c.Verdict, want.verdict)) {
		t.Errorf("%s: verdict %v, want %s (%s)", where, verdictOf(c), want.verdict, want.why)
	}
	if c.Outcome != Survives && c.Verdict != nil && c.Fix == nil {
		t.Errorf("%s: %s without a fix", where, c.Outcome)
	}
	if want.fix != "" && (c.Fix == nil || c.Fix.Path != want.fix) {
		got := "none"
		if c.Fix != nil {
			got = c.Fix.Path
		}
		t.Errorf("%s: fix %s, want %s (%s)", where, got, want.fix, want.why)
	}
}

// verdictIs matches "category enhanced", "category@stage" or "category@".
func verdictIs(v diagnosis.Verdict, want string) bool {
	if cat, stage, ok := strings.Cut(want, "@"); ok {
		return string(v.Category) == cat && (stage == "" || string(v.Stage) == stage)
	}
	cat, enh, _ := strings.Cut(want, " ")
	return string(v.Category) == cat && v.Enhanced == enh
}

func verdictOf(c *Cell) string {
	if c.Verdict == nil {
		return "none"
	}
	return c.Verdict.Line()
}
