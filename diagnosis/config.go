package diagnosis

import (
	"net"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Setup is how a device is configured, as far as the method check needs
// it: the spec's method, endpoint and whether it authenticates.
type Setup struct {
	Method   transcript.Method
	Host     string // endpoint host; "" with MXDomain
	MXDomain string
	Port     int
	TLS      transcript.TLSMode
	Auth     bool
	HELO     bool // client.greeting = "HELO": no extensions, so no STARTTLS or AUTH
}

// Setup is the method check's view of an input.
func (in Input) Setup() Setup {
	return Setup{Method: in.Plan.Method, Host: in.Host, MXDomain: in.MXDomain, Port: in.Port,
		TLS: in.Plan.TLS, Auth: in.Plan.Auth, HELO: in.Plan.HELO}
}

// Misfit is one contradiction between a device's method and its endpoint
// or credentials, found before anything is probed. Field names the spec
// attribute to change ("method", "endpoint.host", "endpoint.port",
// "endpoint.tls", "auth", "client.greeting").
type Misfit struct {
	ID      string
	Field   string
	Finding string
	Next    string
	Source  string
}

// configRule is one row of the method check.
type configRule struct {
	id, field string
	when      func(Setup) bool
	finding   string
	next      string
	src       string
}

// configRules: the three methods of FACTS.md section 1 and what each
// needs from a Microsoft 365 endpoint.
var configRules = []configRule{
	{id: "auth-with-direct-send", field: "auth", when: func(s Setup) bool { return s.Method == transcript.DirectSend && s.Auth },
		finding: "Direct Send is anonymous, but the site authenticates: the tenant's MX offers no AUTH, so credentials configured for Direct Send are never used (and a device that insists on AUTH fails)",
		next:    "remove the credentials for Direct Send, or use method \"submission\" with smtp.office365.com:587 and SMTP AUTH",
		src:     catalog.SrcMFP},
	{id: "auth-with-relay", field: "auth", when: func(s Setup) bool { return s.Method == transcript.Relay && s.Auth },
		finding: "a connector relay is attributed by the site's static IP or certificate, not by AUTH: the tenant's MX offers no AUTH",
		next:    "remove the credentials and check the inbound connector's IP or certificate, or use method \"submission\" with smtp.office365.com:587",
		src:     catalog.SrcMFP},
	{id: "submission-without-auth", field: "method", when: func(s Setup) bool { return s.Method == transcript.Submission && !s.Auth },
		finding: "SMTP AUTH submission needs credentials, but the site has no auth block: smtp.office365.com refuses anonymous MAIL FROM with 530 5.7.57",
		next:    "add the mailbox's credentials (auth block: LOGIN or XOAUTH2), or use method \"direct_send\" with the tenant's MX on port 25",
		src:     catalog.SrcFixIssues},
	{id: "helo-with-submission", field: "client.greeting", when: func(s Setup) bool { return s.Method == transcript.Submission && s.HELO },
		finding: heloFinding + ": smtp.office365.com refuses MAIL FROM without them (451 5.7.3 or 530 5.7.57)",
		next:    heloNext,
		src:     srcHELO},
	{id: "submission-endpoint-for-direct-send", field: "endpoint.host",
		when:    func(s Setup) bool { return s.Method != transcript.Submission && submissionHost(s.Host) },
		finding: "Direct Send and connector relay go to the tenant's MX (<tenant>.mail.protection.outlook.com), not to the submission endpoint: smtp.office365.com refuses anonymous mail with 5.7.57",
		next:    "set endpoint.mx_domain to the tenant's domain (or host to its MX host) on port 25, or use method \"submission\" with credentials",
		src:     catalog.SrcFixIssues},
	{id: "mx-endpoint-for-submission", field: "endpoint.host",
		when: func(s Setup) bool {
			return s.Method == transcript.Submission && (tenantMXHost(s.Host) || s.MXDomain != "")
		},
		finding: "SMTP AUTH submission goes to smtp.office365.com:587; the tenant's MX offers no AUTH",
		next:    "set endpoint.host = \"smtp.office365.com\" (port 587), or use method \"direct_send\" for the MX",
		src:     catalog.SrcMFP},
	{id: "port-465", field: "endpoint.port",
		when:    func(s Setup) bool { return s.Port == 465 },
		finding: "port 465 (implicit TLS) is not offered by Microsoft 365: a device that needs port 465 does not support SMTP AUTH client submission",
		next:    "set the device to port 587 with STARTTLS; a device that only offers 465 must use Direct Send or a relay connector on port 25",
		src:     catalog.SrcMFP + "; " + srcImplicit},
	{id: "implicit-tls", field: "endpoint.tls",
		when:    func(s Setup) bool { return s.TLS == transcript.Implicit && s.Port != 465 },
		finding: "Microsoft 365 offers STARTTLS only, never implicit TLS: the handshake fails with \"first record does not look like a TLS handshake\"",
		next:    "set the device's security to STARTTLS (endpoint.tls = \"starttls\")",
		src:     srcImplicit},
	{id: "mx-port", field: "endpoint.port",
		when: func(s Setup) bool {
			return s.Method != transcript.Submission && (tenantMXHost(s.Host) || s.MXDomain != "") && s.Port != 25
		},
		finding: "the tenant's MX takes Direct Send and connector relay on port 25 only",
		next:    "set endpoint.port = 25 (or leave it out)",
		src:     catalog.SrcMFP},
	{id: "ip-address", field: "endpoint.host", when: func(s Setup) bool { return publicIP(s.Host) },
		finding: "the endpoint is an IP address: Microsoft 365 does not support IP addresses in place of smtp.office365.com or the MX host name (the addresses change, and the certificate names the host)",
		next:    "use the DNS name: smtp.office365.com for submission, the tenant's MX host (<tenant>.mail.protection.outlook.com) for Direct Send and relay",
		src:     catalog.SrcMFP + "; " + catalog.SrcFixIssues},
}

// Misfits returns every contradiction of s, in the order of configRules.
// Only a Microsoft 365 endpoint (by name, MX domain or public address) is
// judged: another server (an on-premises relay, a test MTA, the simulator
// on loopback) may accept what Microsoft refuses.
func Misfits(s Setup) []Misfit {
	if !microsoftEndpoint(s) {
		return nil
	}
	var out []Misfit
	for _, r := range configRules {
		if r.when(s) {
			out = append(out, Misfit{ID: r.id, Field: r.field, Finding: r.finding, Next: r.next, Source: r.src})
		}
	}
	return out
}

// ConfigVerdict is the verdict for a site whose setup contradicts its
// method: category config, checklist step 1 (identify the method), no
// stage (nothing was probed), the setup itself as evidence.
func ConfigVerdict(s Setup, ms []Misfit) Verdict {
	if len(ms) == 0 {
		return Verdict{}
	}
	var findings []string
	for _, m := range ms {
		findings = append(findings, m.Finding)
	}
	v := Verdict{
		Category: catalog.Config,
		Step:     1,
		Finding:  strings.Join(findings, "; ") + " (not probed)",
		Next:     ms[0].Next,
		Evidence: describeSetup(s),
		Rule:     "config:" + ms[0].ID,
		Source:   ms[0].Source,
	}
	return v
}

// describeSetup words the setup as the evidence of a config verdict.
func describeSetup(s Setup) string {
	where := s.Host
	if where == "" {
		where = "MX of " + s.MXDomain
	}
	auth := "no auth"
	if s.Auth {
		auth = "auth"
	}
	return "spec: method " + string(s.Method) + ", endpoint " + where + " port " + strconv.Itoa(s.Port) +
		", tls " + string(s.TLS) + ", " + auth
}

// submissionHost: smtp.office365.com and its variants (legacy TLS, HVE).
func submissionHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	return h == "smtp.office365.com" || h == "smtp-legacy.office365.com" || h == "smtp-hve.office365.com" || h == catalog.HVEHost
}

// tenantMXHost: a tenant MX, <tenant>.mail.protection.outlook.com or,
// for domains added after 1 July 2026, a host under mx.microsoft.
func tenantMXHost(host string) bool { return catalog.MicrosoftMX(host) }

// microsoftEndpoint: the spec names a Microsoft 365 endpoint.
func microsoftEndpoint(s Setup) bool {
	return catalog.MicrosoftHost(s.Host) || s.MXDomain != "" || publicIP(s.Host)
}

// publicIP reports an IP literal on the public internet. Loopback and
// private addresses are a local relay or a simulator, not Microsoft 365.
func publicIP(host string) bool {
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip == nil {
		return false
	}
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())
}

// WithMisfits notes, in a probed site's verdict, that its setup
// contradicts its method (a spec that documents a misconfigured device).
func WithMisfits(v Verdict, ms []Misfit) Verdict {
	var ns []string
	for _, m := range ms {
		ns = append(ns, "the spec's setup contradicts its method: "+m.Finding)
	}
	return withNotes(v, ns)
}
