package explain

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// explain's output is pasted into tickets, so nothing that was a
// credential in the paste may reach it: AUTH payloads, base64 that
// decodes to PLAIN's "\0user\0pass" or an XOAUTH2/OAUTHBEARER string,
// LOGIN's lone base64 username and password lines, bearer tokens and JWTs,
// and password=, secret: and token fields. `smtpspec run` never records
// them (transcript/redact.go); explain does not know the secrets, so it
// recognises their shapes.
var (
	authPayloadRE = lazyre.OnDemand(`(?i)\b(AUTH\s+(?:PLAIN|LOGIN|XOAUTH2|OAUTHBEARER|CRAM-MD5|NTLM|GSSAPI))\s+([^\s'"]+)`)
	bearerRE      = lazyre.OnDemand(`(?i)\b(Bearer|auth=Bearer)\s+([A-Za-z0-9._~+/=-]{8,})`)
	jwtRE         = lazyre.OnDemand(`\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`)
	secretKVRE    = lazyre.OnDemand(`(?i)\b((?:smtp_?|mail_?|auth_?|relay_?|client_?|app_?)?(?:pass(?:word|wd)?|pwd|secret|token|access_token|refresh_token|api_?key))(["']?\s*(?:[:=]|=>)\s*["']?)([^"'\s,;}&)]+)`)
	base64TokRE   = lazyre.OnDemand(`[A-Za-z0-9+/]{8,}={0,2}`)
	replyBefore   = lazyre.OnDemand(`\b[2-5]\d\d[ -]\s*$`)
	// authCallRE: a stack frame's call of an authentication function with
	// its arguments shown (PHP traces print them: "LoginAuthenticator->
	// authenticate(Object(Swift_SmtpTransport), 'user@x', 'Passw0rd')").
	authCallRE = lazyre.OnDemand(`(?i)\b((?:authenticate|login|auth|setpassword|set_password|password|credentials?)\s*\()([^()]*(?:\([^()]*\)[^()]*)*)\)`)
	quotedRE   = lazyre.OnDemand(`'[^']*'|"[^"]*"`)
	// proseSecretRE: a password given in the reporter's words ("my
	// password is Hunter2", "Passwort ist ...", "密码：..."), in the
	// languages the prose reader knows (words_prose.go).
	proseSecretRE = lazyre.OnDemand(`(?i)(\bpassword|\bpasswort|\bkennwort|\bmot de passe|\bcontraseña|\bsenha|\bwachtwoord|密码|パスワード)(\s*(?:ist|est|was|is|es|è|é|：)\s*["']?)([^\s"',;]+)`)
	// quoted64RE: a quoted base64 word, as a trace shows a command sent
	// ("executeCommand('U3VmMzE5OTk=\r\n', ...)").
	quoted64RE = lazyre.OnDemand(`(['"])([A-Za-z0-9+/]{8,}={0,2})((?:\\r\\n)?)(['"])`)
)

// redactText removes every credential shape from s.
func redactText(s string) string {
	if s == "" {
		return s
	}
	s = authPayloadRE.ReplaceAllStringFunc(s, redactAuthPayload)
	s = bearerRE.ReplaceAllString(s, "$1 "+transcript.Redacted)
	s = jwtRE.ReplaceAllString(s, transcript.Redacted)
	s = secretKVRE.ReplaceAllStringFunc(s, redactKV)
	s = proseSecretRE.ReplaceAllString(s, "$1$2"+transcript.Redacted)
	s = authCallRE.ReplaceAllStringFunc(s, redactCall)
	s = quoted64RE.ReplaceAllStringFunc(s, redactQuoted64)
	return redactBase64(s)
}

// redactCall drops the quoted arguments of an authentication call.
func redactCall(m string) string {
	sub := authCallRE.FindStringSubmatch(m)
	return sub[1] + quotedRE.ReplaceAllString(sub[2], "'"+transcript.Redacted+"'") + ")"
}

// redactQuoted64 drops a quoted base64 word that decodes to text: a
// credential a trace shows as the command it sent.
func redactQuoted64(m string) string {
	sub := quoted64RE.FindStringSubmatch(m)
	if dec, ok := decode64(sub[2]); ok && (printable(dec) && !prompt(dec) || credentialBlob(dec)) {
		return sub[1] + transcript.Redacted + sub[3] + sub[4]
	}
	return m
}

// redactAuthPayload drops an AUTH command's initial response, but not
// the mechanism list of an EHLO capability ("AUTH LOGIN XOAUTH2").
func redactAuthPayload(m string) string {
	sub := authPayloadRE.FindStringSubmatch(m)
	if mechanismRE.MatchString(sub[2]) {
		return m
	}
	return sub[1] + " " + transcript.Redacted
}

// mechanismRE: a SASL mechanism name.
var mechanismRE = lazyre.OnDemand(`^(?:PLAIN|LOGIN|XOAUTH2?|OAUTHBEARER|CRAM-MD5|DIGEST-MD5|NTLM|GSSAPI|SCRAM-SHA-\d+(?:-PLUS)?|ANONYMOUS|EXTERNAL)$`)

// redactKV keeps a key=value field's key and drops its value, unless the
// value is a placeholder already ("<redacted>", "***").
func redactKV(m string) string {
	sub := secretKVRE.FindStringSubmatch(m)
	if sub == nil || strings.Trim(sub[3], "*<>x") == "" || strings.HasPrefix(sub[3], "env(") {
		return m
	}
	return sub[1] + sub[2] + transcript.Redacted
}

// redactBase64 replaces base64 tokens that decode to credentials: PLAIN
// and XOAUTH2 blobs anywhere, and a token that stands alone on its line
// (LOGIN's username and password answers), except the server's own
// prompts ("Username:", "Password:").
func redactBase64(s string) string {
	locs := base64TokRE.Regexp().FindAllStringIndex(s, 64)
	for i := len(locs) - 1; i >= 0; i-- {
		a, b := locs[i][0], locs[i][1]
		tok := s[a:b]
		dec, ok := decode64(tok)
		if !ok {
			continue
		}
		if credentialBlob(dec) || alone(s, a, b) && printable(dec) && !prompt(dec) && !plainWord(tok) || answered(s[:a], tok, dec) || challenged(s[b:], tok, dec) {
			s = s[:a] + transcript.Redacted + s[b:]
		}
	}
	return s
}

func decode64(tok string) (string, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(tok); err == nil {
			return string(b), true
		}
	}
	return "", false
}

// credentialBlob: PLAIN ("authzid\0user\0pass"), XOAUTH2 ("user=...\x01auth=
// Bearer ...") or OAUTHBEARER ("n,a=...").
func credentialBlob(d string) bool {
	return plainBlob(d) ||
		strings.HasPrefix(d, "user=") && strings.Contains(d, "auth=") ||
		strings.HasPrefix(d, "n,a=") || strings.HasPrefix(d, "n,,")
}

// plainBlob: PLAIN's "[authzid] NUL authcid NUL passwd" (RFC 4616), with
// a printable username and password; a word that happens to decode to
// bytes with a NUL among others ("AADSTS900144") is not one.
func plainBlob(d string) bool {
	parts := strings.Split(d, "\x00")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return false
	}
	return textual(parts[0]) && textual(parts[1]) && textual(parts[2])
}

// textual: s is UTF-8 and every rune of it is printable (a word such as
// "starttls" decodes from base64 to bytes that are no UTF-8: not text).
func textual(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func printable(d string) bool { return len(d) >= 3 && textual(d) }

func prompt(d string) bool {
	switch strings.ToLower(strings.TrimSpace(d)) {
	case "username:", "password:", "user name:":
		return true
	}
	return false
}

// answerBefore: what comes before a client's answer in a log whose lines
// were run together into one (a web form or a chat flattened the paste):
// the client's arrow, or the server's 334 and its prompt (the token right
// after "334 " is the server's own: a prompt, or XOAUTH2's error JSON).
var answerBefore = lazyre.OnDemand(`(?:\b[Cc]:|CLIENT -> SERVER:|\b334 [A-Za-z0-9+/]+={0,2})\s*$`)

// answered: a token inside a line that is still a credential: one after a
// client's arrow or a 334 in a flattened log, or a padded base64 word that
// decodes to plain ASCII text (a password's form; a word of prose or a
// host name does not end in "=" and decode to text).
func answered(before, tok, dec string) bool {
	if len(tok) >= 8 && answerBefore.MatchString(window(before, max(0, len(before)-80), 80)) && !prompt(dec) &&
		mixedCase(tok) && (printable(dec) || strings.ContainsAny(tok, "0123456789+/=")) {
		return true // not a command ("CLIENT -> SERVER: STARTTLS")
	}
	if replyBefore.MatchString(window(before, max(0, len(before)-8), 8)) {
		return false // the server's own text ("334 eyJzdGF0dXMi...=", XOAUTH2's error)
	}
	return strings.HasSuffix(tok, "=") && len(dec) >= 4 && asciiText(dec) && !prompt(dec)
}

// challengeAfter: the server's next LOGIN challenge right after a token,
// in a log whose lines were run together ("C: dXNlcg== S: 334
// UGFzc3dvcmQ6"): the token was the client's answer to the one before.
var challengeAfter = lazyre.OnDemand(`^\s*(?:[Ss]:|SERVER -> CLIENT:|<<?)?\s*334 `)

// challenged: tok is an answer the server's next challenge follows, the
// username a paste that starts inside AUTH LOGIN shows before "334
// UGFzc3dvcmQ6" (as answered, not a command and not a prompt).
func challenged(after, tok, dec string) bool {
	return len(tok) >= 8 && mixedCase(tok) && !prompt(dec) && (printable(dec) || strings.ContainsAny(tok, "0123456789+/=")) &&
		challengeAfter.MatchString(window(after, 0, 40))
}

// plainWord: tok is a word of prose ("restricted", "Unfortunately"):
// letters in lower case after the first. Base64 of text mixes cases and
// digits from its second character on, so a lone word is not taken for
// LOGIN's answer.
func plainWord(tok string) bool {
	for i := 1; i < len(tok); i++ {
		if !isLower(tok[i]) {
			return false
		}
	}
	return true
}

// mixedCase: tok has both lower- and upper-case letters, as base64 of
// text has and commands and host names do not.
func mixedCase(tok string) bool {
	return strings.ContainsFunc(tok, unicode.IsLower) && strings.ContainsFunc(tok, unicode.IsUpper)
}

// asciiText: every byte of s is printable ASCII.
func asciiText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// aloneWords are the words a log puts before a client line ("C:",
// "CLIENT -> SERVER:", "send:", "DEBUG SMTP:").
var aloneWords = map[string]bool{"c": true, "s": true, "client": true, "server": true, "send": true, "smtp": true, "debug": true, "info": true, "trace": true, "b": true, "r": true, "n": true}

// alone: the token at s[a:b] is the only word of its line but for a
// log's prefix, timestamps and quoting.
func alone(s string, a, b int) bool {
	start := strings.LastIndexByte(s[:a], '\n') + 1
	end := len(s)
	if i := strings.IndexByte(s[b:], '\n'); i >= 0 {
		end = b + i
	}
	if replyBefore.MatchString(s[start:a]) {
		return false // the token is a reply's text ("250-PIPELINING")
	}
	rest := s[start:a] + " " + s[b:end]
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !aloneWords[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// sanitise redacts every text of res that came from the paste.
func sanitise(res *Result) {
	v := &res.Verdict
	v.Finding, v.Evidence = redactText(v.Finding), redactText(v.Evidence)
	// The JSON summary quotes the evidence, where a lone base64 word is a
	// quoted one (quoted64RE): redact it as that reader sees it too.
	if q := strconv.Quote(v.Evidence); redactText(q) != q {
		if uq, err := strconv.Unquote(redactText(q)); err == nil {
			v.Evidence = uq
		}
	}
	for i := range v.Notes {
		v.Notes[i] = redactText(v.Notes[i])
	}
	for i := range res.NotShown {
		res.NotShown[i] = redactText(res.NotShown[i])
	}
	for i := range res.SetAside {
		res.SetAside[i].Line = redactText(res.SetAside[i].Line)
		res.SetAside[i].Why = redactText(res.SetAside[i].Why)
	}
	res.Basis.From = redactText(res.Basis.From)
	t := res.Transcript
	if t == nil {
		return
	}
	for i := range t.Lines {
		t.Lines[i].Text = redactText(t.Lines[i].Text)
	}
	for i := range t.Stages {
		sanitiseStage(&t.Stages[i])
	}
}

func sanitiseStage(s *transcript.StageResult) {
	if s.Reply != nil {
		r := *s.Reply
		r.Lines = append([]string(nil), r.Lines...)
		for j := range r.Lines {
			r.Lines[j] = redactText(r.Lines[j])
		}
		s.Reply = &r
	}
	if s.Err != nil {
		e := *s.Err
		e.Text = redactText(e.Text)
		s.Err = &e
	}
	s.Note = redactText(s.Note)
}
