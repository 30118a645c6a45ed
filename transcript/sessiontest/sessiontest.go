// Package sessiontest builds transcripts for tests the way the runner
// records them: every stage of a plan in order, passing with Microsoft
// 365's usual replies (FACTS.md section 2) up to the stage that fails,
// the rest skipped. The judge's and the diagnosis' tests share it.
package sessiontest

import (
	"strconv"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Now is the tests' clock: certificates are valid around it.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// The plans most tests probe: submission with AUTH, and Direct Send.
var (
	SubmissionPlan = transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true}
	DirectPlan     = transcript.Plan{Method: transcript.DirectSend, TLS: transcript.StartTLS}
)

// MSHost is the front-end host a Microsoft 365 reply names.
const MSHost = "BY1PR10CA0041.outlook.office365.com"

// MSCaps and MSCapsTLS are Microsoft 365's EHLO extensions before and
// after STARTTLS (FACTS.md section 2).
var MSCaps = []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}

var MSCapsTLS = []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}

// Samples fill a catalog row's placeholders the way a real session would.
var Samples = map[string]string{
	"HOST":   MSHost,
	"IP":     "203.0.113.7",
	"TS":     "2023-09-12T20:59:57.214Z",
	"TOKEN":  "08DBB276B7E699C4",
	"DATE":   "Mon, 1 Jun 2015 12:00:00 +0000",
	"FROM":   "scans@contoso.com",
	"USER":   "printer@contoso.com",
	"DOMAIN": "contoso.com",
	"MSGID":  "<run@contoso.com>",
}

// Parse turns "550 5.7.606 Access denied" (one line per reply line) into
// a reply.
func Parse(lines ...string) *transcript.Reply {
	code, _ := strconv.Atoi(lines[0][:3])
	r := &transcript.Reply{Code: code}
	for _, l := range lines {
		r.Lines = append(r.Lines, strings.TrimLeft(l[3:], " -"))
	}
	r.Enhanced = transcript.ParseEnhanced(r.Lines[0])
	return r
}

func Fail(kind transcript.Kind, text string) *transcript.Error {
	return &transcript.Error{Kind: kind, Text: text}
}

// OKReply is what a working Microsoft 365 session answers at each stage.
func OKReply(stage transcript.Stage) *transcript.Reply {
	switch stage {
	case transcript.Banner:
		return Parse("220 " + MSHost + " Microsoft ESMTP MAIL Service ready at Mon, 1 Jun 2015 12:00:00 +0000 [08DCEB746BAC29D2]")
	case transcript.EHLO:
		return Parse(append([]string{"250-" + MSHost + " Hello [203.0.113.7]"}, Prefixed(MSCaps)...)...)
	case transcript.STARTTLS:
		return Parse("220 2.0.0 SMTP server ready")
	case transcript.EHLOTLS:
		return Parse(append([]string{"250-" + MSHost + " Hello [203.0.113.7]"}, Prefixed(MSCapsTLS)...)...)
	case transcript.Auth:
		return Parse("235 2.7.0 Authentication successful")
	case transcript.Mail:
		return Parse("250 2.1.0 Sender OK")
	case transcript.Rcpt:
		return Parse("250 2.1.5 Recipient OK")
	case transcript.Data:
		return Parse("250 2.6.0 <run@contoso.com> [InternalId=1, Hostname=" + MSHost + "] Queued mail for delivery")
	case transcript.Quit:
		return Parse("221 2.0.0 Service closing transmission channel")
	}
	return nil
}

func Prefixed(caps []string) []string {
	out := make([]string, len(caps))
	for i, c := range caps {
		sep := "-"
		if i == len(caps)-1 {
			sep = " "
		}
		out[i] = "250" + sep + c
	}
	return out
}

// Session builds the transcript of plan failing at failed.Stage with
// failed's reply or error ("" Stage: every stage passes).
func Session(plan transcript.Plan, failed transcript.StageResult) *transcript.Transcript {
	t := &transcript.Transcript{Site: "test", Method: plan.Method, Target: "smtp.office365.com:587"}
	done := false
	for _, name := range transcript.Sequence(plan) {
		switch {
		case done:
			t.Stages = append(t.Stages, transcript.StageResult{Stage: name, Status: transcript.Skip})
		case name == failed.Stage:
			failed.Status = transcript.Fail
			t.Stages = append(t.Stages, failed)
			Record(t, failed)
			done = true
		default:
			r := transcript.StageResult{Stage: name, Status: transcript.Pass, Reply: OKReply(name)}
			t.Stages = append(t.Stages, r)
			Record(t, r)
			switch name {
			case transcript.EHLO:
				t.Capabilities = MSCaps
			case transcript.EHLOTLS:
				t.CapabilitiesTLS = MSCapsTLS
			case transcript.TLS:
				t.TLS = &transcript.TLSInfo{Version: "TLS1.3", CipherSuite: "TLS_AES_256_GCM_SHA384", Verified: true,
					ServerName: "smtp.office365.com", Subject: "outlook.com", NotAfter: Now.AddDate(0, 6, 0)}
			}
		}
	}
	return t
}

// Record appends the server lines of r's reply as the runner would.
func Record(t *transcript.Transcript, r transcript.StageResult) {
	if r.Reply == nil {
		return
	}
	for i, l := range r.Reply.Lines {
		sep := "-"
		if i == len(r.Reply.Lines)-1 {
			sep = " "
		}
		t.Lines = append(t.Lines, transcript.Line{Dir: transcript.Server, Stage: r.Stage,
			Text: strconv.Itoa(r.Reply.Code) + sep + l})
	}
}

// At is a failing stage result with a reply.
func At(stage transcript.Stage, lines ...string) transcript.StageResult {
	return transcript.StageResult{Stage: stage, Reply: Parse(lines...)}
}

// ErrAt is a failing stage result without a reply.
func ErrAt(stage transcript.Stage, kind transcript.Kind, text string) transcript.StageResult {
	return transcript.StageResult{Stage: stage, Err: Fail(kind, text)}
}

// Because is r with the reason the probe (or explain) gave its error.
func Because(r transcript.StageResult, why transcript.Reason) transcript.StageResult {
	r.Err.Reason = why
	return r
}

// AllPass is a transcript of plan where every stage passed.
func AllPass(plan transcript.Plan) *transcript.Transcript {
	return Session(plan, transcript.StageResult{})
}

// With returns t after f has changed it, for one-off variations.
func With(t *transcript.Transcript, f func(*transcript.Transcript)) *transcript.Transcript {
	f(t)
	return t
}

// NoSTARTTLS removes STARTTLS from the plaintext EHLO reply, as an
// inspecting firewall (or a server without TLS) would.
func NoSTARTTLS(t *transcript.Transcript) {
	var caps []string
	for _, c := range MSCaps {
		if c != "STARTTLS" {
			caps = append(caps, c)
		}
	}
	t.Capabilities = caps
	for i := range t.Stages {
		if t.Stages[i].Stage == transcript.EHLO {
			t.Stages[i].Reply = Parse(append([]string{"250-" + MSHost + " Hello [203.0.113.7]"}, Prefixed(caps)...)...)
		}
	}
}

func SetBanner(line string) func(*transcript.Transcript) {
	return func(t *transcript.Transcript) {
		for i := range t.Stages {
			if t.Stages[i].Stage == transcript.Banner {
				t.Stages[i].Reply = Parse(line)
			}
		}
		for i := range t.Lines {
			if t.Lines[i].Stage == transcript.Banner {
				t.Lines[i].Text = line
			}
		}
	}
}
