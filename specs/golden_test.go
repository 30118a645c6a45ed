package specs

import (
	"testing"

	"github.com/smtpspec/smtpspec/golden"
)

// TestGoldenBlock: the golden block over the file's defaults. The site's
// detail wins; its rules follow the defaults', replacing a default of the
// same name; a site without a golden block takes the defaults whole.
func TestGoldenBlock(t *testing.T) {
	const src = `
site "own" {
  method = "direct_send"
  endpoint { host = "contoso-com.mail.protection.outlook.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  golden {
    detail = "full"
    redact "ticket" {
      pattern = "T-[0-9]+"
      replace = "<T>"
    }
    redact "site" {
      pattern = "branch-[a-z]+"
    }
  }
}

defaults {
  golden {
    detail = "codes"
    redact "ticket" {
      pattern = "ticket-[0-9]+"
    }
    redact "asset" {
      pattern = "ASSET[0-9]{6}"
      replace = "<ASSET>"
    }
  }
}

site "inherits" {
  method = "direct_send"
  endpoint { host = "contoso-com.mail.protection.outlook.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
`
	sites, diags := NewLoader(testEnv()).LoadSource("g.hcl", []byte(src))
	if diags.HasErrors() || len(sites) != 2 {
		t.Fatalf("load: %d sites, %v", len(sites), diags)
	}
	type rule struct{ name, pattern, replace string }
	rules := func(o golden.Options) []rule {
		var out []rule
		for _, r := range o.Rules {
			out = append(out, rule{r.Name, r.Pattern.String(), r.Replace})
		}
		return out
	}
	tests := []struct {
		site   int
		detail golden.Detail
		rules  []rule
	}{
		{0, "", []rule{{"asset", "ASSET[0-9]{6}", "<ASSET>"}, {"ticket", "T-[0-9]+", "<T>"}, {"site", "branch-[a-z]+", "<SITE>"}}},
		{1, golden.Codes, []rule{{"ticket", "ticket-[0-9]+", "<TICKET>"}, {"asset", "ASSET[0-9]{6}", "<ASSET>"}}},
	}
	for _, tt := range tests {
		g := sites[tt.site].Golden
		if g.Detail != tt.detail {
			t.Errorf("%s: detail %q, want %q", sites[tt.site].Name, g.Detail, tt.detail)
		}
		got := rules(g)
		if len(got) != len(tt.rules) {
			t.Fatalf("%s: rules %v, want %v", sites[tt.site].Name, got, tt.rules)
		}
		for i := range got {
			if got[i] != tt.rules[i] {
				t.Errorf("%s: rule %d = %v, want %v", sites[tt.site].Name, i, got[i], tt.rules[i])
			}
		}
	}
}
