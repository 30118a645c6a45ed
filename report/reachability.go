package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// JSONReach is the reachability section of a site in the JSON report:
// DNS answers, connect attempts and the public IP's reputation. Goldens
// never carry these (they vary between runs); reports do.
type JSONReach struct {
	DNS        []JSONDNSAnswer       `json:"dns,omitempty"`
	MX         string                `json:"mx,omitempty"`
	Attempts   []JSONAttempt         `json:"connect_attempts,omitempty"`
	PublicIP   *transcript.PublicIP  `json:"public_ip,omitempty"`
	DNSBL      []JSONList            `json:"dnsbl,omitempty"`
	PTR        *transcript.PTRResult `json:"ptr,omitempty"`
	SPF        *transcript.SPFResult `json:"spf,omitempty"`
	NotChecked string                `json:"reputation_not_checked,omitempty"`
}

// JSONDNSAnswer is one DNS query.
type JSONDNSAnswer struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Server     string   `json:"server"`
	Outcome    string   `json:"outcome"`
	Rcode      string   `json:"rcode,omitempty"`
	Records    []string `json:"records,omitempty"`
	Error      string   `json:"error,omitempty"`
	DurationMS int64    `json:"duration_ms"`
}

// JSONAttempt is one address connect tried.
type JSONAttempt struct {
	Addr       string `json:"addr"`
	Family     string `json:"family"`
	Outcome    string `json:"outcome"`
	Error      string `json:"error,omitempty"`
	Used       bool   `json:"used"`
	DurationMS int64  `json:"duration_ms"`
}

// JSONList is one blocklist's answer.
type JSONList struct {
	Zone    string   `json:"zone"`
	Status  string   `json:"status"` // listed, clean, unknown
	Codes   []string `json:"codes,omitempty"`
	Lists   []string `json:"lists,omitempty"`
	Meaning string   `json:"meaning,omitempty"`
}

// NewJSONReach builds the section, nil when the probe recorded none.
func NewJSONReach(t *transcript.Transcript) *JSONReach {
	if t == nil || t.Reach == nil {
		return nil
	}
	r := t.Reach
	out := &JSONReach{MX: r.MX, NotChecked: r.ReputationSkipped}
	for _, a := range r.DNS {
		out.DNS = append(out.DNS, JSONDNSAnswer{a.Name, a.Type, a.Server, a.Outcome, a.Rcode, a.Records, a.Error, a.Duration.Milliseconds()})
	}
	for _, a := range r.Attempts {
		out.Attempts = append(out.Attempts, JSONAttempt{a.Addr, a.Family, a.Outcome, a.Error, a.Used, a.Duration.Milliseconds()})
	}
	if rep := r.Reputation; rep != nil {
		out.PublicIP, out.PTR, out.SPF = rep.PublicIP, rep.PTR, rep.SPF
		for _, l := range rep.DNSBL {
			out.DNSBL = append(out.DNSBL, JSONList{l.Zone, l.Status, l.Codes, l.Lists, l.Meaning})
		}
	}
	return out
}

// reach prints one line on the site's public IP and blocklists, and one
// on its connect attempts when some failed.
func (h Human) reach(w io.Writer, r *runner.Result, indent string) {
	t := r.Transcript
	if t == nil || t.Reach == nil {
		return
	}
	if line := attemptsLine(t.Reach.Attempts); line != "" {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "connect: "), line)
	}
	rep := t.Reach.Reputation
	if rep == nil || rep.PublicIP == nil {
		return
	}
	ip := rep.PublicIP.IP
	if ip == "" {
		ip = "unknown"
		if rep.PublicIP.Error != "" {
			ip += " (" + rep.PublicIP.Error + ")"
		}
	} else {
		ip += " (" + rep.PublicIP.Source + ")"
	}
	var lists []string
	for _, l := range rep.DNSBL {
		s := l.Zone + " " + l.Status
		if len(l.Lists) > 0 {
			s += " (" + strings.Join(l.Lists, ", ") + ")"
		}
		lists = append(lists, s)
	}
	line := "public IP " + ip
	if len(lists) > 0 {
		line += "; " + strings.Join(lists, ", ")
	}
	if rep.SPF != nil {
		line += "; SPF " + rep.SPF.Result
	}
	fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "ip:      "), line)
}

// attemptsLine lists every attempt when at least one failed.
func attemptsLine(atts []transcript.ConnectAttempt) string {
	failed := false
	var parts []string
	for _, a := range atts {
		if a.Outcome != transcript.Connected {
			failed = true
		}
		parts = append(parts, a.Addr+" "+a.Outcome)
	}
	if !failed || len(atts) < 2 {
		return ""
	}
	return strings.Join(parts, ", ")
}
