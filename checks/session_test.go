package checks

import (
	"strconv"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Test transcripts are built the way the runner records them: every stage
// of the plan in order, passing with Microsoft 365's usual replies
// (FACTS.md section 2) up to the stage that fails, the rest skipped.

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	submissionPlan = transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true}
	directPlan     = transcript.Plan{Method: transcript.DirectSend, TLS: transcript.StartTLS}
)

const msHost = "BY1PR10CA0041.outlook.office365.com"

var msCaps = []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}

var msCapsTLS = []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}

// parse turns "550 5.7.606 Access denied" (one line per reply line) into
// a reply.
func parse(lines ...string) *transcript.Reply {
	code, _ := strconv.Atoi(lines[0][:3])
	r := &transcript.Reply{Code: code}
	for _, l := range lines {
		r.Lines = append(r.Lines, strings.TrimLeft(l[3:], " -"))
	}
	r.Enhanced = transcript.ParseEnhanced(r.Lines[0])
	return r
}

func fail(kind transcript.Kind, text string) *transcript.Error {
	return &transcript.Error{Kind: kind, Text: text}
}

// okReply is what a working Microsoft 365 session answers at each stage.
func okReply(stage transcript.Stage) *transcript.Reply {
	switch stage {
	case transcript.Banner:
		return parse("220 " + msHost + " Microsoft ESMTP MAIL Service ready at Mon, 1 Jun 2015 12:00:00 +0000 [08DCEB746BAC29D2]")
	case transcript.EHLO:
		return parse(append([]string{"250-" + msHost + " Hello [203.0.113.7]"}, prefixed(msCaps)...)...)
	case transcript.STARTTLS:
		return parse("220 2.0.0 SMTP server ready")
	case transcript.EHLOTLS:
		return parse(append([]string{"250-" + msHost + " Hello [203.0.113.7]"}, prefixed(msCapsTLS)...)...)
	case transcript.Auth:
		return parse("235 2.7.0 Authentication successful")
	case transcript.Mail:
		return parse("250 2.1.0 Sender OK")
	case transcript.Rcpt:
		return parse("250 2.1.5 Recipient OK")
	case transcript.Data:
		return parse("250 2.6.0 <run@contoso.com> [InternalId=1, Hostname=" + msHost + "] Queued mail for delivery")
	case transcript.Quit:
		return parse("221 2.0.0 Service closing transmission channel")
	}
	return nil
}

func prefixed(caps []string) []string {
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

// session builds the transcript of plan failing at failed.Stage with
// failed's reply or error ("" Stage: every stage passes).
func session(plan transcript.Plan, failed transcript.StageResult) *transcript.Transcript {
	t := &transcript.Transcript{Site: "test", Method: plan.Method, Target: "smtp.office365.com:587"}
	done := false
	for _, name := range transcript.Sequence(plan) {
		switch {
		case done:
			t.Stages = append(t.Stages, transcript.StageResult{Stage: name, Status: transcript.Skip})
		case name == failed.Stage:
			failed.Status = transcript.Fail
			t.Stages = append(t.Stages, failed)
			record(t, failed)
			done = true
		default:
			r := transcript.StageResult{Stage: name, Status: transcript.Pass, Reply: okReply(name)}
			t.Stages = append(t.Stages, r)
			record(t, r)
			switch name {
			case transcript.EHLO:
				t.Capabilities = msCaps
			case transcript.EHLOTLS:
				t.CapabilitiesTLS = msCapsTLS
			case transcript.TLS:
				t.TLS = &transcript.TLSInfo{Version: "TLS1.3", CipherSuite: "TLS_AES_256_GCM_SHA384", Verified: true,
					ServerName: "smtp.office365.com", Subject: "outlook.com", NotAfter: testNow.AddDate(0, 6, 0)}
			}
		}
	}
	return t
}

// record appends the server lines of r's reply as the runner would.
func record(t *transcript.Transcript, r transcript.StageResult) {
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

// at is a failing stage result with a reply.
func at(stage transcript.Stage, lines ...string) transcript.StageResult {
	return transcript.StageResult{Stage: stage, Reply: parse(lines...)}
}

// errAt is a failing stage result without a reply.
func errAt(stage transcript.Stage, kind transcript.Kind, text string) transcript.StageResult {
	return transcript.StageResult{Stage: stage, Err: fail(kind, text)}
}

// because is r with the reason the probe (or explain) gave its error.
func because(r transcript.StageResult, why transcript.Reason) transcript.StageResult {
	r.Err.Reason = why
	return r
}

// allPass is a transcript of plan where every stage passed.
func allPass(plan transcript.Plan) *transcript.Transcript {
	return session(plan, transcript.StageResult{})
}

// with returns t after f has changed it, for one-off variations.
func with(t *transcript.Transcript, f func(*transcript.Transcript)) *transcript.Transcript {
	f(t)
	return t
}

// noSTARTTLS removes STARTTLS from the plaintext EHLO reply, as an
// inspecting firewall (or a server without TLS) would.
func noSTARTTLS(t *transcript.Transcript) {
	var caps []string
	for _, c := range msCaps {
		if c != "STARTTLS" {
			caps = append(caps, c)
		}
	}
	t.Capabilities = caps
	for i := range t.Stages {
		if t.Stages[i].Stage == transcript.EHLO {
			t.Stages[i].Reply = parse(append([]string{"250-" + msHost + " Hello [203.0.113.7]"}, prefixed(caps)...)...)
		}
	}
}

func setBanner(line string) func(*transcript.Transcript) {
	return func(t *transcript.Transcript) {
		for i := range t.Stages {
			if t.Stages[i].Stage == transcript.Banner {
				t.Stages[i].Reply = parse(line)
			}
		}
		for i := range t.Lines {
			if t.Lines[i].Stage == transcript.Banner {
				t.Lines[i].Text = line
			}
		}
	}
}
