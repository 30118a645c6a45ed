package checks

import (
	"fmt"
	"net"
	"path"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// resolveCheck judges the name lookup (the endpoint host, or the MX of
// mx_domain). Besides the protocol status it holds direct_send and relay
// to their contract: the MX must be Microsoft 365's
// (*.mail.protection.outlook.com or *.mx.microsoft, FACTS.md 0, 1.2,
// 1.3) unless the spec
// pins another with expect "resolve" { mx = "..." }; and it compares
// the answers with the addresses the spec pins.
type resolveCheck struct{}

func (resolveCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	var miss []string
	mx := ""
	if t != nil && t.Reach != nil {
		mx = t.Reach.MX
	}
	switch {
	case e != nil && e.MX != "" && r.Status == transcript.Pass:
		if ok, _ := path.Match(strings.ToLower(e.MX), strings.ToLower(mx)); !ok {
			miss = append(miss, fmt.Sprintf("expected MX %s, got %s", e.MX, noneIfEmpty(mx)))
		}
	case mx != "" && !catalog.MicrosoftMX(mx) && (t.Method == transcript.DirectSend || t.Method == transcript.Relay):
		miss = append(miss, fmt.Sprintf("the MX is %s, not Microsoft 365 ("+catalog.MXPatterns+"): %s reaches the tenant's MX; "+
			"pin a gateway in front of Microsoft 365 with expect \"resolve\" { mx = %q }", mx, t.Method, mx))
	}
	if e != nil && len(e.Addresses) > 0 && r.Status == transcript.Pass && t.Reach != nil {
		miss = append(miss, compareAddresses(e.Addresses, t.Reach.Addresses)...)
	}
	rest := e
	if e != nil {
		cp := *e
		cp.MX, cp.Addresses = "", nil
		rest = &cp
	}
	o := judge(r, t, rest, now, subject{}, plain(r))
	if len(miss) > 0 {
		return Outcome{Stage: r.Stage, Status: transcript.Fail, Reason: strings.Join(miss, "; ")}
	}
	if e != nil && (e.MX != "" || len(e.Addresses) > 0) && o.Status == transcript.Pass && !o.Expected {
		o.Expected, o.Reason = true, "as expected: "+describeResolve(e)
	}
	return o
}

// compareAddresses: every answer inside a pinned address or prefix, and
// every pinned single address among the answers.
func compareAddresses(want, got []string) []string {
	var miss []string
	for _, g := range got {
		ip := net.ParseIP(g)
		found := false
		for _, w := range want {
			if _, n, err := net.ParseCIDR(w); err == nil && ip != nil && n.Contains(ip) {
				found = true
			} else if wip := net.ParseIP(w); wip != nil && wip.Equal(ip) {
				found = true
			}
		}
		if !found {
			miss = append(miss, fmt.Sprintf("address %s is not among the expected %s", g, strings.Join(want, ", ")))
		}
	}
	for _, w := range want {
		wip := net.ParseIP(w)
		if wip == nil {
			continue
		}
		found := false
		for _, g := range got {
			if ip := net.ParseIP(g); ip != nil && ip.Equal(wip) {
				found = true
			}
		}
		if !found {
			miss = append(miss, fmt.Sprintf("expected address %s, got %s", w, noneIfEmpty(strings.Join(got, ", "))))
		}
	}
	return miss
}

func describeResolve(e *Expect) string {
	var parts []string
	if e.MX != "" {
		parts = append(parts, "MX "+e.MX)
	}
	if len(e.Addresses) > 0 {
		parts = append(parts, "addresses in "+strings.Join(e.Addresses, ", "))
	}
	return strings.Join(parts, ", ")
}

func noneIfEmpty(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
