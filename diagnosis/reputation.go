package diagnosis

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// reachFindings are the facts of t.Reach worth a finding whatever the
// verdict: a partial block, the MX, the public IP and its reputation.
func reachFindings(t *transcript.Transcript, in Input) []Finding {
	r := t.Reach
	var fs []Finding
	if f, ok := partialBlock(r, in); ok {
		fs = append(fs, f)
	}
	if r.MX != "" && !catalog.MicrosoftMX(r.MX) && (in.Plan.Method == transcript.DirectSend || in.Plan.Method == transcript.Relay) {
		fs = append(fs, Finding{ID: "mx-not-microsoft", Severity: SevWarning,
			Text: fmt.Sprintf("the MX of %s is %s, not Microsoft 365 ("+catalog.MXPatterns+")", in.MXDomain, r.MX),
			Fix:  "Direct Send and relay reach the tenant's MX host; if a gateway sits in front of Microsoft 365, point the device at the tenant's MX host instead"})
	}
	rep := r.Reputation
	if rep == nil {
		return fs
	}
	if p := rep.PublicIP; p != nil && p.Mismatch != "" {
		fs = append(fs, Finding{ID: "public-ip-mismatch", Severity: SevWarning, Text: p.Mismatch,
			Fix: "run the probe from the printer's own network segment and egress, or update reputation.public_ip"})
	}
	for _, l := range rep.DNSBL {
		switch l.Status {
		case transcript.ListListed:
			fs = append(fs, Finding{ID: "dnsbl-listed", Severity: SevError,
				Text: fmt.Sprintf("%s is listed on %s: %s", rep.PublicIP.IP, l.Zone, l.Meaning), Fix: delistFix(l)})
		case transcript.ListUnknown:
			fs = append(fs, Finding{ID: "dnsbl-unknown", Severity: SevInfo,
				Text: fmt.Sprintf("%s could not say whether %s is listed (%s)", l.Zone, rep.PublicIP.IP, l.Meaning)})
		}
	}
	if p := rep.PTR; p != nil && p.Generic {
		fs = append(fs, Finding{ID: "ptr-generic", Severity: SevWarning, Text: p.Reason,
			Fix: "a mail-sending IP should have a specific reverse name (ask the ISP); generic names mark residential or dynamic ranges"})
	} else if p != nil && len(p.Names) == 0 && p.Error == "" {
		// Microsoft 365 requires reverse DNS only over IPv6 (FACTS.md 1.2:
		// 5.7.25); over IPv4 it is a fact worth recording.
		sev := SevInfo
		if strings.Contains(p.IP, ":") {
			sev = SevWarning
		}
		fs = append(fs, Finding{ID: "ptr-missing", Severity: sev, Text: p.Reason,
			Fix: "ask the ISP for a reverse name (PTR) for the site's public IP"})
	}
	if f, ok := spfFinding(rep.SPF); ok {
		fs = append(fs, f)
	}
	return fs
}

// spfFinding: a miss is a warning that mail will be junked, never a
// failure of the site (FACTS.md 1.2: static IP + SPF recommended).
func spfFinding(s *transcript.SPFResult) (Finding, bool) {
	if s == nil {
		return Finding{}, false
	}
	add := fmt.Sprintf("add ip4:%s to the SPF record of %s (v=spf1 ip4:%s include:spf.protection.outlook.com ~all)", s.IP, s.Domain, s.IP)
	if strings.Contains(s.IP, ":") {
		add = strings.ReplaceAll(add, "ip4:", "ip6:")
	}
	switch s.Result {
	case transcript.SPFPass:
		return Finding{}, false
	case transcript.SPFPermError:
		return Finding{ID: "spf-broken", Severity: SevWarning,
			Text: fmt.Sprintf("the SPF record of %s is broken (permerror: %s): receivers treat its mail as unauthenticated and it will likely be junked", s.Domain, s.Error),
			Fix:  "fix the record: at most 10 DNS-querying terms (include, a, mx, ptr, exists, redirect), no include loops, one v=spf1 record"}, true
	case transcript.SPFTempError:
		return Finding{ID: "spf-unknown", Severity: SevInfo,
			Text: fmt.Sprintf("the SPF record of %s could not be evaluated (%s)", s.Domain, s.Error)}, true
	case transcript.SPFNone:
		return Finding{ID: "spf-miss", Severity: SevWarning,
			Text: fmt.Sprintf("%s publishes no SPF record, so nothing authorises the public IP %s: mail will likely be junked", s.Domain, s.IP), Fix: add}, true
	}
	how := s.Result
	if s.Mechanism != "" {
		how += ", matched " + s.Mechanism
	}
	return Finding{ID: "spf-miss", Severity: SevWarning,
		Text: fmt.Sprintf("the SPF record of %s does not cover the public IP %s (%s): mail will likely be junked", s.Domain, s.IP, how),
		Fix:  add}, true
}

// delistFix says what to do about one listing.
func delistFix(l transcript.DNSBLResult) string {
	if l.Policy {
		return "a dynamic or residential IP should not send directly to Microsoft 365: use submission on 587 (SMTP AUTH), or a static business IP with an inbound connector"
	}
	return "find and clean the source of the listing (an infected host, an open relay), then request removal from " + l.Zone
}

// listings returns the blocklists that list the public IP.
func listings(r *transcript.Reachability) []transcript.DNSBLResult {
	if r.Reputation == nil {
		return nil
	}
	var out []transcript.DNSBLResult
	for _, l := range r.Reputation.DNSBL {
		if l.Status == transcript.ListListed {
			out = append(out, l)
		}
	}
	return out
}

// listedEvidence is "203.0.113.7 on zen.spamhaus.org: 127.0.0.10 (PBL)".
func listedEvidence(r *transcript.Reachability, ls []transcript.DNSBLResult) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", l.Zone, strings.Join(l.Codes, ", "), strings.Join(l.Lists, ", ")))
	}
	return r.Reputation.PublicIP.IP + " listed on " + strings.Join(parts, "; ")
}

func policyOnly(ls []transcript.DNSBLResult) bool {
	for _, l := range ls {
		if !l.Policy {
			return false
		}
	}
	return len(ls) > 0
}

// listedFailure adds what the blocklists say to a refusal of the site:
// a PBL listing turns "banned IP" into "dynamic IP, use submission or a
// static IP with a connector".
func listedFailure(v Verdict, r *transcript.Reachability, in Input) Verdict {
	ls := listings(r)
	if v.Category != catalog.Reputation {
		if len(ls) > 0 {
			return withNotes(v, []string{listedEvidence(r, ls)})
		}
		return v
	}
	switch {
	case policyOnly(ls):
		v = withNotes(v, []string{"the public IP " + r.Reputation.PublicIP.IP + " is on the Spamhaus PBL: a dynamic or residential range"})
		v.Next = "dynamic IP: use submission on 587 (SMTP AUTH) or a static IP with an inbound connector; " + v.Next
	case len(ls) > 0:
		v = withNotes(v, []string{listedEvidence(r, ls)})
		v.Next = "find and clean the source of the listing, request removal from the lists; " + v.Next
	case cleanEverywhere(r):
		v = withNotes(v, []string{"no public blocklist lists " + r.Reputation.PublicIP.IP + ", so the block is Microsoft's own list"})
	}
	return v
}

func cleanEverywhere(r *transcript.Reachability) bool {
	if r.Reputation == nil || len(r.Reputation.DNSBL) == 0 {
		return false
	}
	for _, l := range r.Reputation.DNSBL {
		if l.Status != transcript.ListClean {
			return false
		}
	}
	return true
}

// okWithReach turns an accepted envelope from a listed IP into the
// "Direct Send from a non-enterprise IP" pitfall (DESIGN.md), and notes
// the warnings that do not stop mail today.
func okWithReach(v Verdict, r *transcript.Reachability, in Input, fs []Finding) Verdict {
	if ls := listings(r); len(ls) > 0 && (in.Plan.Method == transcript.DirectSend || in.Plan.Method == transcript.Relay) {
		what := "is listed on a public blocklist (" + strings.Join(ls[0].Lists, ", ") + ")"
		next := delistFix(ls[0])
		if policyOnly(ls) {
			what = "is in a dynamic or residential range (Spamhaus PBL)"
		}
		pitfall := "Direct Send from a non-enterprise IP"
		if in.Plan.Method == transcript.Relay {
			pitfall = "relay from a listed IP"
		}
		v.Category, v.Step, v.Stage, v.Rule = catalog.Reputation, 7, "", "reachability"
		v = refind(v, fmt.Sprintf("%s: the envelope was accepted, but the site's public IP %s %s, so Microsoft 365 may junk or refuse its mail",
			pitfall, r.Reputation.PublicIP.IP, what))
		v.Next, v.Code, v.Enhanced = next, 0, ""
		v.Evidence = listedEvidence(r, ls)
		return v
	}
	var notes []string
	for _, f := range fs {
		if f.Severity == SevWarning {
			notes = append(notes, "warning: "+f.Text)
		}
	}
	return withNotes(v, notes)
}
