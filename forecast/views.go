package forecast

import (
	"strings"
)

// dnsRule is what a change does to the names a site resolves, once it
// meets the site: names that no longer exist, and the tenant MX moved.
type dnsRule struct {
	gone       []string // names that answer NXDOMAIN
	goneSuffix string   // and every name under this suffix
	// mxMoved: a domain's MX is under mx.microsoft (mxMicrosoftHost), not
	// <domain>.mail.protection.outlook.com.
	mxMoved bool
}

// view returns the DNS view named key (setup.view: the DNS-altering
// changes applied, joined by "+"; "" for today's), starting it on first
// use. A view holds for every site run in it: a site runs under a change
// only when the change meets it or may meet it (reach), and then it meets
// all of the change, so the rules need not know the site. Today's view
// has every name and today's MX names.
func (f *Forecaster) view(key string) (*view, error) {
	f.viewMu.Lock()
	defer f.viewMu.Unlock()
	if v, ok := f.views[key]; ok {
		return v, nil
	}
	var rules []dnsRule
	for _, id := range strings.Split(key, "+") {
		if c := f.byID[id]; c != nil && c.dns != nil {
			rules = append(rules, *c.dns)
		}
	}
	v, err := startView(f.names, rules)
	if err != nil {
		return nil, err
	}
	f.views[key] = v
	return v, nil
}
