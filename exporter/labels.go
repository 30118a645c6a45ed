package exporter

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Every label value passes through one of these: a value outside the
// closed vocabulary becomes "other", so a hostile server or a new code
// path can never put a reply text, an address or a secret into a label,
// nor grow the number of series without bound.

const other = "other"

var categories = []catalog.Category{catalog.OK, catalog.Network, catalog.Firewall, catalog.TLSCat, catalog.AuthCat,
	catalog.Reputation, catalog.Policy, catalog.Recipient, catalog.Service, catalog.Config}

func category(c catalog.Category) string {
	if c == "" || slices.Contains(categories, c) {
		return string(c)
	}
	return other
}

func status(s runner.Status) string {
	if slices.Contains(runner.Outcomes, s) {
		return string(s)
	}
	return other
}

func stageLabel(s transcript.Stage) string {
	if _, ok := transcript.ParseStage(string(s)); s == "" || ok {
		return string(s)
	}
	return other
}

var findingRE = lazyre.New(`^[a-z][a-z0-9-]{0,47}$`)

func codeLabel(s string) string {
	if s == "" || replyCode(s) {
		return s
	}
	return other
}

// replyCode: s is a reply code alone, three digits in 200-599.
func replyCode(s string) bool {
	_, _, _, err := transcript.ParseReplyLine(s)
	return err == nil && len(s) == 3
}

func enhancedLabel(s string) string {
	if s == "" || transcript.ValidEnhanced(s) {
		return s
	}
	return other
}

func findingID(s string) string {
	if findingRE.MatchString(s) {
		return s
	}
	return other
}

func severity(s diagnosis.Severity) string {
	switch s {
	case diagnosis.SevError, diagnosis.SevWarning, diagnosis.SevInfo:
		return string(s)
	}
	return other
}

// tlsVersion is blackbox_exporter's spelling ("TLS 1.3") of the
// transcript's ("TLS1.3"); "" when no version was negotiated.
func tlsVersion(v string) string {
	switch v {
	case "":
		return ""
	case "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3":
		return "TLS " + strings.TrimPrefix(v, "TLS")
	}
	return "unknown"
}

// recordedReply reads the code and enhanced code of the reply line the
// AUTH-failure guard recorded ("535 5.7.139 Authentication ...").
func recordedReply(line string) (int, string) {
	code, final, text, err := transcript.ParseReplyLine(line)
	if err != nil || !final {
		return 0, ""
	}
	return code, transcript.ParseEnhanced(text)
}
