package forecast

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestChangeTable: stable kebab-case ids, a source for each, dates that
// sort, what is unconfirmed said for every change Microsoft has not
// confirmed, every Future the simulator plays used by exactly one change,
// and every fix a known migration.
func TestChangeTable(t *testing.T) {
	want := []string{"digicert-global-root-g2", "tls-rsa-suites-removed", "reject-direct-send", "mx-microsoft-host",
		"legacy-tls-removed", "basic-auth-default-off", "basic-auth-removed", "hve-basic-auth-removed", "hve-endpoint-renamed"}
	if got := ChangeIDs(); !slices.Equal(got, want) {
		t.Errorf("ids (a public interface) %q, want %q", got, want)
	}
	futures := map[string]int{}
	for _, f := range sim.Futures() {
		futures[f.ID] = 0
	}
	for _, c := range Changes() {
		switch {
		case !kebab.MatchString(c.ID):
			t.Errorf("%s: not kebab-case", c.ID)
		case c.Title == "" || c.Date == "" || c.Source == "":
			t.Errorf("%s: title, date and source are required", c.ID)
		case !c.Confirmed && c.Unconfirmed == "":
			t.Errorf("%s: not confirmed, but says nothing about what is not", c.ID)
		case c.reach == nil || len(c.fixes) == 0:
			t.Errorf("%s: no reach or no fixes", c.ID)
		}
		if c.Effective != "" {
			if _, err := time.Parse(time.DateOnly, c.Effective); err != nil {
				t.Errorf("%s: effective %q: %v", c.ID, c.Effective, err)
			}
		}
		if c.Future != "" {
			if _, ok := futures[c.Future]; !ok {
				t.Errorf("%s: future %q is not the simulator's", c.ID, c.Future)
			}
			futures[c.Future]++
		}
		if c.Future == "" && c.alter == nil && c.dns == nil {
			t.Errorf("%s changes nothing: no future and no alteration", c.ID)
		}
		for _, id := range c.fixes {
			if _, ok := migrations[id]; !ok {
				t.Errorf("%s: fix %q is not a migration", c.ID, id)
			}
		}
	}
	for id, n := range futures {
		if n != 1 {
			t.Errorf("simulator future %s used by %d changes", id, n)
		}
	}
	for id, m := range migrations {
		if m.title == "" || m.fits == nil || m.text == nil {
			t.Errorf("migration %s: title, fits and text are required", id)
		}
	}
}

// TestChangeFacts pins what FACTS.md section 0 says of the dates: the
// default-off date is confirmed, the removal is announced for H2 2027 and
// not confirmed, 550 5.7.30 only the announced removal reply.
func TestChangeFacts(t *testing.T) {
	byID := map[string]*Change{}
	for _, c := range Changes() {
		byID[c.ID] = c
	}
	off, removed := byID["basic-auth-default-off"], byID["basic-auth-removed"]
	if !off.Confirmed || off.Date != "end of December 2026" || !strings.Contains(off.Unconfirmed, "reply") {
		t.Errorf("default-off: %+v", off)
	}
	if removed.Confirmed || !strings.HasPrefix(removed.Date, "announced: H2 2027") || !strings.Contains(removed.Unconfirmed, "5.7.30") {
		t.Errorf("removed: %+v", removed)
	}
	for _, id := range []string{"legacy-tls-removed", "tls-rsa-suites-removed", "hve-endpoint-renamed", "hve-basic-auth-removed"} {
		if byID[id].Confirmed {
			t.Errorf("%s is UNCONFIRMED in FACTS.md", id)
		}
	}
}

func TestSelect(t *testing.T) {
	got, err := Select([]string{"basic-auth-removed", "reject-direct-send"})
	if err != nil || len(got) != 2 || got[0].ID != "reject-direct-send" {
		t.Errorf("Select keeps the table's order: %v %v", got, err)
	}
	_, err = Select([]string{"basic-auth-off"})
	if err == nil || !strings.Contains(err.Error(), `"basic-auth-off"`) || !strings.Contains(err.Error(), strings.Join(ChangeIDs(), ", ")) {
		t.Errorf("an unknown change must name itself and list the ids: %v", err)
	}
}

func TestParseFact(t *testing.T) {
	for _, tc := range []struct {
		in, fact, val, err string
	}{
		{in: "trusts-digicert-g2=yes", fact: "trusts-digicert-g2", val: "yes"},
		{in: " ECDHE = No ", fact: "ecdhe", val: "no"},
		{in: "domain-added=2026-09-14", fact: "domain-added", val: "2026-09-14"},
		{in: "domain-added=14/09/2026", err: "YYYY-MM-DD"},
		{in: "partner-connector=maybe", err: "yes or no"},
		{in: "trust-g2=yes", err: "known facts: domain-added=date, ecdhe=yes|no"},
		{in: "ecdhe", err: "NAME=VALUE"},
	} {
		f, v, err := ParseFact(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || string(f) != tc.fact || v != tc.val):
			t.Errorf("%q: %s=%s %v", tc.in, f, v, err)
		}
	}
	facts, err := siteFacts("hq", []string{"branch", "fact:ecdhe=no"}, Facts{FactECDHE: "yes", FactTrustsG2: "yes"})
	if err != nil || facts[FactECDHE] != "no" || facts[FactTrustsG2] != "yes" {
		t.Errorf("a site's tag wins over --assume: %v %v", facts, err)
	}
	if _, err := siteFacts("hq", []string{"fact:ecdhe"}, nil); err == nil || !strings.Contains(err.Error(), "site hq") {
		t.Errorf("a malformed fact tag names the site: %v", err)
	}
}

// TestSiteKeyDecidesEveryField fails when specs.Site gains a field that
// siteKey neither keys on nor knowingly leaves out: a new field the probe
// reads would otherwise let the memo hand one site another's result.
func TestSiteKeyDecidesEveryField(t *testing.T) {
	decided := map[string]string{
		"Name": "not read by the probe or the verdict", "Method": "keyed", "Endpoint": "keyed", "Client": "keyed (key.go)",
		"Auth": "keyed, secrets by IsSet", "Envelope": "keyed", "Timeouts": "keyed",
		"DNS": "cleared by prepare", "Reputation": "cleared by prepare", "Trace": "cleared by prepare",
		"Expect": "keyed", "Golden": "goldens are not compared", "Control": "keyed", "DeclRange": "position only",
		"Labels": "facts are in the setup, customers in the report",
		"Env":    "the record of env() reads (validate --list-env): not read by the probe",
	}
	typ := reflect.TypeFor[specs.Site]()
	for i := range typ.NumField() {
		if _, ok := decided[typ.Field(i).Name]; !ok {
			t.Errorf("specs.Site.%s: decide in key.go whether it changes a run, and say so here", typ.Field(i).Name)
		}
	}
	client := reflect.TypeFor[specs.Client]()
	keyedClient := []string{"Helo", "TLSMin", "TLSMax", "AuthMechanisms", "Certificate", "Key", "Pipelining", "Greeting"}
	for i := range client.NumField() {
		if !slices.Contains(keyedClient, client.Field(i).Name) {
			t.Errorf("specs.Client.%s: decide in key.go whether it changes a run", client.Field(i).Name)
		}
	}
}
