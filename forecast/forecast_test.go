package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
)

const loginSite = `site %q {
  method = "submission"
  endpoint { host = "smtp.office365.com" }
  client { auth_mechanisms = ["LOGIN"] }
  auth {
    username = %q
    password = env("PW_%d")
  }
  envelope {
    from = %q
    to   = ["office@contoso.com"]
  }
}
`

// TestMemoSharesOnlyEqualProfiles: sites that differ only by name and
// password variable are run once; a site with another mailbox is run on
// its own, and its verdicts name its own mailbox, never another's.
func TestMemoSharesOnlyEqualProfiles(t *testing.T) {
	one := t.TempDir()
	writeSpec(t, one, "a.hcl", fmt.Sprintf(loginSite, "a", "scanner@contoso.com", 0, "scanner@contoso.com"))
	single := forecastDir(t, one, Options{})

	dir := t.TempDir()
	for i := range 5 {
		writeSpec(t, dir, fmt.Sprintf("s%d.hcl", i), fmt.Sprintf(loginSite, fmt.Sprintf("same-%d", i), "scanner@contoso.com", i, "scanner@contoso.com"))
	}
	writeSpec(t, dir, "other.hcl", fmt.Sprintf(loginSite, "other", "copier@contoso.com", 9, "copier@contoso.com"))
	fc := forecastDir(t, dir, Options{})
	if fc.Runs > 2*single.Runs || fc.Reused == 0 {
		t.Errorf("6 sites, 2 profiles: %d runs (one site: %d), %d reused", fc.Runs, single.Runs, fc.Reused)
	}
	for _, s := range fc.Sites {
		mailbox := "scanner@contoso.com"
		if s.Name == "other" {
			mailbox = "copier@contoso.com"
		}
		for _, c := range s.Cells {
			if c.Verdict != nil && strings.Contains(c.Verdict.Summary(), "@contoso.com") && !strings.Contains(c.Verdict.Summary(), mailbox) {
				t.Errorf("%s at %s: a verdict of another site: %s", s.Name, c.Change.ID, c.Verdict.Summary())
			}
		}
		if got, want := s.Cell("basic-auth-default-off").Outcome, Breaks; got != want {
			t.Errorf("%s: basic-auth-default-off %s, want %s", s.Name, got, want)
		}
	}
}

// TestJSONShape: the keys issue 18 fixes, for scripts.
func TestJSONShape(t *testing.T) {
	fc := forecastFleet(t)
	var b bytes.Buffer
	if err := WriteJSON(&b, fc, report.Run{Started: time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC), Host: "laptop"}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	changes := doc["changes"].([]any)
	if len(changes) != len(Changes()) {
		t.Fatalf("%d changes", len(changes))
	}
	for _, c := range changes {
		for _, k := range []string{"id", "title", "date", "source", "confirmed"} {
			if _, ok := c.(map[string]any)[k]; !ok {
				t.Errorf("change without %q: %v", k, c)
			}
		}
	}
	for _, s := range doc["sites"].([]any) {
		site := s.(map[string]any)
		for _, k := range []string{"name", "method", "today", "changes"} {
			if _, ok := site[k]; !ok {
				t.Errorf("site without %q", k)
			}
		}
		today := site["today"].(map[string]any)
		if _, ok := today["verdict"].(map[string]any)["category"]; !ok || today["status"] == "" {
			t.Errorf("%s: today %v", site["name"], today)
		}
		cells := site["changes"].(map[string]any)
		if len(cells) != len(changes) {
			t.Errorf("%s: %d cells", site["name"], len(cells))
		}
		for id, c := range cells {
			cell := c.(map[string]any)
			switch o := cell["outcome"]; o {
			case "survives", "breaks", "unknown":
			default:
				t.Errorf("%s %s: outcome %v", site["name"], id, o)
			}
			if cell["outcome"] == "breaks" && (cell["verdict"] == nil || cell["fix"] == nil) {
				t.Errorf("%s %s: a break needs its verdict and fix: %v", site["name"], id, cell)
			}
			if v, ok := cell["verdict"].(map[string]any); ok {
				for _, k := range []string{"category", "stage", "code", "enhanced", "summary", "step", "next"} {
					if _, ok := v[k]; !ok {
						t.Errorf("%s %s: verdict without %q (the run report's shape)", site["name"], id, k)
					}
				}
			}
		}
	}
	if run := doc["forecast"].(map[string]any); run["started"] != "2026-12-03T09:30:00Z" || run["host"] != "laptop" {
		t.Errorf("forecast metadata %v", run)
	}
}

// TestBoardOrder: changes by date; sites broken today first, then by
// their first break's date; counts add up per change and per customer.
func TestBoardOrder(t *testing.T) {
	fc := forecastFleet(t)
	b := NewBoard(fc)
	for i := 1; i < len(b.Changes); i++ {
		if b.Changes[i-1].sortKey() > b.Changes[i].sortKey() {
			t.Errorf("changes out of date order: %s before %s", b.Changes[i-1].ID, b.Changes[i].ID)
		}
	}
	last := ""
	for _, s := range b.Sites {
		u := urgency(s)
		if u < last {
			t.Errorf("%s (%s) after a site with %s", s.Name, u, last)
		}
		last = u
	}
	if !strings.HasPrefix(urgency(b.Sites[0]), "0") || b.BrokenToday == 0 {
		t.Errorf("a site broken today comes first: %s", b.Sites[0].Name)
	}
	for _, n := range b.PerChange {
		if n.Breaks+n.Already+n.Unknown+n.Survives != len(fc.Sites) {
			t.Errorf("%s: counts %+v do not add up to %d sites", n.Change.ID, n, len(fc.Sites))
		}
	}
	names := map[string]int{}
	for _, r := range b.Customers {
		names[r.Customer] = r.Sites
		if r.Break+r.Unknown+r.Safe+r.BrokenToday != r.Sites {
			t.Errorf("customer %q: %+v", r.Customer, r)
		}
	}
	if names["Contoso"] != 10 || names["fabrikam"] != 9 || names["northwind"] != 5 {
		t.Errorf("customers (attribute, else folder): %v", names)
	}
}

// TestInterrupted: a forecast whose context ends marks the sites it did
// not finish, and says so.
func TestInterrupted(t *testing.T) {
	f, err := New(Options{Roots: []string{"testdata/fleet"}, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sites, _, _ := f.Load("testdata/fleet")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fc, err := f.Run(ctx, sites)
	if err != nil {
		t.Fatal(err)
	}
	if !fc.Interrupted {
		t.Error("not marked interrupted")
	}
	for _, s := range fc.Sites {
		if !s.Interrupted || s.Today.Status != runner.StatusInterrupted || s.Cells[0].Outcome != Unknown {
			t.Errorf("%s: %+v", s.Name, s.Today)
		}
	}
	var b bytes.Buffer
	WriteHuman(&b, fc, report.Run{Interrupted: "SIGINT"})
	if !strings.Contains(b.String(), "INTERRUPTED by SIGINT") {
		t.Errorf("human output does not say it was interrupted:\n%s", b.String())
	}
	if fc.Breaking() {
		t.Error("an interrupted forecast claims breaks it did not see")
	}
}
