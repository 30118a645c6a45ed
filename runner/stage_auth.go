package runner

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// auth authenticates once with the spec's mechanism; 235 passes. It tries
// even when the server did not advertise the mechanism (noted): the
// server's answer is the evidence. It never retries.
func (s *session) auth() transcript.StageResult {
	a := s.site.Auth
	mech := transcript.Mechanism(strings.ToUpper(string(a.Mechanism)))
	if mech == "" {
		mech = transcript.MechLogin
	}
	run, ok := mechanisms[mech]
	if !ok {
		return transcript.StageResult{Status: transcript.Fail, Err: &transcript.Error{
			Kind: transcript.KindProtocol, Text: "smtpspec cannot authenticate with " + string(mech), Err: errLocal}}
	}
	secret := a.Password.Reveal()
	if mech == transcript.MechXOAuth2 {
		token, e := s.accessToken(a)
		if e != nil {
			return transcript.StageResult{Status: transcript.Fail, Err: e}
		}
		secret = token
	}
	reply, err := run(s.c, a, secret)
	r := s.final(reply, err)
	switch offered := s.caps().AuthMechanisms(); {
	case len(offered) == 0:
		r.Note = "AUTH not advertised"
	case !slices.Contains(offered, string(mech)):
		r.Note = "AUTH " + string(mech) + " not advertised (server offers " + strings.Join(offered, " ") + ")"
	}
	return r
}
