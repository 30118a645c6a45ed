package exporter

import (
	"slices"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Every label value passes through one of these: a value outside the
// closed vocabulary becomes "other", so a hostile server or a new code
// path can never put a reply text, an address or a secret into a label,
// nor grow the number of series without bound.

const other = "other"

var categories = []checks.Category{checks.OK, checks.Network, checks.Firewall, checks.TLSCat, checks.AuthCat,
	checks.Reputation, checks.Policy, checks.Recipient, checks.Service, checks.Config}

func category(c checks.Category) string {
	if c == "" || slices.Contains(categories, c) {
		return string(c)
	}
	return other
}

func status(s runner.Status) string {
	switch s {
	case runner.StatusPass, runner.StatusFail, runner.StatusDrift, runner.StatusNew, runner.StatusError:
		return string(s)
	}
	return other
}

func stageLabel(s transcript.Stage) string {
	if s == "" || slices.Contains(transcript.Stages(), s) {
		return string(s)
	}
	return other
}

var (
	codeRE     = lazyre.New(`^[2-5][0-9][0-9]$`)
	enhancedRE = lazyre.New(`^[245]\.[0-9]{1,3}\.[0-9]{1,3}$`)
	findingRE  = lazyre.New(`^[a-z][a-z0-9-]{0,47}$`)
)

func codeLabel(s string) string {
	if s == "" || codeRE.MatchString(s) {
		return s
	}
	return other
}

func enhancedLabel(s string) string {
	if s == "" || enhancedRE.MatchString(s) {
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

func severity(s checks.Severity) string {
	switch s {
	case checks.SevError, checks.SevWarning, checks.SevInfo:
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
	code, rest, _ := strings.Cut(line, " ")
	n, err := strconv.Atoi(code)
	if err != nil || !codeRE.MatchString(code) {
		return 0, ""
	}
	return n, transcript.ParseEnhanced(rest)
}
