//go:build linux

package mta

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Line is one protocol line of a conversation, without its CRLF.
type Line struct {
	Client bool // sent by the client (C:), else by the server (S:)
	Text   string
}

// Exchange is one command and the reply it got; the server's greeting
// is the exchange with an empty command.
type Exchange struct {
	Command string
	Reply   []string // the reply's lines, code included
}

func (e Exchange) String() string {
	cmd := "(greeting)"
	if e.Command != "" {
		cmd = "C: " + e.Command
	}
	return cmd + " => S: " + strings.Join(e.Reply, " | ")
}

// swaksWait bounds one swaks run.
const swaksWait = 30 * time.Second

// Swaks runs swaks with args (--server, --port and the rest are the
// caller's) and returns its transcript, AUTH payloads already replaced
// by "<redacted>" so no secret is kept or printed. A non-zero exit is no
// error: swaks exits non-zero when the server refuses something, which
// is what the tests provoke.
func Swaks(ctx context.Context, args ...string) ([]Line, string, error) {
	ctx, cancel := context.WithTimeout(ctx, swaksWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "swaks", args...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return nil, "", fmt.Errorf("swaks did not finish within %s", swaksWait)
	}
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		return nil, "", fmt.Errorf("running swaks: %w", err)
	}
	lines := ParseSwaks(string(out))
	var shown strings.Builder
	for _, l := range lines {
		dir := "S"
		if l.Client {
			dir = "C"
		}
		fmt.Fprintf(&shown, "%s: %s\n", dir, l.Text)
	}
	return lines, shown.String(), nil
}

// swaks marks each line it prints: "<-" server, "->" client, "~" inside
// TLS, "*" on a server error reply; "===" and "***" lines are its own
// commentary.
var swaksPrefixes = []struct {
	prefix string
	client bool
}{
	{" -> ", true}, {" ~> ", true},
	{"<-  ", false}, {"<~  ", false}, {"<** ", false}, {"<~* ", false},
}

// ParseSwaks extracts the protocol lines of swaks' output. A client line
// answering a 334 challenge, and the initial response of AUTH PLAIN or
// XOAUTH2, become "<redacted>", as smtpspec records them.
func ParseSwaks(out string) []Line {
	var lines []Line
	challenged := false
	for _, raw := range strings.Split(out, "\n") {
		raw = strings.TrimRight(raw, "\r")
		for _, p := range swaksPrefixes {
			text, ok := strings.CutPrefix(raw, p.prefix)
			if !ok {
				continue
			}
			if p.client {
				text = redactAuth(text, challenged)
			} else {
				challenged = strings.HasPrefix(text, "334")
			}
			lines = append(lines, Line{Client: p.client, Text: text})
			break
		}
	}
	return lines
}

func redactAuth(text string, challenged bool) string {
	if challenged {
		return "<redacted>"
	}
	f := strings.Fields(text)
	if len(f) == 3 && strings.EqualFold(f[0], "AUTH") {
		return f[0] + " " + f[1] + " <redacted>"
	}
	return text
}

// Exchanges pairs commands with replies. Replies come in the order of the
// commands (RFC 5321 section 4.1.1; pipelining keeps the order), so the
// pairing holds whether or not the client pipelined; the first reply is
// the greeting. A reply's lines run up to its final line ("250 ...").
func Exchanges(lines []Line) []Exchange {
	var cmds []string
	var replies [][]string
	var cur []string
	for _, l := range lines {
		if l.Client {
			cmds = append(cmds, l.Text)
			continue
		}
		cur = append(cur, l.Text)
		if len(l.Text) == 3 || (len(l.Text) > 3 && l.Text[3] != '-') {
			replies = append(replies, cur)
			cur = nil
		}
	}
	if cur != nil {
		replies = append(replies, cur)
	}
	var out []Exchange
	for i, r := range replies {
		e := Exchange{Reply: r}
		if i > 0 && i-1 < len(cmds) {
			e.Command = cmds[i-1]
		}
		out = append(out, e)
	}
	for i := len(replies) - 1; i < len(cmds); i++ {
		if i >= 0 {
			out = append(out, Exchange{Command: cmds[i]}) // sent, never answered
		}
	}
	return out
}
