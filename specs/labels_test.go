package specs

import (
	"slices"
	"testing"
)

// TestLabels: customer and tags decode as written; they change nothing
// the probe does (the errors are in testdata/invalid/labels.hcl).
func TestLabels(t *testing.T) {
	src := []byte(`site "hq" {
  method   = "submission"
  customer = "Contoso Ltd"
  tags     = ["branch", "fact:trusts-digicert-g2=yes"]
  endpoint { host = "smtp.office365.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
site "bare" {
  method = "submission"
  endpoint { host = "smtp.office365.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
`)
	sites, diags := NewLoader(testEnv()).LoadSource("labels.hcl", src)
	if diags.HasErrors() || len(sites) != 2 {
		t.Fatalf("%d sites, %v", len(sites), diags)
	}
	if l := sites[0].Labels; l.Customer != "Contoso Ltd" || !slices.Equal(l.Tags, []string{"branch", "fact:trusts-digicert-g2=yes"}) {
		t.Errorf("labels %+v", l)
	}
	if l := sites[1].Labels; l.Customer != "" || l.Tags != nil {
		t.Errorf("no labels written, got %+v", l)
	}
	if sites[0].Plan() != sites[1].Plan() {
		t.Errorf("labels changed the plan: %+v vs %+v", sites[0].Plan(), sites[1].Plan())
	}
}
