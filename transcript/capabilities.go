package transcript

import "strings"

// Capabilities are the lines of an EHLO reply after the greeting, keyword
// upper case and parameters as sent ("AUTH LOGIN XOAUTH2", "SIZE
// 157286400"): what the probe records, what explain rebuilds from a
// captured conversation, and what every reader asks about an extension.
type Capabilities []string

// Capabilities are the reply's lines after the first, each keyword upper
// case; nil when the reply has no line after the first.
func (r *Reply) Capabilities() Capabilities {
	if len(r.Lines) < 2 {
		return nil
	}
	caps := make(Capabilities, 0, len(r.Lines)-1)
	for _, l := range r.Lines[1:] {
		kw, params, ok := strings.Cut(l, " ")
		c := strings.ToUpper(kw)
		if ok {
			c += " " + params
		}
		caps = append(caps, c)
	}
	return caps
}

// Keyword is a capability line's keyword, upper case ("AUTH" of "AUTH
// LOGIN XOAUTH2").
func Keyword(line string) string {
	k, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	return strings.ToUpper(k)
}

// Has reports whether keyword is advertised, case-insensitively and
// whatever its parameters ("AUTH" is advertised by "AUTH LOGIN").
func (c Capabilities) Has(keyword string) bool {
	_, ok := c.Params(keyword)
	return ok
}

// Params returns what follows keyword on its line ("157286400" of "SIZE
// 157286400", "" without parameters) and whether it is advertised.
func (c Capabilities) Params(keyword string) (string, bool) {
	want := Keyword(keyword)
	for _, l := range c {
		if Keyword(l) == want {
			_, params, _ := strings.Cut(strings.TrimSpace(l), " ")
			return strings.TrimSpace(params), true
		}
	}
	return "", false
}

// AuthMechanisms lists the SASL mechanisms AUTH offers, upper case, also
// in the pre-RFC 4954 form "AUTH=LOGIN" some servers still send.
func (c Capabilities) AuthMechanisms() []string {
	var mechs []string
	for _, l := range c {
		kw, params, _ := strings.Cut(strings.TrimSpace(l), " ")
		switch kw = strings.ToUpper(kw); {
		case kw == "AUTH":
		case strings.HasPrefix(kw, "AUTH="):
			params = kw[len("AUTH="):] + " " + params
		default:
			continue
		}
		for _, m := range strings.Fields(params) {
			mechs = append(mechs, strings.ToUpper(m))
		}
	}
	return mechs
}

// OffersAuth reports AUTH in either form, with or without mechanisms.
func (c Capabilities) OffersAuth() bool {
	for _, l := range c {
		if kw := Keyword(l); kw == "AUTH" || strings.HasPrefix(kw, "AUTH=") {
			return true
		}
	}
	return false
}

// PlaintextCapabilities is the EHLO capability list before TLS: as the probe recorded
// it, or else taken from the EHLO reply (every line after the greeting).
func (t *Transcript) PlaintextCapabilities() Capabilities {
	if len(t.Capabilities) > 0 {
		return t.Capabilities
	}
	r := t.Stage(EHLO)
	if r.Reply == nil || r.Reply.Code != 250 || len(r.Reply.Lines) < 2 {
		return nil
	}
	return r.Reply.Lines[1:]
}
