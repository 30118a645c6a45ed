package runner

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// fakeResolver answers from maps; a name it does not know does not exist.
type fakeResolver struct {
	hosts map[string][]string
	mx    map[string][]*net.MX
	err   error // returned by every lookup, if set
}

func (r *fakeResolver) LookupHost(_ context.Context, host string) ([]string, error) {
	if r.err != nil {
		return nil, r.err
	}
	if a, ok := r.hosts[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r *fakeResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	if r.err != nil {
		return nil, r.err
	}
	if mx, ok := r.mx[name]; ok {
		return mx, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestProbeMXDomain(t *testing.T) {
	pki := newPKI(t, "contoso-test.mail.protection.test")
	d := newSMTPD(pki.server())
	srv := startServer(t, d.serve)
	s := testSite(srv.port, func(s *specs.Site) {
		s.Method, s.Auth = transcript.DirectSend, nil
		s.Endpoint = specs.Endpoint{MXDomain: "contoso.test", Port: srv.port, TLS: transcript.StartTLS}
	})
	res := &fakeResolver{
		mx: map[string][]*net.MX{"contoso.test": {
			{Host: "backup.contoso.test.", Pref: 20},
			{Host: "contoso-test.mail.protection.test.", Pref: 10},
		}},
		hosts: map[string][]string{"contoso-test.mail.protection.test": {"127.0.0.1"}},
	}
	tr := Probe(context.Background(), s, ProbeOptions{Now: testClock, Resolver: res, RootCAs: pki.pool})

	if got, want := tr.Target, "contoso.test:"+itoa(srv.port); got != want {
		t.Errorf("Target = %q, want %q", got, want)
	}
	want := []string{
		"resolve pass [MX contoso-test.mail.protection.test → 1 address]",
		"connect pass",
		"banner pass 220 test.local Microsoft ESMTP MAIL Service ready",
		"ehlo pass 250 test.local Hello [127.0.0.1]",
		"starttls pass 220 2.0.0 SMTP server ready",
		"tls pass", // the certificate names the MX host: verified against it
		"ehlo_tls pass 250 test.local Hello [127.0.0.1]",
		"mail pass 250 2.1.0 Sender OK",
		"rcpt pass 250 2.1.5 Recipient OK",
		"quit pass 221 2.0.0 Service closing transmission channel",
	}
	if diff := cmp.Diff(want, stages(tr)); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if tr.TLS == nil || tr.TLS.ServerName != "contoso-test.mail.protection.test" || !tr.TLS.Verified {
		t.Errorf("TLS = %+v, want verified for the MX host", tr.TLS)
	}
}

func TestProbeResolveFailures(t *testing.T) {
	tests := []struct {
		name     string
		endpoint specs.Endpoint
		res      *fakeResolver
		want     string
	}{
		{"no such host", specs.Endpoint{Host: "smtp.nowhere.test"}, &fakeResolver{},
			"resolve fail dns: smtp.nowhere.test: no such host"},
		{"host without addresses", specs.Endpoint{Host: "empty.test"},
			&fakeResolver{hosts: map[string][]string{"empty.test": {}}},
			"resolve fail dns: empty.test: no addresses"},
		{"domain without MX", specs.Endpoint{MXDomain: "contoso.test"},
			&fakeResolver{mx: map[string][]*net.MX{"contoso.test": {}}},
			"resolve fail dns: contoso.test: no MX records"},
		{"null MX", specs.Endpoint{MXDomain: "contoso.test"},
			&fakeResolver{mx: map[string][]*net.MX{"contoso.test": {{Host: ".", Pref: 0}}}},
			"resolve fail dns: contoso.test has a null MX: it accepts no mail"},
		{"MX host does not resolve", specs.Endpoint{MXDomain: "contoso.test"},
			&fakeResolver{mx: map[string][]*net.MX{"contoso.test": {{Host: "mx.contoso.test.", Pref: 0}}}},
			"resolve fail dns: mx.contoso.test: no such host"},
		{"server failure", specs.Endpoint{Host: "smtp.contoso.test"},
			&fakeResolver{err: &net.DNSError{Err: "server misbehaving", Name: "smtp.contoso.test", Server: "10.0.0.1:53"}},
			"resolve fail dns: lookup smtp.contoso.test: server misbehaving"},
		{"resolver timeout", specs.Endpoint{Host: "smtp.contoso.test"},
			&fakeResolver{err: &net.DNSError{Err: "i/o timeout", Name: "smtp.contoso.test", IsTimeout: true}},
			"resolve fail dns: no DNS answer for smtp.contoso.test within 2s"},
		{"other error", specs.Endpoint{Host: "smtp.contoso.test"}, &fakeResolver{err: errors.New("boom")},
			"resolve fail dns: lookup smtp.contoso.test: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSite(25, func(s *specs.Site) { s.Endpoint = tt.endpoint })
			tr := Probe(context.Background(), s, ProbeOptions{Now: testClock, Resolver: tt.res,
				Dial: func(context.Context, string, string) (net.Conn, error) {
					t.Error("dialled after a failed resolve")
					return nil, errors.New("no")
				}})
			got := stages(tr)
			if got[0] != tt.want {
				t.Errorf("resolve = %q, want %q", got[0], tt.want)
			}
			for _, st := range tr.Stages[1:] {
				if st.Status != "skip" {
					t.Errorf("%s = %s after a failed resolve, want skip", st.Stage, st.Status)
				}
			}
			if tt.endpoint.Port == 0 && tr.Target != tt.endpoint.Host+tt.endpoint.MXDomain+":587" {
				t.Errorf("Target = %q, want the submission port by default", tr.Target)
			}
		})
	}
}
