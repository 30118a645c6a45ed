//go:build linux

package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// shapeSite is a submission site against addr that sends a message from
// from to to, with the stage expectations expect (HCL).
func shapeSite(t *testing.T, name, addr, caFile, from, to, expect string) *specs.Site {
	t.Helper()
	host, port := splitAddr(t, addr)
	src := fmt.Sprintf(`site %q {
  method = "submission"
  endpoint {
    host = %q
    port = %s
    server_name = "localhost"
    ca_file = %q
  }
  auth {
    mechanism = "LOGIN"
    username = "scanner@contoso.com"
    password = env("SHAPE_PASSWORD")
  }
  envelope {
    from = %q
    to = [%q]
    send_message = true
  }
  timeouts {
    connect = "5s"
    command = "10s"
    total = "30s"
  }
%s}
`, name, host, port, caFile, from, to, expect)
	path := filepath.Join(t.TempDir(), name+".hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return loadOne(t, path)
}

// loadOne loads the one site of the spec at path (SHAPE_PASSWORD set).
func loadOne(t *testing.T, path string) *specs.Site {
	t.Helper()
	l := specs.NewLoader(func(k string) string { return map[string]string{"SHAPE_PASSWORD": "Shape-Passw0rd!"}[k] })
	sites, diags := l.LoadPaths(path)
	if diags.HasErrors() || len(sites) != 1 {
		var out bytes.Buffer
		specs.WriteDiagnostics(&out, l.Files(), diags, 100, false)
		src, _ := os.ReadFile(path)
		t.Fatalf("spec does not load:\n%s\n%s", src, out.String())
	}
	return sites[0]
}

// shapeCases are the end-of-DATA and RCPT shapes, each with the
// expectation a site would document and the status every run must have.
var shapeCases = []struct {
	name   string
	cfg    exoConfig
	to     string
	expect string
}{
	{"queued", exoConfig{Data: "queued"}, "frontdesk@contoso.com", "  expect \"data\" {\n    code = 250\n    enhanced = \"2.6.0\"\n  }\n"},
	{"queued-relayed", exoConfig{Data: "queued-relayed"}, "frontdesk@contoso.com", ""},
	{"queued-onprem", exoConfig{Data: "queued-onprem"}, "frontdesk@contoso.com", ""},
	{"sendas-inline", exoConfig{Data: "sendas-inline"}, "frontdesk@contoso.com", "  expect \"data\" {\n    code = 554\n    enhanced = \"5.2.0\"\n  }\n"},
	{"sendas-252", exoConfig{Data: "sendas-252"}, "frontdesk@contoso.com", "  expect \"data\" {\n    code = 554\n    text = \"SendAsDenied\"\n  }\n"},
	{"dmarc-relayed", exoConfig{Data: "dmarc"}, "frontdesk@contoso.com", "  expect \"data\" {\n    code = 550\n  }\n"},
	{"banned-rcpt", exoConfig{Data: "queued", BannedRcpt: "blocked@"}, "blocked@contoso.com", "  expect \"rcpt\" {\n    code = 550\n  }\n"},
}

// TestExchangeShapedRepliesHoldTheirGolden runs each site five times
// against the scripted Exchange-shaped server, which makes up every
// volatile part again per connection and message: the raw replies differ
// from run to run, the golden does not, and a site that documents its
// refusal passes every time.
func TestExchangeShapedRepliesHoldTheirGolden(t *testing.T) {
	for _, tc := range shapeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startExoShape(t, tc.cfg)
			site := shapeSite(t, tc.name, srv.ln.Addr().String(), srv.certs.CAFile, "reception@contoso.com", tc.to, tc.expect)
			opts := runner.Options{Golden: golden.Store{Dir: t.TempDir()}, Update: true}
			runner.RunSite(context.Background(), site, opts)
			first := srv.sent()
			opts.Update = false
			for i := range 5 {
				r := runner.RunSite(context.Background(), site, opts)
				if r.Drift != nil {
					t.Fatalf("run %d drifted from the golden:\n%s", i+2, r.Drift.Diff)
				}
				if tc.expect != "" && r.Status != runner.StatusPass {
					t.Fatalf("run %d: status %s (%s), want pass", i+2, r.Status, r.Verdict.Line())
				}
				again := srv.sent()
				if slices.Equal(again, first) || again[len(again)-2] == first[len(first)-2] {
					t.Fatalf("the server sent the same replies twice:\n%s", strings.Join(again, "\n"))
				}
			}
		})
	}
}

// TestExchangeShapedRealChangesDrift: against the same scripted server, a
// real change still drifts, and the report's changed-line summary shows
// exactly it: another reply code, another enhanced code, another recipient.
func TestExchangeShapedRealChangesDrift(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before exoConfig
		after  exoConfig
		to     string // recipient of the second run ("" the same)
		want   string // in a changed line's word diff
	}{
		{"reply code", exoConfig{Data: "sendas-inline"}, exoConfig{Data: "sendas-inline", Code: "550"}, "", "[-554-]{+550+}"},
		{"enhanced code", exoConfig{Data: "sendas-252"}, exoConfig{Data: "sendas-252", Enhanced: "5.2.0"}, "", "[-5.2.252-]{+5.2.0+}"},
		{"queued to refused", exoConfig{Data: "queued"}, exoConfig{Data: "sendas-inline"}, "", "= data [-pass 250 2.6.0-]{+fail 554 5.2.0+}"},
		{"recipient", exoConfig{Data: "queued"}, exoConfig{Data: "queued"}, "shipping@contoso.com", "[-TO:<frontdesk@contoso.com>-]{+TO:<shipping@contoso.com>+}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startExoShape(t, tc.before)
			addr := srv.ln.Addr().String()
			site := shapeSite(t, "change", addr, srv.certs.CAFile, "reception@contoso.com", "frontdesk@contoso.com", "")
			opts := runner.Options{Golden: golden.Store{Dir: t.TempDir()}, Update: true}
			runner.RunSite(context.Background(), site, opts)
			srv.set(tc.after)
			if tc.to != "" {
				site = shapeSite(t, "change", addr, srv.certs.CAFile, "reception@contoso.com", tc.to, "")
			}
			opts.Update = false
			r := runner.RunSite(context.Background(), site, opts)
			if r.Drift == nil {
				t.Fatalf("no drift after the change; golden:\n%s", r.Golden)
			}
			var words []string
			for _, c := range r.Drift.Changes() {
				words = append(words, c.WordDiff(24))
			}
			if !strings.Contains(strings.Join(words, "\n"), tc.want) {
				t.Errorf("changed lines do not show %q:\n%s\ndiff:\n%s", tc.want, strings.Join(words, "\n"), r.Drift.Diff)
			}
			// Only the change: no volatile part shows in the diff.
			for _, l := range r.Drift.Lines {
				if (l.Op == '-' || l.Op == '+') && len(golden.Volatile(l.Text)) > 0 {
					t.Errorf("a volatile part reached the diff: %q", l.Text)
				}
			}
		})
	}
}

func splitAddr(t *testing.T, addr string) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}
