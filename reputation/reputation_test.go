package reputation_test

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/dnsq/dnsserver"
	"github.com/smtpspec/smtpspec/reputation"
	"github.com/smtpspec/smtpspec/transcript"
)

func server(t *testing.T, zoneFile, extra string) (*dnsserver.Server, *dnsq.Client) {
	t.Helper()
	zone, err := os.ReadFile(zoneFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dnsserver.Start(string(zone) + extra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, &dnsq.Client{Servers: []string{s.Addr}, Retransmit: 100 * time.Millisecond}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestCheckSPF(t *testing.T) {
	_, c := server(t, "testdata/spf.zone", "")
	tests := []struct {
		domain, ip, result, mech, errPart string
	}{
		{"pass.test", "192.0.2.7", transcript.SPFPass, "ip4:192.0.2.0/24", ""},
		{"pass.test", "198.51.100.7", transcript.SPFFail, "-all", ""},
		{"soft.test", "198.51.100.7", transcript.SPFSoftFail, "~all", ""},
		{"incl.test", "198.51.100.7", transcript.SPFPass, "include:a.incl.test", ""},
		{"incl.test", "192.0.2.10", transcript.SPFPass, "include:b.incl.test", ""},
		{"incl.test", "203.0.113.50", transcript.SPFPass, "include:b.incl.test", ""},
		{"incl.test", "203.0.113.51", transcript.SPFFail, "-all", ""},
		{"redir.test", "192.0.2.1", transcript.SPFPass, "ip4:192.0.2.0/24", ""},
		{"loop1.test", "192.0.2.1", transcript.SPFPermError, "include:loop2.test", "include loop"},
		{"many.test", "192.0.2.1", transcript.SPFPermError, "", "more than 10 DNS lookups"},
		{"macro.test", "192.0.2.10", transcript.SPFPass, "exists:%{i}.allow.macro.test", ""},
		{"macro.test", "192.0.2.11", transcript.SPFFail, "-all", ""},
		{"two.test", "192.0.2.1", transcript.SPFPermError, "", "2 SPF records"},
		{"bad.test", "192.0.2.1", transcript.SPFPermError, "foo:bar", "unknown mechanism"},
		{"nospf.test", "192.0.2.1", transcript.SPFNone, "", ""},
		{"missing.test", "192.0.2.1", transcript.SPFNone, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.domain+"/"+tt.ip, func(t *testing.T) {
			r := reputation.CheckSPF(ctx(t), c, net.ParseIP(tt.ip), tt.domain)
			if r.Result != tt.result || (tt.mech != "" && r.Mechanism != tt.mech) || !strings.Contains(r.Error, tt.errPart) {
				t.Errorf("got %s %q (%s), want %s %q (%s)", r.Result, r.Mechanism, r.Error, tt.result, tt.mech, tt.errPart)
			}
			if r.Lookups > 11 {
				t.Errorf("%d lookups: the limit was not enforced", r.Lookups)
			}
		})
	}
}

// A silent resolver makes SPF a temperror within the deadline.
func TestCheckSPFSilent(t *testing.T) {
	s, c := server(t, "testdata/spf.zone", "")
	s.Silence()
	cx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if r := reputation.CheckSPF(cx, c, net.ParseIP("192.0.2.1"), "pass.test"); r.Result != transcript.SPFTempError {
		t.Errorf("result = %s, want temperror", r.Result)
	}
}

func TestCheckList(t *testing.T) {
	zone := `
2.0.0.127.zen.spamhaus.org. IN A 127.0.0.2
2.0.0.127.zen.spamhaus.org. IN A 127.0.0.4
10.2.0.192.zen.spamhaus.org. IN A 127.0.0.10
11.2.0.192.zen.spamhaus.org. IN A 127.0.0.11
3.2.0.192.zen.spamhaus.org. IN A 127.0.0.3
254.2.0.192.zen.spamhaus.org. IN A 127.255.255.254
255.2.0.192.zen.spamhaus.org. IN A 127.255.255.255
252.2.0.192.zen.spamhaus.org. IN A 127.255.255.252
99.2.0.192.zen.spamhaus.org. IN A 198.51.100.1
2.2.0.192.bl.example.test. IN A 127.0.0.2
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org. IN A 127.0.0.4
`
	s, err := dnsserver.Start(zone)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Rcode("5.2.0.192.zen.spamhaus.org", dns.RcodeServerFailure)
	s.Silence("6.2.0.192.zen.spamhaus.org")
	c := &dnsq.Client{Servers: []string{s.Addr}, Retransmit: 100 * time.Millisecond}
	tests := []struct {
		ip, zone, status, lists string
		policy                  bool
		meaning                 string
	}{
		{"127.0.0.2", "zen.spamhaus.org", transcript.ListListed, "SBL,XBL", false, "SBL"},
		{"192.0.2.10", "zen.spamhaus.org", transcript.ListListed, "PBL", true, "listed by the ISP"},
		{"192.0.2.11", "zen.spamhaus.org", transcript.ListListed, "PBL", true, "listed by Spamhaus"},
		{"192.0.2.3", "zen.spamhaus.org", transcript.ListListed, "CSS", false, "snowshoe"},
		{"192.0.2.1", "zen.spamhaus.org", transcript.ListClean, "", false, "not listed"},
		{"192.0.2.254", "zen.spamhaus.org", transcript.ListUnknown, "", false, "public or unattributable resolver"},
		{"192.0.2.255", "zen.spamhaus.org", transcript.ListUnknown, "", false, "rate limited"},
		{"192.0.2.252", "zen.spamhaus.org", transcript.ListUnknown, "", false, "mistyped"},
		{"192.0.2.99", "zen.spamhaus.org", transcript.ListUnknown, "", false, "not a blocklist answer"},
		{"192.0.2.5", "zen.spamhaus.org", transcript.ListUnknown, "", false, "SERVFAIL"},
		{"192.0.2.6", "zen.spamhaus.org", transcript.ListUnknown, "", false, "did not answer"},
		{"192.0.2.2", "bl.example.test", transcript.ListListed, "bl.example.test", false, "listed on bl.example.test"},
		{"2001:db8::1", "zen.spamhaus.org", transcript.ListListed, "XBL", false, "infected"},
	}
	for _, tt := range tests {
		t.Run(tt.ip+"@"+tt.zone, func(t *testing.T) {
			cx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			r := reputation.CheckList(cx, c, net.ParseIP(tt.ip), tt.zone)
			if r.Status != tt.status || strings.Join(r.Lists, ",") != tt.lists || r.Policy != tt.policy || !strings.Contains(r.Meaning, tt.meaning) {
				t.Errorf("got %s %v policy=%v %q, want %s %s policy=%v %q", r.Status, r.Lists, r.Policy, r.Meaning, tt.status, tt.lists, tt.policy, tt.meaning)
			}
		})
	}
}

func TestGenericName(t *testing.T) {
	ip := net.ParseIP("203.0.113.7")
	tests := map[string]bool{
		"203-0-113-7.dyn.isp.test":         true,
		"7.113.0.203.static.isp.test":      true,
		"host7.pool.isp.test":              true,
		"cpe-203-0-113-7.cable.isp.test":   true,
		"adsl-7.isp.test":                  true,
		"mail.contoso.com":                 false,
		"smtp-out.contoso.com":             false,
		"customer7.isp.test":               true,
		"dsl.isp.test":                     true,
		"fw1.branch.contoso.com":           false,
		"dhcp-10.isp.test":                 true,
		"mobile-203-0-113-7.carrier.test":  true,
		"home.contoso.com":                 true,
		"mx1.mail.protection.outlook.test": false,
	}
	for name, want := range tests {
		if got, why := reputation.GenericName(name, ip); got != want {
			t.Errorf("GenericName(%q) = %v (%s), want %v", name, got, why, want)
		}
	}
}

func TestParseLookup(t *testing.T) {
	tests := map[string]string{
		"TXT o-o.myaddr.l.google.com @ns1.google.com": "TXT o-o.myaddr.l.google.com ns1.google.com:53",
		"A myip.opendns.com @resolver1.opendns.com":   "A myip.opendns.com resolver1.opendns.com:53",
		"aaaa myip.opendns.com @[2001:db8::53]:5353":  "AAAA myip.opendns.com [2001:db8::53]:5353",
		"TXT myip.test":                "TXT myip.test ",
		"MX myip.test @ns":             "error",
		"TXT":                          "error",
		"TXT myip.test ns1.google.com": "error",
	}
	for in, want := range tests {
		l, err := reputation.ParseLookup(in)
		got := "error"
		if err == nil {
			got = dns.TypeToString[l.Type] + " " + l.Name + " " + l.Server
		}
		if got != want {
			t.Errorf("ParseLookup(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestEHLOAddress(t *testing.T) {
	tests := map[string]string{
		"SN1NAM02FT0049.mail.protection.outlook.com Hello [18.209.86.113]": "18.209.86.113",
		"BY1PR10CA0041.outlook.office365.com Hello [2001:db8::7]":          "2001:db8::7",
		"mx.example Hello [IPv6:2001:db8::7]":                              "2001:db8::7",
		"mx.example Hello mfp.contoso.local":                               "",
	}
	for in, want := range tests {
		if got := reputation.EHLOAddress(in); got != want {
			t.Errorf("EHLOAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

// Discovery asks each lookup's own server (found through the site's
// resolver), the EHLO address wins over DNS, and disagreement is said.
func TestCheckPublicIP(t *testing.T) {
	s, c := server(t, "testdata/spf.zone", "myip.test. IN TXT \"203.0.113.7\"\nother.test. IN A 198.51.100.9\n")
	look := func(spec string) reputation.Lookup {
		l, err := reputation.ParseLookup(strings.ReplaceAll(spec, "SRV", s.Addr))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name                   string
		cfg                    reputation.Config
		ip, source, mismatches string
	}{
		{"dns only", reputation.Config{Lookups: []reputation.Lookup{look("TXT myip.test @SRV")}}, "203.0.113.7", "dns", ""},
		{"ehlo wins, disagreement said", reputation.Config{EHLOIP: "198.51.100.9", Lookups: []reputation.Lookup{look("TXT myip.test @SRV")}},
			"198.51.100.9", "ehlo", "DNS discovery sees the public IP 203.0.113.7, but the server saw the probe connect from 198.51.100.9"},
		{"loopback EHLO ignored", reputation.Config{EHLOIP: "127.0.0.1", Lookups: []reputation.Lookup{look("A other.test @SRV")}}, "198.51.100.9", "dns", ""},
		{"pinned", reputation.Config{PublicIP: "192.0.2.1", EHLOIP: "192.0.2.1"}, "192.0.2.1", "pinned", ""},
		{"server name unknown to the resolver", reputation.Config{Lookups: []reputation.Lookup{look("TXT myip.test @ns1.nowhere.test")}}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.DNS = c
			rep := reputation.Check(ctx(t), tt.cfg)
			p := rep.PublicIP
			if p.IP != tt.ip || p.Source != tt.source || !strings.Contains(p.Mismatch, tt.mismatches) || (tt.mismatches == "" && p.Mismatch != "") {
				t.Errorf("public IP = %+v, want %s from %s, mismatch %q", p, tt.ip, tt.source, tt.mismatches)
			}
		})
	}
}

// A known public IP is checked at once: a silent discovery server costs
// only discovery's own share of the deadline, the listing on the
// working resolver is still reported, and the failed lookup is named.
func TestCheckSilentDiscovery(t *testing.T) {
	s, err := dnsserver.Start("2.0.0.127.zen.spamhaus.org. IN A 127.0.0.2\n1.2.0.192.zen.spamhaus.org. IN A 127.0.0.2\n")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	silent, err := dnsserver.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	silent.Silence()
	c := &dnsq.Client{Servers: []string{s.Addr}, Retransmit: 100 * time.Millisecond}
	l, err := reputation.ParseLookup("TXT myip.test @" + silent.Addr)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, pinned, ehlo string
		ip, listed, why    string
	}{
		{"pinned", "192.0.2.1", "", "192.0.2.1", "SBL", ""},
		{"ehlo", "", "192.0.2.1", "192.0.2.1", "SBL", ""},
		{"unknown", "", "", "", "", "every discovery lookup failed: TXT myip.test @" + silent.Addr + ": TXT myip.test: no answer from " + silent.Addr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			rep := reputation.Check(cx, reputation.Config{DNS: c, PublicIP: tt.pinned, EHLOIP: tt.ehlo,
				Lookups: []reputation.Lookup{l}, DNSBL: []string{"zen.spamhaus.org"}})
			if d := time.Since(start); d > 800*time.Millisecond {
				t.Errorf("Check took %v: discovery used more than its share", d)
			}
			p := rep.PublicIP
			if p.IP != tt.ip || !strings.Contains(p.Error, tt.why) || (tt.why == "" && p.Error != "") {
				t.Errorf("public IP %q, error %q; want %q, error with %q", p.IP, p.Error, tt.ip, tt.why)
			}
			if len(p.Lookups) != 1 || p.Lookups[0].Lookup != l.Spec || !strings.Contains(p.Lookups[0].Error, "no answer from "+silent.Addr) {
				t.Errorf("lookups = %+v, want the silent lookup named with its failure", p.Lookups)
			}
			if tt.listed == "" {
				if len(rep.DNSBL) != 0 {
					t.Errorf("DNSBL = %+v without a public IP", rep.DNSBL)
				}
				return
			}
			if len(rep.DNSBL) != 1 || rep.DNSBL[0].Status != transcript.ListListed || strings.Join(rep.DNSBL[0].Lists, ",") != tt.listed {
				t.Errorf("DNSBL = %+v, want listed on %s", rep.DNSBL, tt.listed)
			}
		})
	}
}
