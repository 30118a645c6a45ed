package specs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

const fleet = "testdata/reads/fleet.hcl"

// fleetEnv is a job's environment: only the variables named.
func fleetEnv(names ...string) func(string) string {
	vals := map[string]string{}
	for _, n := range names {
		vals[n] = "value-of-" + n
	}
	vals["HQ_USER"] = strings.Replace(vals["HQ_USER"], "value-of-HQ_USER", "scanner@contoso.com", 1)
	vals["WAREHOUSE_METHOD"] = strings.Replace(vals["WAREHOUSE_METHOD"], "value-of-WAREHOUSE_METHOD", "relay", 1)
	return func(k string) string { return vals[k] }
}

// diagLines is "severity file:line summary" per diagnostic, for comparison.
func diagLines(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		out = append(out, fmt.Sprintf("%s %d %s", sev, line, d.Summary))
	}
	return out
}

func byName(sites []*Site) map[string]*Site {
	m := map[string]*Site{}
	for _, s := range sites {
		m[s.Name] = s
	}
	return m
}

// TestSelectResolvesOnlyTheSelected: a job that holds one site's secrets
// loads the whole repository; the other sites' variables are neither
// required nor read.
func TestSelectResolvesOnlyTheSelected(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		want  []string
		sites string
	}{
		{"own secrets set", []string{"FLEET_ASSET_PATTERN", "HQ_USER", "HQ_PASSWORD"}, nil, "hq-mfp,branch-oauth,warehouse"},
		{"own secrets unset: errors at each env() call", nil, []string{
			"error 6 Environment variable FLEET_ASSET_PATTERN is not set",
			"error 17 Environment variable HQ_USER is not set",
			"error 18 Environment variable HQ_PASSWORD is not set",
			"error 21 Environment variable HQ_USER is not set",
		}, "branch-oauth,warehouse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLoader(fleetEnv(tt.env...))
			l.Select(func(s string) bool { return s == "hq-mfp" })
			sites, diags := l.LoadPaths(fleet)
			if diff := cmp.Diff(tt.want, diagLines(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if got := siteNames(sites); got != tt.sites {
				t.Errorf("sites = %q, want %q", got, tt.sites)
			}
			m := byName(sites)
			if hq := m["hq-mfp"]; hq != nil && hq.Auth.Password.Reveal() != "value-of-HQ_PASSWORD" {
				t.Errorf("selected site's password not read: %v", hq.Auth.Password)
			}
			for _, s := range []*Site{m["branch-oauth"], m["warehouse"]} {
				if s == nil {
					t.Fatal("an unselected site was dropped")
				}
				if len(s.Secrets()) != 0 {
					t.Errorf("%s: unselected site has secret values", s.Name)
				}
			}
		})
	}
}

// TestUnselectedSecretsNeverRead: even when set, a site that is not
// selected gets references, not values; a selected one under Need too.
func TestUnselectedSecretsNeverRead(t *testing.T) {
	all := fleetEnv("FLEET_ASSET_PATTERN", "HQ_USER", "HQ_PASSWORD", "BRANCH_CLIENT_SECRET", "BRANCH_TRACE_SECRET",
		"WAREHOUSE_METHOD", "WAREHOUSE_HOST", "WAREHOUSE_KEY", "WAREHOUSE_CONTROL_PASSWORD")
	for _, reads := range []Reads{Need, Quiet} {
		l := NewLoader(all)
		l.SetReads(reads)
		sites, diags := l.LoadPaths(fleet)
		if diags.HasErrors() || len(sites) != 3 {
			t.Fatalf("reads %d: %d sites, %v", reads, len(sites), diagLines(diags))
		}
		for _, s := range sites {
			if len(s.Secrets()) != 0 {
				t.Errorf("reads %d: %s holds secret values", reads, s.Name)
			}
		}
		if p := byName(sites)["hq-mfp"].Auth.Password; p.Env != "HQ_PASSWORD" || p.IsSet() {
			t.Errorf("reads %d: password = %#v, want a reference to HQ_PASSWORD", reads, p)
		}
	}
}

// TestNeedWarns: validate's mode. What a site needs but this machine lacks
// is a warning, never an error (one per site for its variables, one per
// file), and a value left unknown causes no other diagnostic (the
// warehouse's method and host).
func TestNeedWarns(t *testing.T) {
	l := NewLoader(fleetEnv())
	l.SetReads(Need)
	sites, diags := l.LoadPaths(fleet)
	want := []string{
		"warning 11 Environment variables not set here",
		"warning 26 Environment variables not set here",
		"warning 52 Environment variables not set here",
		"warning 56 CA file not found here",
		"warning 59 Cannot read file here",
	}
	if diff := cmp.Diff(want, diagLines(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if len(sites) != 3 {
		t.Errorf("sites = %q, want all three", siteNames(sites))
	}
	hq := "  FLEET_ASSET_PATTERN  defaults.golden.redact.asset.pattern (line 6)\n" +
		"  HQ_USER              auth.username (line 17), envelope.from (line 21)\n" +
		"  HQ_PASSWORD          auth.password (line 18), a secret\n"
	if len(diags) == 0 || !strings.Contains(diags[0].Detail, hq) {
		t.Errorf("hq-mfp's warning does not list its variables:\n%s", render(t, l, diags[:1]))
	}
}

// TestQuietSaysNothing: the sites a command did not select add no
// diagnostic for what they need.
func TestQuietSaysNothing(t *testing.T) {
	l := NewLoader(fleetEnv())
	l.Select(func(string) bool { return false })
	sites, diags := l.LoadPaths(fleet)
	if len(diags) != 0 || len(sites) != 3 {
		t.Errorf("%d sites, diagnostics %q", len(sites), diagLines(diags))
	}
}

// TestRequireFiles: a required site's unreadable files are errors.
func TestRequireFiles(t *testing.T) {
	l := NewLoader(fleetEnv("FLEET_ASSET_PATTERN", "WAREHOUSE_METHOD", "WAREHOUSE_HOST", "WAREHOUSE_KEY", "WAREHOUSE_CONTROL_PASSWORD"))
	l.Select(func(s string) bool { return s == "warehouse" })
	_, diags := l.LoadPaths(fleet)
	want := []string{"error 56 CA file not found", "error 59 Cannot read file"}
	if diff := cmp.Diff(want, diagLines(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestEnvVars: every variable a site reads, once, in order, with what it
// is for and where; whether it is set, never its value.
func TestEnvVars(t *testing.T) {
	l := NewLoader(fleetEnv("HQ_PASSWORD", "BRANCH_TRACE_SECRET"))
	l.SetReads(Quiet)
	sites, _ := l.LoadPaths(fleet)
	got := map[string][]string{}
	for _, s := range sites {
		for _, v := range s.EnvVars() {
			got[s.Name] = append(got[s.Name], fmt.Sprintf("%s %s %s secret=%t set=%t", v.Name, v.Use, v.Block, v.Secret, v.Set))
		}
	}
	want := map[string][]string{
		"hq-mfp": {
			"FLEET_ASSET_PATTERN pattern defaults.golden.redact.asset secret=false set=false",
			"HQ_USER username auth secret=false set=false",
			"HQ_PASSWORD password auth secret=true set=true",
		},
		"branch-oauth": {
			"FLEET_ASSET_PATTERN pattern defaults.golden.redact.asset secret=false set=false",
			"BRANCH_CLIENT_SECRET client_secret auth.oauth secret=true set=false",
			"BRANCH_TRACE_SECRET client_secret trace secret=true set=true",
		},
		"warehouse": {
			"FLEET_ASSET_PATTERN pattern defaults.golden.redact.asset secret=false set=false",
			"WAREHOUSE_METHOD method site secret=false set=false",
			"WAREHOUSE_HOST host endpoint secret=false set=false",
			"WAREHOUSE_KEY key client secret=true set=false",
			"WAREHOUSE_CONTROL_PASSWORD password control.auth secret=true set=false",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvVars (-want +got):\n%s", diff)
	}
}

func TestGoldenNames(t *testing.T) {
	got, err := GoldenNames("testdata/reads")
	want := []string{"branch-oauth", "hq-mfp", "warehouse", "warehouse.control"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("GoldenNames = %q, %v; want %q", got, err, want)
	}
	if _, err := GoldenNames("testdata/invalid/syntax_error.hcl"); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("a file that does not parse: err = %v", err)
	}
}
