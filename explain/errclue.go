package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// errSign is one way client libraries and operating systems word a
// failure without a server reply: a socket, DNS or TLS error, or a client
// giving up on AUTH. stage is the stage the words themselves imply ("" when
// they fit any stage); strong signs are not set aside for a reply.
type errSign struct {
	keys  []keyword // words one of which every match contains (the lexicon's pre-filter)
	re    *lazyre.Regexp
	kind  transcript.Kind
	stage transcript.Stage
	// stageOf, when set, reads the stage from the match (Gmail's "state
	// SENT_SECOND_EHLO").
	stageOf func(m string) transcript.Stage
	strong  bool
	client  bool // the client gave up before the server judged
}

// errSigns, most specific first; the first that matches a line wins.
// Sources: the texts of Go's net and crypto/tls, OpenSSL, Node.js,
// Python, Java, .NET (Winsock error codes 10060/10061/11001) and Postfix,
// as pasted in the issue threads FACTS.md cites (mattermost#954,
// wiggin77/mailrelay#4, emersion/go-sasl#12, nodemailer#1219, PHPMailer#776).
var errSigns = []errSign{
	// A TLS client that met a plaintext (STARTTLS) server: implicit TLS on
	// port 587 or 25 (FACTS.md 1.1).
	// Java's SSLSocket says "Unrecognized SSL message, plaintext
	// connection?" (JDK 8) or "Unsupported or unrecognized SSL message"
	// when the server's first bytes are a plaintext greeting.
	{keys: lex.add("first record", "wrong version", "wrong_version", "ssl23_get_server_hello", "ssl3_get_record", "unknown protocol", "packet length", "unexpected packet", "http request", "unrecognized ssl message"), re: lazyre.OnDemand(`(?i)first record does not look like a TLS handshake|wrong[ _]version[ _]number|SSL23_GET_SERVER_HELLO:unknown protocol|ssl3_get_record|unknown protocol|packet length too long|unexpected packet format|http request to an https server|unrecognized SSL message`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	{keys: lex.add("self signed", "self-signed", "self_signed", "local issuer", "first certificate", "verify failed", "verify_failed", "x509: ", "pkix", "certification path", "remote certificate", "altname", "has expired", "has_expired", "unable_to_get_issuer", "verify error:num", "hostname mismatch", "not trusted", "san check", "of the sans", "name mismatch", "certificatevalidation", "remotecertificate"), re: lazyre.OnDemand(`(?i)self[- _]signed[ _]cert|unable to get local issuer|unable to verify the first certificate|certificate verify failed|CERTIFICATE_VERIFY_FAILED|x509: |PKIX path|unable to find valid certification path|remote certificate is invalid|RemoteCertificate(?:NameMismatch|ChainErrors)|does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID|certificate has expired|CERT_HAS_EXPIRED|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|verify error:num=(?:1[089]|2\d|62)|hostname mismatch|certificate is not trusted|(?:fails?|failed|failing) the SAN checks?|(?:does not|doesn't) match any of the SANs|certificate name mismatch|CertificateValidationException`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	{keys: lex.add("no protocols", "no appropriate protocol", "unsupported protocol", "protocol version", "tlsv1 alert", "handshake failure", "cipher", "common algorithm", "sslhandshake", "convert socket to tls", "secure tls connection", "tls handshake failed", "ssl_connect", "with starttls", "enable crypto", "ssl operation failed", "sslerror", "ssl.ssl", "tls negotiation", "starttls failed", "establish an ssl or tls connection", "receive handshake", "ssl/tls connection failed", "ssl connect error", "sec_e_", "initializesecuritycontext", "handshake fail", "handshakefail", "handshake_fail", "ssl_handshake returned"), re: lazyre.OnDemand(`(?i)handshake[ _]?(?:failed|failure)\b|mbedtls_ssl_handshake returned|error occurred while attempting to establish an SSL or TLS connection|failed to receive handshake|SSL/TLS connection failed|SSL connect error|SEC_E_\w+|InitializeSecurityContext failed|no protocols available|no appropriate protocol|unsupported protocol|protocol version|tlsv1 alert|handshake failure|no ciphers? available|no shared cipher|do not possess a common algorithm|SSLHandshakeException|SslHandshakeException|Could not convert socket to TLS|disconnected before secure TLS connection|TLS handshake failed|SSL_connect returned|Unable to connect with STARTTLS|Failed to enable crypto|SSL operation failed|SSLError|ssl\.SSL|TLS negotiation failed|STARTTLS failed`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	// DNS.
	{keys: lex.add("getaddrinfo", "enotfound", "eai_again", "not known", "no such host", "nodename", "name resolution", "could not be resolved", "could not resolve", "host not found", "unknownhost", "unknown host", "name service", "11001"), re: lazyre.OnDemand(`(?i)getaddrinfo|\bENOTFOUND\b|\bEAI_AGAIN\b|Name or service not known|No such host is known|no such host|nodename nor servname|Temporary failure in name resolution|could not be resolved|Could not resolve host|Host not found|UnknownHostException|Unknown host|Name service error|socket error code 11001|\b11001\b`), kind: transcript.KindDNS, stage: transcript.Resolve, strong: true},
	// TCP.
	// An application's message that names a refused login or a refused
	// connection in one breath ("Unauthorized password or connection
	// refused"): the server answered, so the login is the likelier half;
	// a refused TCP connection gets its own socket error.
	{keys: lex.add("or connection refused"), re: lazyre.OnDemand(`(?i)\b(?:password|credentials?|login|authentication|auth)\b.{0,24}?\bor connection refused`), kind: transcript.KindProtocol, stage: transcript.Auth, strong: true, client: true},
	{keys: lex.add("econnrefused", "connection refused", "actively refused", "connectionrefused", "10061", "refused the connection"), re: lazyre.OnDemand(`(?i)\bECONNREFUSED\b|Connection refused|actively refused|ConnectionRefused|error code 10061|\b10061\b|\brefused the connection\b`), kind: transcript.KindRefused, stage: transcript.Connect, strong: true},
	{keys: lex.add("ehostunreach", "enetunreach", "no route", "unreachable", "1006", "10051"), re: lazyre.OnDemand(`(?i)EHOSTUNREACH|ENETUNREACH|No route to host|Network is unreachable|host is unreachable|\b1006[45]\b|\b10051\b`), kind: transcript.KindUnreachable, stage: transcript.Connect, strong: true},
	// A connection attempt that ran out of time, in the client's words
	// (curl's "Failed to connect to H port N: Timed out", JavaMail's
	// "Couldn't connect to host, port: H, 587; timeout 30000", "Unable to
	// connect to H:587 (Connection timed out)"): the timeout is the
	// connect's, whatever word follows.
	{keys: lex.add("failed to connect", "couldn't connect", "could not connect", "unable to connect", "can't connect", "cannot connect", "connection attempt"), re: lazyre.OnDemand(`(?i)(?:failed to connect|couldn't connect|could not connect|unable to connect|can't connect|cannot connect|connection attempt)\b.{0,160}?\b(?:timed? ?out|timeout)`), kind: transcript.KindTimeout, stage: transcript.Connect, strong: true},
	{keys: lex.add("greeting"), re: lazyre.OnDemand(`(?i)Greeting never received|while receiving the initial server greeting`), kind: transcript.KindTimeout, stage: transcript.Banner, strong: true},
	// The TLS handshake ran out of time (Python's "_ssl.c: The handshake
	// operation timed out", Go's "TLS handshake timeout"): STARTTLS was
	// accepted, or TLS began at connect, and the handshake stalled.
	{keys: lex.add("handshake operation timed out", "handshake timeout", "handshake timed out"), re: lazyre.OnDemand(`(?i)handshake operation timed out|handshake timeout|handshake timed out`), kind: transcript.KindTimeout, stage: transcript.TLS, strong: true},
	// .NET's SslStream when the server (or a middlebox) drops the TLS
	// handshake: "Authentication failed because the remote party has
	// closed the transport stream" (the "authentication" is TLS's, not
	// SMTP AUTH's); OpenSSL-based clients' "Unable to connect SSL BIO".
	// Erlang/Elixir's ssl application reports a TLS alert as a tuple
	// ("{:tls_alert, 'bad record mac'}", "{tls_alert,{unexpected_message,
	// ...}}"); "bad record mac" is also OpenSSL's and Go's wording.
	{keys: lex.add("tls_alert", "bad record mac", "bad_record_mac"), re: lazyre.OnDemand(`(?i)\btls_alert\b|\bbad[ _]record[ _]mac\b`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	// mbedTLS (ESP32, embedded clients): "SSL - An invalid SSL record was
	// received" (MBEDTLS_ERR_SSL_INVALID_RECORD), what TLS spoken to a
	// port that answers in plain SMTP gives.
	{keys: lex.add("invalid ssl record", "invalid_record"), re: lazyre.OnDemand(`(?i)invalid SSL record|SSL_INVALID_RECORD`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	{keys: lex.add("closed the transport stream", "ssl bio"), re: lazyre.OnDemand(`(?i)remote party has closed the transport stream|Unable to connect SSL BIO|\bSSL BIO\b.{0,20}(?:error|fail)`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	// PowerShell's Test-NetConnection: "WARNING: TCP connect to
	// (40.100.28.210 : 587) failed" (no SYN-ACK came, or a refusal).
	{keys: lex.add("tcp connect to"), re: lazyre.OnDemand(`(?i)TCP connect to \(?[0-9A-Fa-f.:]+ ?: ?\d+\)? failed`), kind: transcript.KindTimeout, stage: transcript.Connect, strong: true},
	// Go's net package: a read or write on an established connection ran
	// out of time ("read tcp [a]:64383->[b]:587: i/o timeout"): connected,
	// then nothing came back; the step is not named.
	{keys: lex.add("i/o timeout"), re: lazyre.OnDemand(`(?i)\b(?:read|write) tcp \S+->\S+: i/o timeout`), kind: transcript.KindTimeout, stage: transcript.Unstaged, strong: true},
	// A TLS negotiation that failed, in a device's or library's words:
	// MFP panels say "SSL negotiation failed" (in Chinese "SSL协商失败",
	// traditional "SSL協商失敗").
	{keys: lex.add("negotiation failed", "negotiation error", "negotiation failure", "协商失败", "協商失敗"), re: lazyre.OnDemand(`(?i)\b(?:SSL|TLS)(?:/TLS)? ?negotiation (?:failed|error|failure)|(?:SSL|TLS)\s*(?:协商|協商)失[败敗]`), kind: transcript.KindTLS, stage: transcript.TLS, strong: true},
	// Gmail's "Send mail as" check names the state it was in when its
	// deadline passed ("Missed upload deadline (9.99s) (state
	// SENT_SECOND_EHLO)"): the command sent, no reply in time.
	// nodemailer's error object as JSON ({"code":"ESOCKET","command":"CONN"},
	// MeshCentral's and others' logs): a socket error while connecting, the
	// same as its multi-line form the nodemailer reader takes.
	{keys: lex.add("esocket"), re: lazyre.OnDemand(`(?i)["']?code["']?\s*:\s*["']ESOCKET["']\s*,\s*["']?command["']?\s*:\s*["']CONN["']`), kind: transcript.KindProtocol, stage: transcript.Connect, strong: true},
	// Postfix smtpd's "lost connection after DATA (0 bytes) from x[ip]" (and
	// "after BDAT", "after RCPT", ...): the server's own log names the step
	// the client was in when the connection dropped.
	{keys: lex.add("lost connection after"), re: lazyre.OnDemand(`(?i)lost connection after (?:BDAT|DATA|END-OF-MESSAGE|RCPT|MAIL|AUTH|STARTTLS|EHLO|HELO|CONNECT|UNKNOWN)\b`), kind: transcript.KindClosed, stageOf: afterCommand, strong: true},
	{keys: lex.add("missed upload deadline", "deadline"), re: lazyre.OnDemand(`(?i)Missed (?:upload |download )?deadline\b.{0,40}?\(state [A-Z_]+\)`), kind: transcript.KindTimeout, stageOf: gmailState, strong: true},
	{keys: lex.add("etimedout", "timed out", "connection timeout", "properly respond", "opentimeout", "connecttimeout", "i/o timeout", "10060"), re: lazyre.OnDemand(`(?i)connect ETIMEDOUT|\bETIMEDOUT\b|Connection timed out|connect timed out|Connection timeout|did not properly respond after a period of time|OpenTimeout|ConnectTimeout|dial tcp [^ ]+: i/o timeout|error code 10060|\b10060\b|Operation timed out`), kind: transcript.KindTimeout, stage: transcript.Connect, strong: true},
	// The client gives up on AUTH before the server judged credentials.
	{keys: lex.add("whitespace username", "auth extension not supported", "support auth", "support authentication", "suitable authentication", "unencrypted connection", "login denied"), re: lazyre.OnDemand(`(?i)All-whitespace username|SMTP AUTH extension not supported by server|server (?:doesn't|does not) support AUTH|does not support authentication|No suitable authentication method|unencrypted connection|Login denied`), kind: transcript.KindProtocol, stage: transcript.Auth, strong: true, client: true},
	// The connection went away, or a read timed out: the stage is the
	// command the text names, if any.
	{keys: lex.add("econnreset", "connection reset", "forcibly closed", "10054", "broken pipe"), re: lazyre.OnDemand(`(?i)\bECONNRESET\b|connection reset|forcibly closed|\b10054\b|broken pipe`), kind: transcript.KindReset},
	{keys: lex.add("socket close", "closed unexpectedly", "unexpectedly closed", "unexpectedly disconnected", "serverdisconnected", "net_io_connectionclosed", "lost connection", "foreign host", "eof"), re: lazyre.OnDemand(`(?i)Unexpected socket close|Connection closed unexpectedly|unexpectedly closed|unexpectedly disconnected|SMTPServerDisconnected|net_io_connectionclosed|lost connection|Connection closed by foreign host|\bEOF\b`), kind: transcript.KindClosed},
	{keys: lex.add("timed out", "timeout ", "readtimeout", "sockettimeout", "timeouterror", "socket.timeout"), re: lazyre.OnDemand(`(?i)\btimed out\b|\btimeout (?:error|expired|exceeded|occurred)|ReadTimeout|SocketTimeout|TimeoutError|socket\.timeout`), kind: transcript.KindTimeout},
	// A read on a socket with a timeout that found nothing (EAGAIN, Rust's
	// WouldBlock, Winsock 10035): the peer said nothing in time.
	{keys: lex.add("wouldblock", "eagain", "resource temporarily unavailable", "10035"), re: lazyre.OnDemand(`(?i)\bWouldBlock\b|\bEWOULDBLOCK\b|\bEAGAIN\b|Resource temporarily unavailable|\b10035\b`), kind: transcript.KindTimeout},
	// The Microsoft identity platform refused the OAuth token request
	// (AADSTS7000215 invalid client secret, AADSTS50126 bad credentials,
	// AADSTS65001 no consent): XOAUTH2 never had a token to send.
	{keys: lex.add("aadsts"), re: lazyre.OnDemand(`AADSTS\d{5,}`), kind: transcript.KindProtocol, stage: transcript.Auth, strong: true, client: true},
	// A device's or an app's OAuth sign-in that expired or could not be
	// renewed (Sharp's "Token update failed. Please delete the token and
	// obtain it again.", QNAP's "Authorization has expired. Reauthorize the
	// account.", OAuth 2.0's invalid_grant, RFC 6749 section 5.2): XOAUTH2
	// has no valid token to send.
	{keys: lex.add("token update failed", "token refresh failed", "token renewal failed", "refresh token", "authorization has expired", "authorisation has expired", "reauthorize", "reauthorise", "invalid_grant", "token has expired", "token expired"), re: lazyre.OnDemand(`(?i)token (?:update|refresh|renewal) failed|failed to (?:refresh|update|renew|obtain|get|acquire) (?:the |an )?(?:oauth ?2? |access |refresh )?token|refresh token (?:is )?(?:invalid|expired|revoked)|authori[sz]ation has expired|re-?authori[sz]e (?:the|your) account|\binvalid_grant\b|(?:access |oauth ?2? )?token (?:has )?expired`), kind: transcript.KindProtocol, stage: transcript.Auth, strong: true, client: true},
	// A connection attempt that failed, in the client's words, without
	// saying why (a printer's "Connection with SMTP server failed",
	// PHPMailer's "SMTP connect() failed"): weak, since such words also
	// sum up failures after the connection (PHPMailer prints its connect()
	// failure after a refused AUTH).
	{keys: lex.add("connect() failed", "failed to connect", "could not connect", "couldn't connect", "unable to connect", "cannot connect", "can't connect", "connection with smtp server"), re: lazyre.OnDemand(`(?i)SMTP connect\(\) failed|(?:failed to|could not|couldn't|unable to|cannot|can't) connect to (?:the )?(?:SMTP |mail )?(?:server|host)|connection with (?:the )?SMTP server (?:failed|lost|error)`), kind: transcript.KindProtocol, stage: transcript.Connect},
	// Authentication refused, in the client's words only (a printer's
	// web page, msmtp, PHPMailer's summary): the server's reply, when the
	// paste has it, is the better evidence.
	// Ruby's Net::SMTPAuthenticationError also as pasted misspelt
	// ("SMTPAuthentificationError", a Zammad ticket).
	{keys: lex.add("authentication failed", "could not authenticate", "cannot authenticate", "auth ", "invalid login", "authorization failed", "failed to authenticate", "login failed", "smtpauthenticationerror", "smtpauthentificationerror", "authenticationfailedexception", "authentication error"), re: lazyre.OnDemand(`(?i)authentication failed|could not authenticate|cannot authenticate|\bAUTH \w+ failed|Invalid login|Authorization failed|Failed to authenticate|Login failed|SMTPAuthenti(?:fi)?cationError|AuthenticationFailedException|SMTP authentication error`), kind: transcript.KindProtocol, stage: transcript.Auth},
}

// codeFieldRE: a line that is a library's error code field.
var codeFieldRE = lazyre.OnDemand(`^\s*['"]?(?:code|errno|syscall)['"]?\s*:`)

// errorClues finds the error signs of one line (one per line: the most
// specific). A definite socket, DNS or TLS error says most; then a
// library's or a notice's words (words.go), which name the step; then a
// client's summary.
func errorClues(at int, l string, ws *wordSet) []clue {
	var weak *clue
	for _, s := range errSigns {
		if !ws.any(s.keys) {
			continue
		}
		loc := s.re.Regexp().FindStringIndex(l)
		if loc == nil || setting(l, loc) {
			continue
		}
		c := clue{at: at, start: loc[0], end: len(l), line: l, err: s.kind, text: errorText(l, loc),
			errStage: s.stage, errWords: l[loc[0]:loc[1]], client: s.client}
		if s.stageOf != nil {
			c.errStage = s.stageOf(c.errWords)
		}
		if s.strong && !codeFieldRE.MatchString(l) {
			c.weight = 1 // an error code field ("code: 'ETIMEDOUT'") only restates the message above it
		}
		if s.strong {
			return []clue{c}
		}
		weak = &c
		break
	}
	if c, ok := wordClue(at, l, ws); ok {
		return []clue{c}
	}
	if weak != nil {
		return []clue{*weak}
	}
	return nil
}

// settingRE: the rest of a line that sets a value ("Ms_1: 30000", "=
// 30s"), after a name that is an error's word ("ConnectTimeout").
var settingRE = lazyre.OnDemand(`^\w*["']?\s*[:=]\s*["']?\d+\s*(?:ms|s|sec|seconds|milliseconds)?["']?\s*[,;]?\s*$`)

// setting: the sign at loc is one word that names a setting with its
// value, a client's configuration dump (Chilkat's "ConnectTimeoutMs_1:
// 30000"), not an error.
func setting(l string, loc []int) bool {
	return !strings.ContainsAny(l[loc[0]:loc[1]], " \t") && settingRE.MatchString(window(l, loc[1], 40))
}

// errorText is the part of line l around an error sign at loc that a
// reader needs: the words before it on its line (up to a sentence or a
// stack trace) and after it, bounded, without quoting marks. A whole
// logical line can be a stack trace with the call's arguments in it.
func errorText(l string, loc []int) string {
	start, end := runeStart(l, max(0, loc[0]-160)), runeStart(l, min(len(l), loc[1]+240))
	if start > 0 {
		if i := strings.LastIndex(l[start:loc[0]], ". "); i >= 0 {
			start += i + 2
		}
	}
	for _, stop := range []string{" Stack trace:", " #0 ", " #1 ", "\tat ", "    at "} {
		if i := strings.Index(l[loc[1]:end], stop); i >= 0 {
			end = loc[1] + i
		}
	}
	t := strings.TrimLeft(strings.TrimSpace(l[start:end]), "> \t")
	if start > 0 && !strings.HasPrefix(strings.TrimSpace(l), t) {
		t = "..." + t
	}
	return t
}

// gmailState maps the state Gmail's mail client names in its error
// ("(state SENT_SECOND_EHLO)") to the stage whose reply it waited for:
// SENT_<COMMAND>, the second EHLO being the one after STARTTLS.
func gmailState(m string) transcript.Stage {
	i := strings.LastIndex(m, "(state ")
	st := strings.TrimSuffix(m[i+len("(state "):], ")")
	switch {
	case strings.HasSuffix(st, "SECOND_EHLO"):
		return transcript.EHLOTLS
	case strings.HasPrefix(st, "SENT_"):
		cmd, _, _ := strings.Cut(strings.TrimPrefix(st, "SENT_"), "_")
		return stageOfCommand(cmd, false)
	}
	return ""
}

// afterCommand is the stage of the command a "lost connection after X"
// names ("" for CONNECT and UNKNOWN: before any command).
func afterCommand(m string) transcript.Stage {
	f := strings.Fields(m)
	switch cmd := strings.ToUpper(f[len(f)-1]); cmd {
	case "BDAT", "DATA", "END-OF-MESSAGE":
		return transcript.Data
	case "CONNECT", "UNKNOWN":
		return transcript.Banner
	default:
		return stageOfCommand(cmd, false)
	}
}
