package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// The client lines of an AUTH exchange are credentials, whatever they
// decode to and wherever the capture starts: the builder redacts them
// before any other code sees the transcript.

// credentialLine: a client line that is, or may be, a credential: any
// line of the AUTH exchange but the AUTH command, and a lone base64 word
// that is no command (LOGIN's username and password, an XOAUTH2 blob),
// whatever it decodes to.
func credentialLine(stage transcript.Stage, text string) bool {
	t := strings.TrimSpace(text)
	if stage == transcript.Auth && !strings.HasPrefix(strings.ToUpper(t), "AUTH") {
		return true
	}
	return len(t) >= 4 && isBase64Word(t) && stageOfCommand(t, false) == ""
}

// markCredentials marks the client lines next to a 334 prompt (before
// or after it) as AUTH answers: a capture that starts inside AUTH LOGIN
// shows the username line before "334 UGFzc3dvcmQ6" without the AUTH
// command that would say so.
func markCredentials(evs []event) {
	prompt := func(e event) bool {
		return e.kind == evServer && strings.HasPrefix(strings.TrimSpace(e.text), "334") ||
			e.kind == evReply && e.reply != nil && e.reply.Code == 334
	}
	for i := range evs {
		if evs[i].kind != evClient || stageOfCommand(evs[i].text, false) != "" {
			continue
		}
		if p, ok := serverAround(evs, i, -1); ok && prompt(p) {
			evs[i].secret = true
		}
		if n, ok := serverAround(evs, i, +1); ok && prompt(n) {
			evs[i].secret = true
		}
	}
}

// serverAround is the nearest server event before (dir -1) or after
// (dir +1) event i, with no client line between.
func serverAround(evs []event, i, dir int) (event, bool) {
	for j := i + dir; j >= 0 && j < len(evs); j += dir {
		switch evs[j].kind {
		case evServer, evReply:
			return evs[j], true
		case evClient:
			return event{}, false
		}
	}
	return event{}, false
}
