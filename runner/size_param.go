package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// sizeParam is MAIL FROM's " SIZE=n" (RFC 1870) when a message follows
// and the EHLO in force advertises SIZE: the server can then refuse an
// oversize message before it is sent, as an MFP's SMTP stack does. A
// message over the advertised limit is still announced (not silently
// dropped), so the server's refusal shows in the transcript; the mail
// stage notes the limit.
func (s *session) sizeParam() string {
	if !s.site.Envelope.SendMessage {
		return ""
	}
	limit, ok := sizeLimit(s.caps())
	if !ok {
		return ""
	}
	size := s.message().Size()
	if limit > 0 && size > limit {
		s.c.note(fmt.Sprintf("the message (%d bytes) is larger than the server's SIZE limit (%d bytes)", size, limit))
	}
	return " SIZE=" + strconv.FormatInt(size, 10)
}

// sizeLimit returns the SIZE extension's limit (0: none given) and
// whether SIZE is advertised at all.
func sizeLimit(caps transcript.Capabilities) (int64, bool) {
	params, ok := caps.Params("SIZE")
	if !ok {
		return 0, false
	}
	if f := strings.Fields(params); len(f) > 0 {
		if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, true
}
