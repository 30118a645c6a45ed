package sim

import (
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// FrontEnd is one connection's Exchange Online front end as the simulator
// makes it up (host name, session token, dates: identity.go), for another
// server that must look like Microsoft 365 to a device: smtpspec capture
// greets and answers from the same catalog rows and EHLO lists as the
// simulator, so the two cannot drift apart.
type FrontEnd struct{ ss *session }

// NewFrontEnd makes up the front end of one connection for method m,
// from a client at ip; now dates the replies.
func NewFrontEnd(m transcript.Method, ip string, now func() time.Time) *FrontEnd {
	srv := &Server{opts: Options{Now: now}}
	sc := &Scenario{Method: m}
	return &FrontEnd{ss: &session{srv: srv, sc: sc, ip: ip, id: newIdentity(sc, now())}}
}

// Host is the front end's name, as the banner and EHLO give it.
func (f *FrontEnd) Host() string { return f.ss.id.host }

// Reply renders catalog row id as this front end sends it (nil: no such row).
func (f *FrontEnd) Reply(id string, extra map[string]string) (code int, text string, ok bool) {
	e := catalog.Lookup(id)
	if e == nil {
		return 0, "", false
	}
	return e.Code, f.ss.render(e, extra), true
}

// EHLO is the text of each line of the EHLO reply (greeting first) before
// or after TLS (ehlo.go); HELO answers with the first line alone.
func (f *FrontEnd) EHLO(secure bool) []string { return ehloLines(f.ss.id, f.ss.ip, f.ss.sc, secure) }
