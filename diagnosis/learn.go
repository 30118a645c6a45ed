package diagnosis

import "github.com/smtpspec/smtpspec/catalog"

import "strings"

// learnByCategory is the page for a finding without its own.
var learnByCategory = map[catalog.Category]string{
	catalog.Network:    catalog.LearnMFP,
	catalog.Firewall:   catalog.LearnFixIssues,
	catalog.TLSCat:     catalog.LearnMFP,
	catalog.AuthCat:    catalog.LearnSMTPAuth,
	catalog.Reputation: catalog.LearnFixIssues,
	catalog.Policy:     catalog.LearnNDR,
	catalog.Recipient:  catalog.LearnNDR,
	catalog.Service:    catalog.LearnFixIssues,
	catalog.Config:     catalog.LearnMFP,
}

// learnByRule names pages for rules (rules.go, replies.go, noreply.go,
// firewall.go, config.go) that have a better one than their category's.
var learnByRule = map[string]string{
	"auth-before-starttls": catalog.LearnSMTPAuth,
	"auth-not-offered":     catalog.LearnSMTPAuth,
	"relay-refused":        catalog.LearnRelay,
	"tls-version":          catalog.LearnLegacyTLS,
	"cert-authority":       catalog.LearnRootG2,
	"cert-expired":         catalog.LearnRootG2,
	"cert-unverified":      catalog.LearnRootG2,
	"tls-failed":           catalog.LearnTLSAgree,
	"tls-cut":              catalog.LearnTLSAgree,
}

// LearnFor is the page for verdict v: its catalog row's, its rule's, else
// its category's ("" for ok).
func LearnFor(v Verdict) string {
	if v.Category == catalog.OK || v.Category == "" {
		return ""
	}
	if id, ok := strings.CutPrefix(v.Rule, "catalog:"); ok {
		if e := catalog.Lookup(id); e != nil && e.Learn != "" {
			return e.Learn
		}
	}
	if u, ok := learnByRule[v.Rule]; ok {
		return u
	}
	if strings.HasPrefix(v.Rule, "endpoint:hve") {
		return catalog.LearnHVE
	}
	return learnByCategory[v.Category]
}
