package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// tokenRE is a run token as runner.NewToken makes them.
var tokenRE = lazyre.New(`^smtpspec-[0-9a-f]{16}$`)

// cmdTrace looks a run's message up in message trace later, with the
// site's trace block: `smtpspec trace --site NAME --token TOKEN`. Exit 0
// when every recipient's status is what the site expects (expect "trace"
// { status }, Delivered by default), 1 otherwise, 2 on usage or spec
// errors.
func cmdTrace(ctx context.Context, e env, args []string) int {
	fs := newFlags("trace", "--site NAME --token TOKEN [flags] [PATH...]   (default PATH: specs/)", e)
	site := fs.String("site", "", "the site whose trace block and envelope to use (`NAME`)")
	token := fs.String("token", "", "the run token of the message, as reports show it (`TOKEN`, smtpspec-...)")
	since := fs.Duration("since", 10*24*time.Hour, "look this far back (`DURATION`, at most 2160h = 90 days)")
	wait := fs.Duration("wait", 0, "poll this long for the message to appear or settle (`DURATION`, 0: look once)")
	format := fs.String("format", "human", "output format: human or json")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	switch {
	case *site == "" || *token == "":
		errorf(e.stderr, "trace needs --site NAME and --token TOKEN")
		return exitUsage
	case !tokenRE.MatchString(*token):
		errorf(e.stderr, "--token %q is not a run token (smtpspec- and 16 hex digits)", *token)
		return exitUsage
	case *since <= 0 || *since > msgtrace.MaxHistory:
		errorf(e.stderr, "--since must be more than 0 and at most 2160h (message trace keeps 90 days)")
		return exitUsage
	case *wait < 0 || *wait > time.Hour:
		errorf(e.stderr, "--wait must be from 0s to 1h")
		return exitUsage
	case *format != "human" && *format != "json":
		errorf(e.stderr, "unknown --format %q (human or json)", *format)
		return exitUsage
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	sites, ok := loadSpecs(e, paths, exactly(*site)) // only this site's secrets are read
	if !ok {
		return exitUsage
	}
	s := findSite(sites, *site)
	switch {
	case s == nil:
		errorf(e.stderr, "no site named %q in %v", *site, paths)
		return exitUsage
	case s.Trace == nil:
		errorf(e.stderr, "site %q has no trace block: add trace { tenant_id, client_id, client_secret = env(\"NAME\") }", *site)
		return exitUsage
	}
	c, err := runner.NewTraceClient(s.Trace, runner.TraceOptions{}, nil)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	q := msgtrace.Query{Token: *token, Sender: s.Envelope.From, Since: time.Now().Add(-*since)}
	var info *transcript.TraceInfo
	if *wait > 0 {
		info, err = c.Poll(ctx, q, s.Envelope.To, *wait, 0)
	} else {
		info, err = c.Lookup(ctx, q, s.Envelope.To)
	}
	msg := ""
	if err != nil {
		msg = transcript.RedactString(err.Error(), transcript.SecretForms(append(s.Secrets(), c.Secrets()...)))
	}
	want := "Delivered"
	if x := s.Expect[transcript.Trace]; x != nil && x.Status != "" {
		want = x.Status
	}
	met := err == nil && statusMet(info, s.Envelope.To, want)
	if *format == "json" {
		writeTraceJSON(e.stdout, s.Name, info, want, met, msg)
	} else {
		writeTraceHuman(e.stdout, s.Name, info, want, met, msg)
	}
	if !met {
		return exitFail
	}
	return exitOK
}

func findSite(sites []*specs.Site, name string) *specs.Site {
	for _, s := range sites {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// statusMet reports whether every recipient has a record with status want.
func statusMet(info *transcript.TraceInfo, to []string, want string) bool {
	for _, addr := range to {
		r, ok := info.Recipient(addr)
		if !ok || !strings.EqualFold(r.Status, want) {
			return false
		}
	}
	return len(to) > 0
}

func writeTraceHuman(w io.Writer, site string, info *transcript.TraceInfo, want string, met bool, errText string) {
	fmt.Fprintf(w, "site %s, run token %s: %s\n", site, info.Token, transcript.TraceLine(info))
	for _, r := range info.Records {
		fmt.Fprintf(w, "  %s  %s  received %s  %d bytes  from %s\n", r.Recipient, r.Status,
			r.Received.UTC().Format(time.RFC3339), r.Size, r.FromIP)
		for _, ev := range r.Events {
			fmt.Fprintf(w, "    %s  %-10s %s\n", ev.At.UTC().Format(time.RFC3339), ev.Event, ev.Description)
		}
	}
	if errText != "" {
		fmt.Fprintf(w, "error: %s\n", errText)
	}
	switch {
	case met:
		fmt.Fprintf(w, "as expected: %s (%d Graph queries)\n", want, info.Queries)
	case !info.Found() && errText == "":
		fmt.Fprintf(w, "not in message trace: a message trace does not hold was never accepted by Exchange Online "+
			"(rejected before acceptance), unless trace has not caught up yet (%d Graph queries)\n", info.Queries)
	default:
		fmt.Fprintf(w, "expected %s (%d Graph queries)\n", want, info.Queries)
	}
}

func writeTraceJSON(w io.Writer, site string, info *transcript.TraceInfo, want string, met bool, errText string) {
	type event struct {
		At          time.Time `json:"at"`
		Event       string    `json:"event"`
		Action      string    `json:"action,omitempty"`
		Description string    `json:"description,omitempty"`
	}
	type record struct {
		Recipient string    `json:"recipient"`
		Status    string    `json:"status"`
		Received  time.Time `json:"received"`
		Size      int       `json:"size"`
		MessageID string    `json:"message_id"`
		FromIP    string    `json:"from_ip,omitempty"`
		Events    []event   `json:"events"`
	}
	out := struct {
		Site     string   `json:"site"`
		Token    string   `json:"token"`
		Found    bool     `json:"found"`
		Status   string   `json:"status"`
		Expected string   `json:"expected"`
		Met      bool     `json:"met"`
		Queries  int      `json:"queries"`
		Error    string   `json:"error,omitempty"`
		Records  []record `json:"records"`
	}{Site: site, Token: info.Token, Found: info.Found(), Status: info.Status(), Expected: want, Met: met,
		Queries: info.Queries, Error: errText, Records: []record{}}
	for _, r := range info.Records {
		rec := record{Recipient: r.Recipient, Status: r.Status, Received: r.Received, Size: r.Size, MessageID: r.MessageID,
			FromIP: r.FromIP, Events: []event{}}
		for _, ev := range r.Events {
			rec.Events = append(rec.Events, event{ev.At, ev.Event, ev.Action, ev.Description})
		}
		out.Records = append(out.Records, rec)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}
