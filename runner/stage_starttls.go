package runner

import (
	"crypto/tls"
	"fmt"

	"github.com/smtpspec/smtpspec/transcript"
)

// starttls asks for TLS (RFC 3207). It is sent even when the server did
// not advertise it: the server's answer is the evidence.
func (s *session) starttls() transcript.StageResult {
	r := s.exchange("STARTTLS")
	if !s.t.Capabilities.Has("STARTTLS") {
		r.Note = "STARTTLS not advertised"
	}
	return r
}

// handshake runs the TLS handshake as the device would (its versions,
// the endpoint's server name) and records what it established in
// Transcript.TLS, even when verification fails. Nothing is written to the
// transcript's lines: a handshake has no protocol lines.
func (s *session) handshake() transcript.StageResult {
	ep, cl := s.site.Endpoint, s.site.Client
	trust, err := newTrust(s.opts.RootCAs, ep.CAFile)
	if err != nil {
		return transcript.StageResult{Status: transcript.Fail,
			Err: &transcript.Error{Kind: transcript.KindTLS, Text: err.Error(), Reason: transcript.CAFile, Err: err}}
	}
	tc := &tlsCheck{name: ep.ServerName, trust: trust, skip: ep.InsecureSkipVerify}
	if tc.name == "" {
		tc.name = s.host
	}
	if e := tc.presentClientCert(&cl); e != nil {
		return transcript.StageResult{Status: transcript.Fail, Err: e}
	}
	cfg := tc.config(cl.TLSMin, cl.TLSMax)
	if s.opts.RSAKeyExchangeOnly {
		rsaKeyExchangeOnly(cfg)
	}
	conn := tls.Client(s.c.conn, cfg)
	var r transcript.StageResult
	if n := s.c.upgrade(conn); n > 0 {
		r.Note = fmt.Sprintf("server sent %d bytes after its STARTTLS reply, before TLS; discarded", n)
	}
	err = conn.Handshake()
	s.t.TLS = tc.info
	if err != nil {
		r.Status, r.Err = transcript.Fail, s.tlsFailure(err)
		if i := tc.info; i != nil && i.VerifyError != "" && !tc.skip {
			r.Err.Reason |= i.VerifyReason // the verification ended the handshake
		}
		return r
	}
	s.tlsDone = true
	r.Status = transcript.Pass
	return r
}

// tlsFailure words a failed handshake. A passed deadline stays a timeout
// (a middlebox that stalls the handshake); anything else is a TLS failure,
// worded by crypto/tls unless the connection simply went away.
func (s *session) tlsFailure(err error) *transcript.Error {
	e := classify(s.ctx, err, s.c.peer, fmt.Sprintf("TLS handshake not finished within %s", s.budget(transcript.TLS)))
	if e.Kind == transcript.KindTimeout {
		return e
	}
	text, reason := err.Error(), handshakeReason(err)
	if kind, t, ok := netFailure(err, s.c.peer); ok {
		text = t + " during the TLS handshake"
		if kind == transcript.KindReset || kind == transcript.KindClosed {
			reason |= transcript.Cut
		}
	}
	return &transcript.Error{Kind: transcript.KindTLS, Text: text, Reason: reason, Err: err}
}
