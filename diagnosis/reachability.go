package diagnosis

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// withReachability lets what the probe learnt around the SMTP
// conversation speak in the verdict (checklist steps 2 and 7): the DNS
// outcome that stopped resolve, how each address answered connect, and
// the site's public IP, blocklists and SPF. Facts that do not decide the
// verdict become findings, and notes on a verdict that is otherwise ok.
func withReachability(v Verdict, t *transcript.Transcript, in Input) Verdict {
	if t == nil || t.Reach == nil {
		return v
	}
	r := t.Reach
	fs := reachFindings(t, in)
	v.Findings = append(v.Findings, fs...)
	f, failed := t.Failed()
	switch {
	case failed && f.Stage == transcript.Resolve && v.Stage == transcript.Resolve:
		if fd, ev, ok := dnsFinding(r, in); ok {
			return replaceFinding(v, fd, ev)
		}
	case failed && f.Stage == transcript.Connect && v.Stage == transcript.Connect:
		if fd, ok := connectFinding(r, in); ok {
			return replaceFinding(v, fd, v.Evidence)
		}
	case failed && f.Reply != nil && (f.Stage == transcript.Rcpt || f.Stage == transcript.Mail || f.Stage == transcript.Banner):
		return listedFailure(v, r, in)
	case !failed && v.Category == catalog.OK:
		return okWithReach(v, r, in, fs)
	}
	return v
}

// replaceFinding puts fd in place of v's finding, keeping its stage.
func replaceFinding(v Verdict, fd finding, ev string) Verdict {
	v = refind(v, fd.text)
	v.Category, v.Step, v.Next, v.Evidence = fd.cat, fd.step, fd.next, ev
	v.Rule = "reachability"
	return v
}

// dnsFinding explains the resolve failure by the DNS outcome that
// decided it: a silent resolver, a failing one, a refusing one, a name
// that does not exist and one without records call for different fixes.
func dnsFinding(r *transcript.Reachability, in Input) (finding, string, bool) {
	a, ok := decidingAnswer(r.DNS)
	if !ok {
		return finding{}, "", false
	}
	what := a.Type + " " + a.Name
	ev := fmt.Sprintf("%s: %s", what, a.Error)
	switch a.Outcome {
	case transcript.DNSTimeout:
		return finding{catalog.Network, 2,
			fmt.Sprintf("the resolver %s did not answer for %s in time: it is unreachable from this network, or a firewall drops DNS", a.Server, a.Name),
			"check the device's DNS server setting and that UDP and TCP port 53 to it are allowed; compare with another resolver (dig @RESOLVER " + a.Name + ")"}, ev, true
	case transcript.DNSServFail:
		return finding{catalog.Network, 2,
			fmt.Sprintf("the resolver %s failed to resolve %s (SERVFAIL): a DNSSEC validation failure, or it cannot reach the domain's name servers", a.Server, a.Name),
			"ask another resolver (dig @OTHER " + a.Name + "); if it answers there, fix or replace the site's resolver; if it fails everywhere, the domain's DNS is broken (DNSSEC, delegation)"}, ev, true
	case transcript.DNSRefused:
		return finding{catalog.Network, 2,
			fmt.Sprintf("the resolver %s refused to answer (REFUSED): it does not serve this network", a.Server),
			"use the DNS server the site's network hands out (DHCP), or allow this network in the resolver's access list"}, ev, true
	case transcript.DNSNXDomain:
		next := "check the spelling of " + a.Name + "; if it resolves elsewhere, the site's resolver serves a private (split-horizon) copy of the zone"
		if a.Type == "MX" {
			next = "check mx_domain's spelling: the tenant's MX host is shown in the Microsoft 365 admin center (Settings > Domains)"
		}
		return finding{catalog.Network, 2, fmt.Sprintf("%s does not exist (NXDOMAIN)", a.Name), next}, ev, true
	case transcript.DNSNoData:
		next := "check the host name: it exists in DNS but has no address"
		if a.Type == "MX" {
			next = "publish the MX record Microsoft 365 gives for the domain (<domain>.mail.protection.outlook.com), or set endpoint.host to the MX host"
		}
		return finding{catalog.Network, 2, fmt.Sprintf("%s exists but has no %s records", a.Name, recordKind(a, r)), next}, ev, true
	}
	return finding{catalog.Network, 2, fmt.Sprintf("the lookup of %s failed", a.Name),
		"check the device's DNS server setting and that it is reachable on port 53"}, ev, true
}

// decidingAnswer picks the failed answer that explains the failure, by
// the same order the runner words it: a silent or failing resolver
// before a missing name, a missing name before missing records.
func decidingAnswer(as []transcript.DNSAnswer) (transcript.DNSAnswer, bool) {
	order := []string{transcript.DNSTimeout, transcript.DNSServFail, transcript.DNSRefused, transcript.DNSError,
		transcript.DNSNXDomain, transcript.DNSNoData}
	for _, o := range order {
		for _, a := range as {
			if a.Outcome == o {
				return a, true
			}
		}
	}
	return transcript.DNSAnswer{}, false
}

// recordKind says "A or AAAA" when both address lookups came back empty.
func recordKind(a transcript.DNSAnswer, r *transcript.Reachability) string {
	if a.Type == "A" || a.Type == "AAAA" {
		return "A or AAAA"
	}
	return a.Type
}

// connectFinding explains a connect stage where every address failed
// the same way; port 25 blocked by the ISP is its own finding.
func connectFinding(r *transcript.Reachability, in Input) (finding, bool) {
	n := len(r.Attempts)
	if n == 0 {
		return finding{}, false
	}
	kind := r.Attempts[0].Outcome
	for _, a := range r.Attempts {
		if a.Outcome != kind {
			return finding{}, false
		}
	}
	all := "the only address"
	if n > 1 {
		all = fmt.Sprintf("all %d addresses", n)
	}
	port25 := in.Port == 25 || (in.Port == 0 && in.Plan.Method != transcript.Submission)
	switch {
	case port25 && kind == string(transcript.KindTimeout):
		return finding{catalog.Network, 2,
			fmt.Sprintf("outbound port 25 is blocked: %s of the server time out on port 25 (the ISP or the site's firewall drops it)", all),
			"ask the ISP or the firewall admin to allow outbound TCP 25 to Microsoft 365 (residential lines usually block it); meanwhile submission on 587 is the control (checklist step 8)"}, true
	case port25 && kind == string(transcript.KindRefused):
		return finding{catalog.Network, 2,
			fmt.Sprintf("outbound port 25 is rejected: %s refuse the connection on port 25, which Microsoft 365 never does (a local firewall or the ISP rejects it)", all),
			"allow outbound TCP 25 to Microsoft 365 in the site's firewall or ask the ISP; meanwhile submission on 587 is the control (checklist step 8)"}, true
	}
	return finding{}, false
}

// partialBlock words connect attempts of which some failed although the
// probe got through: "2 of 4 addresses time out".
func partialBlock(r *transcript.Reachability, in Input) (Finding, bool) {
	failed := map[string]int{}
	var kinds []string
	v6Failed, v6, used := 0, 0, false
	for _, a := range r.Attempts {
		if a.Family == "ipv6" {
			v6++
		}
		if a.Outcome == transcript.Connected {
			used = true
			continue
		}
		if a.Outcome == "" {
			continue
		}
		if failed[a.Outcome] == 0 {
			kinds = append(kinds, a.Outcome)
		}
		failed[a.Outcome]++
		// Only a timeout or an unreachable says there is no route: a
		// refusal came back from the server, so the route works.
		if a.Family == "ipv6" && (a.Outcome == string(transcript.KindTimeout) || a.Outcome == string(transcript.KindUnreachable)) {
			v6Failed++
		}
	}
	if !used || len(kinds) == 0 {
		return Finding{}, false
	}
	var parts []string
	for _, k := range kinds {
		verb := map[string]string{"timeout": "time out", "refused": "refuse the connection", "unreachable": "are unreachable"}[k]
		if verb == "" {
			verb = "fail (" + k + ")"
		}
		parts = append(parts, fmt.Sprintf("%d of %d addresses %s", failed[k], len(r.Attempts), verb))
	}
	text := strings.Join(parts, ", ") + " on port " + portOf(r) + ": the probe got through on another"
	fix := "allow outbound TCP " + portOf(r) + " to every address of the server (Microsoft 365's addresses rotate), not just some; otherwise mail fails intermittently"
	if v6Failed > 0 && v6Failed == v6 && v6 < len(r.Attempts) {
		text += "; every IPv6 address fails: this network has no working IPv6 route"
		fix += "; fix IPv6 routing or disable IPv6 on the device, so it does not try addresses it cannot reach"
	}
	return Finding{ID: "connect-partial", Severity: SevWarning, Text: text, Fix: fix}, true
}

func portOf(r *transcript.Reachability) string {
	for _, a := range r.Attempts {
		if i := strings.LastIndex(a.Addr, ":"); i >= 0 {
			return a.Addr[i+1:]
		}
	}
	return "?"
}
