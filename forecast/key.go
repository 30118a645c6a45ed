package forecast

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"maps"
	"slices"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// siteKey is everything of a (prepared) site that the probe, the checks
// and the diagnosis read, and nothing else: two sites with equal keys get
// equal results in equal setups, so the forecast runs one and reuses its
// result for the other (memo.go). The site's name is not in it (no stage
// or verdict names the site), nor are secret values (the simulator takes
// any; the stand-ins differ only by variable name), nor what the prepared
// site has cleared (ca_file, dns, reputation, trace) or what only goldens
// read. key_test.go fails when specs.Site gains a field this does not
// decide about.
func siteKey(s *specs.Site) string {
	if s == nil {
		return ""
	}
	k := keyed{
		Method: string(s.Method), Endpoint: s.Endpoint,
		Helo: s.Client.Helo, TLSMin: s.Client.TLSMin, TLSMax: s.Client.TLSMax,
		Mechs: s.Client.AuthMechanisms, Pipelining: s.Client.Pipelining, Greeting: s.Client.Greeting,
		Cert: certKey(s.Client.Certificate), Envelope: s.Envelope, Timeouts: s.Timeouts,
		Control: siteKey(s.Control),
	}
	if a := s.Auth; a != nil {
		k.Auth = &authKey{Mechanism: a.Mechanism, Username: a.Username, Password: a.Password.IsSet(), Token: a.Token.IsSet()}
		if o := a.OAuth; o != nil {
			k.Auth.Tenant, k.Auth.Client, k.Auth.Scope, k.Auth.Acquire = o.TenantID, o.ClientID, o.Scope, o.Acquire()
		}
	}
	for _, stage := range slices.Sorted(maps.Keys(s.Expect)) {
		e := s.Expect[stage]
		ek := expectKey{Stage: stage, Code: e.Code, Enhanced: e.Enhanced, Caps: e.Capabilities, Error: string(e.Error),
			VersionMin: e.VersionMin, CertDaysMin: e.CertDaysMin, MX: e.MX, Addresses: e.Addresses, Status: e.Status}
		if e.Text != nil {
			ek.Text = e.Text.String()
		}
		k.Expect = append(k.Expect, ek)
	}
	b, _ := json.Marshal(k) // plain data: cannot fail
	return string(b)
}

type keyed struct {
	Method     string
	Endpoint   specs.Endpoint
	Helo       string
	TLSMin     uint16
	TLSMax     uint16
	Mechs      []transcript.Mechanism
	Pipelining bool
	Greeting   string
	Cert       string
	Auth       *authKey
	Envelope   specs.Envelope
	Timeouts   specs.Timeouts
	Expect     []expectKey
	Control    string
}

type authKey struct {
	Mechanism             transcript.Mechanism
	Username              string
	Password, Token       bool
	Tenant, Client, Scope string
	Acquire               bool
}

type expectKey struct {
	Stage       transcript.Stage
	Code        int
	Enhanced    string
	Text        string
	Caps        []string
	Error       string
	VersionMin  string
	CertDaysMin int
	MX          string
	Addresses   []string
	Status      string
}

// certKey is what a connector and the checks see of the device's
// certificate: its subject, names and validity (the stand-in keeps them;
// its serial and key differ on every load).
func certKey(chain []byte) string {
	blk, _ := pem.Decode(chain)
	if blk == nil {
		return ""
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return "unparsable"
	}
	b, _ := json.Marshal([]any{c.Subject.String(), c.DNSNames, c.NotBefore.Unix(), c.NotAfter.Unix()})
	return string(b)
}
