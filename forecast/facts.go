package forecast

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Fact is something about a site that its spec does not say and that
// decides whether a change reaches it. A site states one with a tag,
// tags = ["fact:trusts-digicert-g2=yes"], and a whole forecast with
// --assume trusts-digicert-g2=yes; the site's own tag wins.
type Fact string

const (
	FactTrustsG2       Fact = "trusts-digicert-g2"     // yes|no: the device trusts DigiCert Global Root G2
	FactECDHE          Fact = "ecdhe"                  // yes|no: the device offers ECDHE suites
	FactDomainAdded    Fact = "domain-added"           // YYYY-MM-DD: when the tenant added the accepted domain
	FactSenderAccepted Fact = "sender-domain-accepted" // yes|no: the sender's domain is an accepted domain of the tenant
	FactPartner        Fact = "partner-connector"      // yes|no: a partner connector matches the Direct Send device
	FactPlainAccepted  Fact = "plain-accepted"         // yes|no: the tenant accepts AUTH PLAIN (UNCONFIRMED, FACTS.md 1.1)
)

// factValues lists every fact with what it accepts: "yes|no" or "date".
var factValues = map[Fact]string{
	FactTrustsG2: "yes|no", FactECDHE: "yes|no", FactDomainAdded: "date",
	FactSenderAccepted: "yes|no", FactPartner: "yes|no", FactPlainAccepted: "yes|no",
}

// factTag is the prefix of a tag that states a fact.
const factTag = "fact:"

// Facts are the facts known about one site.
type Facts map[Fact]string

// FactNames lists the facts, sorted, for messages.
func FactNames() []string {
	var out []string
	for f, v := range factValues {
		out = append(out, string(f)+"="+v)
	}
	slices.Sort(out)
	return out
}

// ParseFact reads "NAME=VALUE" (a tag without its "fact:", or --assume).
func ParseFact(s string) (Fact, string, error) {
	name, val, ok := strings.Cut(s, "=")
	f := Fact(strings.ToLower(strings.TrimSpace(name)))
	want, known := factValues[f]
	switch {
	case !ok:
		return "", "", fmt.Errorf("%q: want NAME=VALUE, one of %s", s, strings.Join(FactNames(), ", "))
	case !known:
		return "", "", fmt.Errorf("%q: unknown fact %q; known facts: %s", s, name, strings.Join(FactNames(), ", "))
	}
	val = strings.ToLower(strings.TrimSpace(val))
	if want == "date" {
		if _, err := time.Parse(time.DateOnly, val); err != nil {
			return "", "", fmt.Errorf("%q: %s takes a date, YYYY-MM-DD", s, f)
		}
		return f, val, nil
	}
	if val != "yes" && val != "no" {
		return "", "", fmt.Errorf("%q: %s takes yes or no", s, f)
	}
	return f, val, nil
}

// siteFacts merges the fleet's assumptions with the site's fact: tags
// (which win). A malformed fact: tag is an error naming the site.
func siteFacts(site string, tags []string, assumed Facts) (Facts, error) {
	out := Facts{}
	for f, v := range assumed {
		out[f] = v
	}
	for _, t := range tags {
		rest, ok := strings.CutPrefix(t, factTag)
		if !ok {
			continue
		}
		f, v, err := ParseFact(rest)
		if err != nil {
			return nil, fmt.Errorf("site %s: tag %w", site, err)
		}
		out[f] = v
	}
	return out, nil
}

// yes reports whether f is known to be yes, no whether it is known to
// be no; neither when it is unknown.
func (fs Facts) yes(f Fact) bool { return fs[f] == "yes" }
func (fs Facts) no(f Fact) bool  { return fs[f] == "no" }

// settle is the sentence that tells a reader how to state f.
func settle(f Fact, example string) string {
	return fmt.Sprintf("state it with tags = [\"fact:%s=%s\"] on the site, or --assume %s=%s for all", f, example, f, example)
}
