package checks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// names reports whether e names any field at all.
func (e *Expect) names() bool {
	return e.Code != 0 || e.Enhanced != "" || e.Text != nil || e.Error != "" ||
		len(e.Capabilities) > 0 || e.VersionMin != "" || e.CertDaysMin != 0
}

// describe lists the fields e names, for "as expected: ..." reasons.
func (e *Expect) describe() string {
	var parts []string
	if e.Code != 0 {
		parts = append(parts, "code "+strconv.Itoa(e.Code))
	}
	if e.Enhanced != "" {
		parts = append(parts, "enhanced code "+e.Enhanced)
	}
	if e.Text != nil {
		parts = append(parts, fmt.Sprintf("text matching %q", e.Text.String()))
	}
	if e.Error != "" {
		parts = append(parts, "error "+string(e.Error))
	}
	if len(e.Capabilities) > 0 {
		parts = append(parts, "capabilities "+strings.Join(e.Capabilities, ", "))
	}
	if e.VersionMin != "" {
		parts = append(parts, "TLS version >= "+e.VersionMin)
	}
	if e.CertDaysMin != 0 {
		parts = append(parts, fmt.Sprintf("certificate valid >= %d more days", e.CertDaysMin))
	}
	return strings.Join(parts, ", ")
}

// compare checks each field e names against what the stage recorded and
// returns one "expected X, got Y" line per mismatch. Fields e leaves zero
// are not looked at.
func compare(e *Expect, r transcript.StageResult, t *transcript.Transcript, s subject, now time.Time) []string {
	var miss []string
	add := func(m string) {
		if m != "" {
			miss = append(miss, m)
		}
	}
	if e.Code != 0 {
		add(compareCode(e.Code, r))
	}
	if e.Enhanced != "" {
		add(compareEnhanced(e.Enhanced, r))
	}
	if e.Text != nil {
		add(compareText(e, r))
	}
	if e.Error != "" {
		add(compareError(e.Error, r))
	}
	if len(e.Capabilities) > 0 {
		add(compareCaps(e.Capabilities, r.Stage, s))
	}
	if e.VersionMin != "" {
		add(compareVersion(e.VersionMin, s))
	}
	if e.CertDaysMin != 0 {
		add(compareCertDays(e.CertDaysMin, s, now))
	}
	return miss
}

// got renders what the stage recorded in place of a reply: the reply code
// and its first line's text, or the error.
func got(r transcript.StageResult) string {
	switch {
	case r.Reply != nil:
		return fmt.Sprintf("%d %q", r.Reply.Code, firstLine(r.Reply))
	case r.Err != nil:
		return "no reply (" + r.Err.Error() + ")"
	}
	return "no reply"
}

func firstLine(rep *transcript.Reply) string {
	if len(rep.Lines) == 0 {
		return ""
	}
	return rep.Lines[0]
}

func compareCode(want int, r transcript.StageResult) string {
	if r.Reply != nil && r.Reply.Code == want {
		return ""
	}
	return fmt.Sprintf("expected code %d, got %s", want, got(r))
}

func compareEnhanced(want string, r transcript.StageResult) string {
	if r.Reply == nil {
		return fmt.Sprintf("expected enhanced code %s, got %s", want, got(r))
	}
	if r.Reply.Enhanced == want {
		return ""
	}
	have := r.Reply.Enhanced
	if have == "" {
		have = "none"
	}
	return fmt.Sprintf("expected enhanced code %s, got %s (%s)", want, have, got(r))
}

// compareText matches the regexp against the whole reply text (all lines
// joined) or, without a reply, the error text.
func compareText(e *Expect, r transcript.StageResult) string {
	var text string
	switch {
	case r.Reply != nil:
		text = r.Reply.Text()
		if e.Text.MatchString(text) {
			return ""
		}
	case r.Err != nil:
		text = r.Err.Error()
		if e.Text.MatchString(r.Err.Text) || e.Text.MatchString(text) {
			return ""
		}
	default:
		return fmt.Sprintf("expected text matching %q, got no reply", e.Text.String())
	}
	return fmt.Sprintf("expected text matching %q, got %q", e.Text.String(), text)
}

// compareError wants a failure without a reply, of the named kind. A
// reply, even a refusal, is a mismatch: the spec said nothing would answer.
func compareError(want transcript.Kind, r transcript.StageResult) string {
	switch {
	case r.Reply != nil:
		return fmt.Sprintf("expected error %s, got reply %s", want, got(r))
	case r.Err == nil && r.Status == transcript.Pass:
		return fmt.Sprintf("expected error %s, got none: the stage passed", want)
	case r.Err == nil:
		return fmt.Sprintf("expected error %s, got none", want)
	case r.Err.Kind != want:
		return fmt.Sprintf("expected error %s, got %s", want, r.Err.Error())
	}
	return ""
}

// compareCaps wants every named keyword in the stage's capability list,
// case-insensitively and ignoring parameters ("AUTH" matches
// "AUTH LOGIN XOAUTH2").
func compareCaps(want []string, stage transcript.Stage, s subject) string {
	if !s.hasCaps {
		return "expected capabilities " + strings.Join(want, ", ") + ", but capabilities are only advertised at " + string(transcript.EHLO) + " and " + string(transcript.EHLOTLS)
	}
	var missing []string
	for _, w := range want {
		if !s.caps.Has(w) {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	advertised := "nothing"
	if len(s.caps) > 0 {
		advertised = strings.Join(s.caps, ", ")
	}
	return fmt.Sprintf("expected capabilities %s at %s, missing %s (advertised: %s)",
		strings.Join(want, ", "), stage, strings.Join(missing, ", "), advertised)
}

func compareVersion(want string, s subject) string {
	if !s.hasTLS {
		return "expected TLS version >= " + want + ", but the TLS version is only known at the " + string(transcript.TLS) + " stage"
	}
	if s.tls == nil || s.tls.Version == "" {
		return "expected TLS version >= " + want + ", got no TLS session"
	}
	w, okw := tlsVersion(want)
	g, okg := tlsVersion(s.tls.Version)
	if !okw {
		return fmt.Sprintf("expected TLS version >= %s: not a TLS version (1.0 to 1.3)", want)
	}
	if okg && g >= w {
		return ""
	}
	return "expected TLS version >= " + want + ", got " + s.tls.Version
}

// tlsVersion turns "1.2", "TLS1.2", "TLS 1.2" or "TLSv1.2" into 12. SSL
// versions parse as 0, below every TLS version.
func tlsVersion(v string) (int, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if strings.HasPrefix(v, "SSL") {
		return 0, true
	}
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(v, "TLS"), "V"))
	major, minor, ok := strings.Cut(v, ".")
	if !ok {
		return 0, false
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || ma != 1 || mi < 0 || mi > 9 {
		return 0, false
	}
	return 10*ma + mi, true
}

// compareCertDays wants the certificate to stay valid at least days more
// days after now (now is injected so the result is reproducible).
func compareCertDays(days int, s subject, now time.Time) string {
	want := fmt.Sprintf("expected certificate valid >= %d more days", days)
	if !s.hasTLS {
		return want + ", but the certificate is only known at the " + string(transcript.TLS) + " stage"
	}
	if s.tls == nil || s.tls.NotAfter.IsZero() {
		return want + ", got no certificate"
	}
	left := s.tls.NotAfter.Sub(now)
	if left >= time.Duration(days)*24*time.Hour {
		return ""
	}
	if left < 0 {
		return fmt.Sprintf("%s, got a certificate that expired %d days ago", want, int(-left/(24*time.Hour)))
	}
	return fmt.Sprintf("%s, got %d", want, int(left/(24*time.Hour)))
}
