package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/smtpspec/smtpspec/explain"
)

// maxCapture bounds what explain reads: a capture is a conversation, not
// a mail spool.
const maxCapture = 8 << 20

func cmdExplain(_ context.Context, e env, args []string) int {
	fs := newFlags("explain", `[--format human|json] "REPLY" | --transcript FILE|-

Explains one Microsoft 365 reply, or diagnoses whatever was pasted from a
ticket: swaks output, plain S:/C: logs, Postfix logs and bounces, .NET,
MailKit, JavaMail, Python, Ruby, PHP and Node.js errors and debug output,
DSNs and NDRs, telnet or openssl sessions, socket and TLS errors. Known
formats are detected; any other text is searched for SMTP evidence. A
text without any exits 2 and says what to capture.`, e)
	file := fs.String("transcript", "", "diagnose the conversation in `FILE` (- reads stdin)")
	format := fs.String("format", "human", "output format: human or json")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if *format != "human" && *format != "json" {
		errorf(e.stderr, "unknown --format %q (human or json)", *format)
		return exitUsage
	}
	var res *explain.Result
	switch {
	case *file != "" && len(pos) > 0:
		errorf(e.stderr, "explain takes a reply or --transcript, not both")
		return exitUsage
	case *file != "":
		text, rerr := readCapture(e, *file)
		if rerr != nil {
			errorf(e.stderr, "%v", rerr)
			return exitUsage
		}
		res, err = explain.Transcript(text)
	case len(pos) > 0:
		res, err = explain.Reply(strings.Join(pos, " "))
	default:
		fs.Usage()
		return exitUsage
	}
	if errors.Is(err, explain.ErrUnrecognised) {
		// Not enough evidence: say so and what to capture, in the
		// requested format, and exit 2 (no verdict was possible).
		errorf(e.stderr, "explain: %v", err)
		if res != nil {
			if *format == "json" {
				_ = explain.WriteJSON(e.stdout, res)
			} else {
				_ = explain.WriteText(e.stdout, res)
			}
		}
		return exitUsage
	}
	if err != nil {
		errorf(e.stderr, "explain: %v", err)
		return exitFail
	}
	if *format == "json" {
		err = explain.WriteJSON(e.stdout, res)
	} else {
		err = explain.WriteText(e.stdout, res)
	}
	if err != nil {
		errorf(e.stderr, "explain: %v", err)
		return exitFail
	}
	return exitOK
}

// readCapture reads the capture from a file or stdin ("-"), bounded.
func readCapture(e env, name string) (string, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", fmt.Errorf("explain: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxCapture+1))
	if err != nil {
		return "", fmt.Errorf("explain: reading %s: %w", name, err)
	}
	if len(b) > maxCapture {
		return "", fmt.Errorf("explain: %s is larger than %d MiB; paste only the SMTP conversation", name, maxCapture>>20)
	}
	return string(b), nil
}
