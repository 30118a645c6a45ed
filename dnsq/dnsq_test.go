package dnsq_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/dnsq/dnsserver"
	"github.com/smtpspec/smtpspec/transcript"
)

func startZone(t *testing.T, file string) *dnsserver.Server {
	t.Helper()
	zone, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dnsserver.Start(string(zone))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func TestQueryOutcomes(t *testing.T) {
	srv := startZone(t, "testdata/basic.zone")
	srv.Rcode("broken.test", dns.RcodeServerFailure)
	srv.Rcode("closed.test", dns.RcodeRefused)
	srv.Delay("slow.test", 300*time.Millisecond)
	srv.Silence("dead.test")
	tests := []struct {
		name    string
		qtype   uint16
		outcome string
		records []string
	}{
		{"host.test", dns.TypeA, transcript.DNSAnswered, []string{"127.0.0.1"}},
		{"host.test", dns.TypeAAAA, transcript.DNSAnswered, []string{"::1"}},
		{"alias.test", dns.TypeA, transcript.DNSAnswered, []string{"127.0.0.1"}},
		{"contoso.test", dns.TypeMX, transcript.DNSAnswered, []string{"10 contoso-test.mail.protection.outlook.com"}},
		{"contoso.test", dns.TypeTXT, transcript.DNSAnswered, []string{"v=spf1 ip4:203.0.113.0/24 -all"}},
		{"contoso.test", dns.TypeA, transcript.DNSNoData, nil},
		{"nowhere.test", dns.TypeA, transcript.DNSNXDomain, nil},
		{"broken.test", dns.TypeA, transcript.DNSServFail, nil},
		{"closed.test", dns.TypeA, transcript.DNSRefused, nil},
		{"slow.test", dns.TypeA, transcript.DNSAnswered, []string{"127.0.0.2"}},
		{"dead.test", dns.TypeA, transcript.DNSTimeout, nil},
		{"7.113.0.203.in-addr.arpa", dns.TypePTR, transcript.DNSAnswered, []string{"mail.contoso.test"}},
	}
	c := &dnsq.Client{Servers: []string{srv.Addr}, Retransmit: 100 * time.Millisecond}
	for _, tt := range tests {
		t.Run(tt.name+"/"+dns.TypeToString[tt.qtype], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			a := c.Query(ctx, tt.name, tt.qtype)
			if a.Outcome != tt.outcome {
				t.Errorf("outcome = %s (%s), want %s", a.Outcome, a.Error, tt.outcome)
			}
			if diff := cmp.Diff(tt.records, a.Records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if a.Server != srv.Addr {
				t.Errorf("server = %q, want %q", a.Server, srv.Addr)
			}
		})
	}
}

// A silent first server must leave time for the second one.
func TestQueryFallsBackToNextServer(t *testing.T) {
	dead := startZone(t, "testdata/basic.zone")
	dead.Silence()
	live := startZone(t, "testdata/basic.zone")
	c := &dnsq.Client{Servers: []string{dead.Addr, live.Addr}, Retransmit: 50 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	a := c.Query(ctx, "host.test", dns.TypeA)
	if !a.OK() || a.Server != live.Addr {
		t.Fatalf("answer = %+v, want an answer from the second server", a.DNSAnswer)
	}
}

// A port where nothing listens is an error, not a wait for the deadline.
func TestQueryNoServer(t *testing.T) {
	srv := startZone(t, "testdata/basic.zone")
	addr := srv.Addr
	srv.Close()
	c := &dnsq.Client{Servers: []string{addr}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	a := c.Query(ctx, "host.test", dns.TypeA)
	if a.Outcome != transcript.DNSError && a.Outcome != transcript.DNSTimeout {
		t.Fatalf("outcome = %s, want error or timeout", a.Outcome)
	}
}

// Long TXT answers arrive over TCP after a truncated UDP reply.
func TestQueryTruncatedRetriesOverTCP(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("big.test. IN TXT \"v=spf1 ip4:192.0.2." + strconv.Itoa(i) + " padding-padding-padding-padding-padding\"\n")
	}
	srv, err := dnsserver.Start(b.String())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := &dnsq.Client{Servers: []string{srv.Addr}}
	a := c.Query(context.Background(), "big.test", dns.TypeTXT)
	if len(a.Records) != 40 {
		t.Fatalf("got %d records (%s), want 40", len(a.Records), a.Error)
	}
}

func TestServerAddr(t *testing.T) {
	tests := map[string]string{
		"10.0.0.53":        "10.0.0.53:53",
		"10.0.0.53:5353":   "10.0.0.53:5353",
		"2001:db8::53":     "[2001:db8::53]:53",
		"[2001:db8::53]":   "[2001:db8::53]:53",
		"[::1]:5353":       "[::1]:5353",
		"ns1.google.com":   "ns1.google.com:53",
		"resolver.lan:853": "resolver.lan:853",
		"10.0.0.53:99999":  "error",
		"host:port":        "error",
		"":                 "error",
	}
	for in, want := range tests {
		got, err := dnsq.ServerAddr(in)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("ServerAddr(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestSystem(t *testing.T) {
	dir := t.TempDir()
	conf := dir + "/resolv.conf"
	os.WriteFile(conf, []byte("nameserver 127.0.0.53\nnameserver ::1\n"), 0o644)
	c, err := dnsq.System(conf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"127.0.0.53:53", "[::1]:53"}, c.Servers); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	os.WriteFile(conf, []byte("# nothing\n"), 0o644)
	if _, err := dnsq.System(conf); err == nil {
		t.Error("no error for a resolv.conf without nameservers")
	}
}
