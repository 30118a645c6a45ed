package checks

import (
	"regexp"

	"github.com/smtpspec/smtpspec/transcript"
)

// Pos is where a spec declared something, for messages and CI annotations.
type Pos struct {
	File   string
	Line   int
	Column int
}

// Expect is the spec's expectation for one stage. Only the fields the spec
// sets are compared (zero values mean "not named"), so a spec that pins only
// the code ignores the text.
type Expect struct {
	Stage        transcript.Stage
	Code         int             // reply code, 0 = not named
	Enhanced     string          // "5.7.606", "" = not named
	Text         *regexp.Regexp  // matched against the reply text or error text
	Capabilities []string        // EHLO keywords that must be advertised
	Error        transcript.Kind // failure without a reply: "timeout", "tls", ...
	VersionMin   string          // tls stage: "1.2"
	CertDaysMin  int             // tls stage: certificate must be valid this many more days
	MX           string          // resolve stage: the MX host, a glob ("*.mail.protection.outlook.com")
	Addresses    []string        // resolve stage: addresses or CIDR prefixes every answer must fall in
	Status       string          // trace stage: the message trace status, EAC spelling ("Delivered"); trace.go
	Pos          Pos             // where the expect block starts
}

// Outcome is the final judgement of one stage: the protocol status with
// the spec's expectation applied.
type Outcome struct {
	Stage    transcript.Stage
	Status   transcript.Status // pass, fail or skip after expectations
	Expected bool              // an expectation named this stage and it matched
	Reason   string            // why the stage failed (or what was expected), "" on plain pass
}
