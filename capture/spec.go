package capture

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// SpecOptions is what the spec needs beyond the report.
type SpecOptions struct {
	Site        string // the site's name
	PasswordEnv string // the variable auth.password names (LOGIN, PLAIN)
	TokenEnv    string // the variable auth.token names (XOAUTH2)
}

// Spec writes the site spec of the captured device in canonical form
// (hclwrite): the method and endpoint of the persona, a client block
// from what the device did (greeting, TLS range, mechanism, pipelining),
// its credentials by reference and its envelope, so that `smtpspec run`
// probes Microsoft 365 the way the device does. It checks that the spec
// loads before returning it.
func Spec(rep *Report, so SpecOptions) ([]byte, error) {
	d := newDevice(rep, Options{Persona: rep.Persona, TLSMode: rep.TLSMode})
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	comment(root, header(d)...)
	site := root.AppendNewBlock("site", []string{so.Site}).Body()
	site.SetAttributeValue("method", cty.StringVal(string(d.method())))
	site.AppendNewline()
	writeEndpoint(site.AppendNewBlock("endpoint", nil).Body(), d)
	site.AppendNewline()
	writeClient(site.AppendNewBlock("client", nil).Body(), d)
	if a := d.replayAuth(); a != nil {
		site.AppendNewline()
		writeAuth(site.AppendNewBlock("auth", nil).Body(), a, so)
	}
	site.AppendNewline()
	writeEnvelope(site.AppendNewBlock("envelope", nil).Body(), d)
	src := hclwrite.Format(f.Bytes())
	stand := func(string) string { return "stand-in" }
	if _, diags := specs.NewLoader(stand).LoadSource(so.Site+specs.SpecExt, src); diags.HasErrors() {
		return nil, fmt.Errorf("the captured spec does not load (a bug): %v", diags)
	}
	return src, nil
}

// header is the comment above the site: where it came from, and the
// errors and warnings in one line each.
func header(d *device) []string {
	lines := []string{"Written by `smtpspec capture` from what the device did (persona " + string(d.opts.Persona) + ")."}
	if c := d.main; c != nil {
		lines = append(lines, fmt.Sprintf("From connection %d of %d, from %s (%s %s).", c.N, len(d.conns), hostOnly(c.Source), c.Greeting, c.HeloName))
	}
	for _, f := range d.rep.Findings {
		if f.Severity != diagnosis.SevInfo {
			lines = append(lines, string(f.Severity)+" "+f.ID)
		}
	}
	return append(lines, "Secrets are not here: auth names the environment variable that holds them.")
}

func writeEndpoint(b *hclwrite.Body, d *device) {
	s := d.setup()
	if d.opts.Persona == MX {
		b.SetAttributeValue("mx_domain", cty.StringVal(d.mxDomain()))
		if d.mxDomain() == placeholderDomain {
			comment(b, "The device sent no sender address: put the tenant's domain here.")
		}
	} else {
		b.SetAttributeValue("host", cty.StringVal(s.Host))
	}
	b.SetAttributeValue("port", cty.NumberIntVal(int64(s.Port)))
	if p := d.port(); p != s.Port {
		comment(b, fmt.Sprintf("The device was pointed at the capture on port %d.", p))
	}
	b.SetAttributeValue("tls", cty.StringVal(string(s.TLS)))
}

func writeClient(b *hclwrite.Body, d *device) {
	c := d.main
	if c == nil {
		comment(b, "No connection was recorded: these are the defaults.")
		return
	}
	if c.HeloName != "" && !strings.ContainsAny(c.HeloName, " \t") {
		b.SetAttributeValue("helo", cty.StringVal(c.HeloName))
	}
	if c.Greeting == "HELO" {
		b.SetAttributeValue("greeting", cty.StringVal(specs.GreetingHELO))
	}
	if lo, hi, ok := d.tlsRange(); ok {
		b.SetAttributeValue("tls_min", cty.StringVal(lo))
		b.SetAttributeValue("tls_max", cty.StringVal(hi))
		if c.TLS.Hello.HighestOnly {
			comment(b, "The device's ClientHello names only its highest version (no supported_versions).")
		}
	}
	if a := d.replayAuth(); a != nil {
		b.SetAttributeValue("auth_mechanisms", cty.ListVal([]cty.Value{cty.StringVal(string(a.Mechanism))}))
	}
	if len(c.Transactions) > 0 {
		b.SetAttributeValue("pipelining", cty.BoolVal(len(c.Pipelined) > 0))
	}
}

func writeAuth(b *hclwrite.Body, a *AuthAttempt, so SpecOptions) {
	b.SetAttributeValue("mechanism", cty.StringVal(string(a.Mechanism)))
	b.SetAttributeValue("username", cty.StringVal(a.Username))
	name, attr := so.PasswordEnv, "password"
	if a.Mechanism == transcript.MechXOAuth2 {
		name, attr = so.TokenEnv, "token"
	}
	b.SetAttributeRaw(attr, hclwrite.TokensForFunctionCall("env", hclwrite.TokensForValue(cty.StringVal(name))))
	if a.Token != nil && a.Token.TenantID != "" {
		b.AppendNewBlock("oauth", nil).Body().SetAttributeValue("tenant_id", cty.StringVal(a.Token.TenantID))
	}
}

func writeEnvelope(b *hclwrite.Body, d *device) {
	from, to := d.envelope()
	b.SetAttributeValue("from", cty.StringVal(from))
	var list []cty.Value
	for _, a := range to {
		list = append(list, cty.StringVal(a))
	}
	b.SetAttributeValue("to", cty.ListVal(list))
	if m := d.message(); m != nil {
		comment(b, fmt.Sprintf("The device sent a message of %d bytes with %d attachment(s) by %s; send_message = true", m.Size, m.Attachments, m.Via),
			"makes the probe send a small test message too (message_size sets its size).")
	} else if len(d.transactions()) == 0 {
		comment(b, "The device sent no envelope: replace these addresses with its sender and a recipient.")
	}
}

// replayAuth is the AUTH the probe can replay: the device's last one with
// a mechanism the probe implements (transcript.Mechanisms).
func (d *device) replayAuth() *AuthAttempt {
	as := d.main.authsOrNil()
	for i := len(as) - 1; i >= 0; i-- {
		if slices.Contains(transcript.Mechanisms, as[i].Mechanism) && as[i].Username != "" && !as[i].UsernameIsPassword {
			return as[i]
		}
	}
	return nil
}

func (c *Connection) authsOrNil() []*AuthAttempt {
	if c == nil {
		return nil
	}
	return c.Auth
}

// tlsRange is the lowest and highest TLS version the device offered, in
// spec spelling (SSL 3.0 and unknown versions are left out).
func (d *device) tlsRange() (lo, hi string, ok bool) {
	c := d.main
	if c.TLS == nil || c.TLS.Hello == nil {
		return "", "", false
	}
	var vs []uint16
	for _, v := range c.TLS.Hello.versions {
		if specVersion(v) != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return "", "", false
	}
	return specVersion(slices.Min(vs)), specVersion(slices.Max(vs)), true
}

const placeholderDomain = "contoso.com"

// envelope is the main connection's first transaction, or placeholders.
func (d *device) envelope() (from string, to []string) {
	from = "scanner@" + placeholderDomain
	if u := d.username(); usernameFormat(u) == UsernameUPN {
		from = u
	}
	to = []string{from}
	if d.main == nil || len(d.main.Transactions) == 0 {
		return from, to
	}
	tx := d.main.Transactions[0]
	if plainAddress(tx.MailFrom) {
		from = tx.MailFrom
	}
	var rcpts []string
	for _, r := range tx.RcptTo {
		if plainAddress(r) {
			rcpts = append(rcpts, r)
		}
	}
	if len(rcpts) > 0 {
		to = rcpts
	}
	return from, to
}

// mxDomain is the domain of the device's sender: a Direct Send device
// sends from one of the tenant's accepted domains.
func (d *device) mxDomain() string {
	from, _ := d.envelope()
	if dom := domainOf(from); dom != "" && len(d.transactions()) > 0 {
		return dom
	}
	return placeholderDomain
}

func (d *device) message() *Message {
	if d.main == nil {
		return nil
	}
	return lastMessage(d.main)
}

// plainAddress: an address a spec can hold (specs.addressProblem's rules).
func plainAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-1 && !strings.ContainsAny(a, " \t<>\r\n") &&
		strings.IndexFunc(a, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0
}

// comment appends "# line" comments to b.
func comment(b *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte("# " + l + "\n")})
	}
	b.AppendUnstructuredTokens(toks)
}

func hostOnly(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}
