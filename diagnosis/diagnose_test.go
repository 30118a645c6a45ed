package diagnosis

import (
	"crypto/tls"
	"fmt"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

var (
	subIn    = Input{Plan: sessiontest.SubmissionPlan, Host: "smtp.office365.com", Port: 587}
	directIn = Input{Plan: sessiontest.DirectPlan, Host: "contoso-com.mail.protection.outlook.com", Port: 25}
	mxIn     = Input{Plan: sessiontest.DirectPlan, MXDomain: "contoso.com", Port: 25}
	postfix  = Input{Plan: sessiontest.SubmissionPlan, Host: "mail.example.test", Port: 587}
)

type diagnoseCase struct {
	name     string
	t        *transcript.Transcript
	in       Input
	category catalog.Category
	stage    transcript.Stage
	step     int
	code     int
	enhanced string
	summary  []string // phrases the summary must contain
	next     []string // phrases Next must contain
	absent   []string // phrases the summary must not contain
}

var diagnoseCases = []diagnoseCase{
	// Success says what was proven, no more.
	{name: "ok-envelope", t: sessiontest.AllPass(sessiontest.SubmissionPlan), in: subIn, category: catalog.OK, code: 250, enhanced: "2.1.5",
		summary: []string{"Microsoft 365 accepted the envelope for 1 recipient (TLS1.3, authenticated); no message was sent"},
		next:    []string{"send_message"}},
	{name: "ok-message", t: sessiontest.AllPass(transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true, Data: true}), in: subIn,
		category: catalog.OK, code: 250, enhanced: "2.6.0", summary: []string{"accepted the message for delivery"}, next: []string{"message trace"}},
	{name: "ok-through-inspection", t: sessiontest.With(sessiontest.AllPass(transcript.Plan{Method: transcript.DirectSend, TLS: transcript.NoTLS}), sessiontest.SetBanner("220 *******************************")),
		in: mxIn, category: catalog.OK, summary: []string{"the server accepted the envelope", "a firewall inspects this plaintext session (see banner)"}},
	{name: "ok-direct-send", t: sessiontest.AllPass(sessiontest.DirectPlan), in: mxIn, category: catalog.OK, code: 250,
		summary: []string{"Microsoft 365 accepted the envelope for 1 recipient (TLS1.3); no message was sent"}},

	// Replies the catalog does not know: by stage and class.
	{name: "unknown-421", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.Mail, "421 4.4.2 Connection dropped due to SocketError")), in: subIn,
		category: catalog.Service, stage: transcript.Mail, step: 10, code: 421, enhanced: "4.4.2", summary: []string{"temporarily not serving"}, absent: []string{"connection is not acceptance"}},
	{name: "unknown-4xx-rcpt", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "450 4.2.1 Try again")), in: directIn,
		category: catalog.Service, stage: transcript.Rcpt, step: 10, code: 450, summary: []string{"temporarily", "connection is not acceptance"}},
	{name: "unknown-5xx-auth", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.Auth, "535 5.7.8 Error: authentication failed")), in: subIn,
		category: catalog.AuthCat, stage: transcript.Auth, step: 9, code: 535, enhanced: "5.7.8", summary: []string{"authentication was refused"}},
	{name: "unknown-5xx-rcpt", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.1.1 User unknown")), in: directIn,
		category: catalog.Recipient, stage: transcript.Rcpt, step: 5, code: 550, enhanced: "5.1.1",
		summary: []string{"recipient was refused", "TLS completed, so MTU/fragmentation is ruled out", "connection is not acceptance"}},
	{name: "unknown-5xx-mail", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "553 5.7.1 Sender address rejected")), in: directIn,
		category: catalog.Policy, stage: transcript.Mail, step: 5, code: 553, summary: []string{"sender was refused"}},
	{name: "sender-domain-unknown", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "450 4.1.8 <scanner@ip-10-0-0-1.ec2.internal>: Sender address rejected: Domain not found")), in: directIn,
		category: catalog.Policy, stage: transcript.Rcpt, step: 5, code: 450, summary: []string{"does not exist in DNS"}},
	{name: "sender-not-own-address", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "501 mail from address must be same as authorization user")), in: directIn,
		category: catalog.Policy, stage: transcript.Mail, step: 9, code: 501, summary: []string{"authenticated user's own address"}},
	{name: "message-too-large", t: sessiontest.Session(transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true}, sessiontest.At(transcript.Data, "554 5.2.270 MapiExceptionMaxSubmissionExceeded; Message size exceeds maximum size limit.")), in: directIn,
		category: catalog.Policy, stage: transcript.Data, step: 5, code: 554, summary: []string{"larger than"}},
	{name: "content-refused", t: sessiontest.Session(transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true}, sessiontest.At(transcript.Data, "550 5.2.0 Spam message rejected")), in: directIn,
		category: catalog.Policy, stage: transcript.Data, step: 6, code: 550, summary: []string{"content filter"}},
	{name: "tls-handshake-failed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "403 4.7.0 TLS handshake failed")), in: directIn,
		category: catalog.TLSCat, stage: transcript.Mail, step: 4, code: 403, summary: []string{"TLS handshake failed"}},
	{name: "policy-words", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "550 5.1.0 cNkj1y0022zrrQM01NkjaD policy violation, see https://support.example.com/kb/a4081")), in: directIn,
		category: catalog.Policy, stage: transcript.Mail, step: 5, code: 550, summary: []string{"by its policy"}},
	{name: "rcpt-refused-policy", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "554 5.7.1 <a@example.com>: Recipient address rejected: You have exceeded your quota")), in: directIn,
		category: catalog.Policy, stage: transcript.Rcpt, step: 5, code: 554, summary: []string{"security or policy rules"}},
	{name: "destination-unreachable", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mx.example.com] [LastAttemptedIP=192.0.2.7:25]")), in: directIn,
		category: catalog.Network, stage: transcript.Rcpt, step: 2, code: 450, summary: []string{"could not connect to the recipient's mail server"}},
	{name: "policy-deferred", t: sessiontest.Session(transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true}, sessiontest.At(transcript.Data, "451 4.7.1 Service unavailable - try again later")), in: directIn,
		category: catalog.Policy, stage: transcript.Data, step: 5, code: 451, summary: []string{"deferred the message by its policy"}},
	{name: "unknown-5xx-data", t: sessiontest.Session(transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true}, sessiontest.At(transcript.Data, "554 5.6.0 Message rejected")), in: directIn,
		category: catalog.Policy, stage: transcript.Data, step: 5, code: 554, summary: []string{"message was refused"}},
	{name: "banner-554-blocked", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Banner, "554 5.7.1 Client host [203.0.113.7] blocked")), in: mxIn,
		category: catalog.Reputation, stage: transcript.Banner, step: 7, code: 554, summary: []string{"likely blocked"}, next: []string{"587"}},
	{name: "banner-554-no-service", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Banner, "554 No SMTP service here")), in: mxIn,
		category: catalog.Service, stage: transcript.Banner, step: 10, code: 554, summary: []string{"refused the session"}},
	{name: "positive-reply-to-starttls", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.STARTTLS, "200 OK")), in: directIn,
		category: catalog.Firewall, stage: transcript.STARTTLS, step: 3, code: 200, summary: []string{"likely a middlebox"}},
	{name: "quit-failed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Quit, transcript.KindClosed, "connection closed by peer")), in: directIn,
		category: catalog.Service, stage: transcript.Quit, step: 10, summary: []string{"up to QUIT passed"}},

	// Replies whose meaning depends on the session.
	{name: "legacy-tls-any-stage", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.Auth, "421 4.7.66 TLS 1.0 and 1.1 are not supported. [X]")), in: subIn,
		category: catalog.TLSCat, stage: transcript.Auth, step: 4, code: 421, enhanced: "4.7.66", next: []string{"TLS 1.2"}},
	{name: "auth-before-starttls", t: sessiontest.Session(transcript.Plan{Method: transcript.Submission, TLS: transcript.NoTLS, Auth: true},
		sessiontest.At(transcript.Auth, "504 5.7.4 Unrecognized authentication type [BY1PR10CA0041.outlook.office365.com]")), in: subIn,
		category: catalog.TLSCat, stage: transcript.Auth, step: 4, code: 504, enhanced: "5.7.4", summary: []string{"authenticating before STARTTLS"}},
	{name: "auth-mechanism-after-tls", t: sessiontest.Session(sessiontest.SubmissionPlan,
		sessiontest.At(transcript.Auth, "504 5.7.4 Unrecognized authentication type [BY1PR10CA0041.outlook.office365.com]")), in: subIn,
		category: catalog.AuthCat, stage: transcript.Auth, step: 9, code: 504, summary: []string{"LOGIN and XOAUTH2"}},
	{name: "banned-ip", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.7.606 Access denied, banned sending IP [203.0.113.7]. To request removal from this list please visit https://sender.office.com/ and follow the directions.")),
		in: directIn, category: catalog.Reputation, stage: transcript.Rcpt, step: 7, code: 550, enhanced: "5.7.606",
		summary: []string{"block list", "connection is not acceptance", "TLS completed, so MTU/fragmentation is ruled out"}, next: []string{"sender.office.com"}},
	{name: "basic-auth-disabled", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.Auth, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [X 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]")),
		in: subIn, category: catalog.AuthCat, stage: transcript.Auth, step: 9, code: 535, summary: []string{"December 2026"}},

	// Failures without a reply.
	{name: "dns", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Resolve, transcript.KindDNS, "lookup smtp.office365.com: no such host")), in: subIn,
		category: catalog.Network, stage: transcript.Resolve, step: 2, summary: []string{"the name smtp.office365.com does not resolve from this network"}},
	{name: "dns-mx", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Resolve, transcript.KindDNS, "lookup contoso.com: no MX records")), in: mxIn,
		category: catalog.Network, stage: transcript.Resolve, step: 2, summary: []string{"contoso.com (MX) does not resolve from this network"}},
	{name: "port-25-refused", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindRefused, "connect: connection refused")), in: directIn,
		category: catalog.Network, stage: transcript.Connect, step: 2,
		summary: []string{"contoso-com.mail.protection.outlook.com:25 was refused", "outbound port 25 is likely blocked by the ISP or firewall; try submission on 587 as a control (checklist step 8)"}},
	{name: "port-25-timeout-mx", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindTimeout, "connect: i/o timeout")), in: mxIn,
		category: catalog.Network, stage: transcript.Connect, step: 2, summary: []string{"timed out", "outbound port 25 is likely blocked"}},
	{name: "port-587-unreachable", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindUnreachable, "connect: network is unreachable")), in: subIn,
		category: catalog.Network, stage: transcript.Connect, step: 2, summary: []string{"no route to smtp.office365.com:587"}},
	{name: "port-465", t: sessiontest.Session(transcript.Plan{Method: transcript.Submission, TLS: transcript.Implicit, Auth: true}, sessiontest.ErrAt(transcript.Connect, transcript.KindTimeout, "connect: i/o timeout")),
		in:       Input{Plan: transcript.Plan{Method: transcript.Submission, TLS: transcript.Implicit, Auth: true}, Host: "smtp.office365.com", Port: 465},
		category: catalog.Config, stage: transcript.Connect, step: 1, summary: []string{"no implicit TLS on port 465"}, next: []string{"587"}},
	{name: "banner-silent", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindTimeout, "no banner within 30s")), in: directIn,
		category: catalog.Firewall, stage: transcript.Banner, step: 3, summary: []string{"something accepted the TCP connection but says nothing: a firewall/proxy intercepting SMTP, or a tarpit"}},
	{name: "banner-closed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindClosed, "EOF")), in: directIn,
		category: catalog.Firewall, stage: transcript.Banner, step: 3, summary: []string{"closed before the banner"}},
	{name: "ehlo-stall", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.EHLO, transcript.KindTimeout, "no reply to EHLO within 30s")), in: subIn,
		category: catalog.Firewall, stage: transcript.EHLO, step: 3, summary: []string{"MTU"}, next: []string{"small command", "inspection", "another network"}},
	{name: "starttls-stall", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.STARTTLS, transcript.KindTimeout, "no reply to STARTTLS within 30s")), in: subIn,
		category: catalog.Firewall, stage: transcript.STARTTLS, step: 4},
	{name: "tls-stall", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.TLS, transcript.KindTimeout, "TLS handshake: i/o timeout")), in: subIn,
		category: catalog.Firewall, stage: transcript.TLS, step: 4, summary: []string{"stalled", "MTU"}, next: []string{"small command", "inspection"}},
	{name: "tls-version", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "remote error: tls: protocol version not supported"), transcript.TLSVersion)),
		in:       Input{Plan: sessiontest.SubmissionPlan, Host: "smtp.office365.com", Port: 587, TLSMin: tls.VersionTLS10, TLSMax: tls.VersionTLS11},
		category: catalog.TLSCat, stage: transcript.TLS, step: 4, summary: []string{"the device offers TLS 1.0 to TLS 1.1"}, next: []string{"firmware"}},
	{name: "tls-version-unknown-range", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "tls: no supported versions satisfy MinVersion and MaxVersion"), transcript.TLSVersion)),
		in: subIn, category: catalog.TLSCat, stage: transcript.TLS, step: 4, summary: []string{"share no TLS version"}},
	{name: "cert-unknown-authority", t: sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "tls: failed to verify certificate: x509: certificate signed by unknown authority"), transcript.Certificate|transcript.UnknownAuthority)),
		func(t *transcript.Transcript) {
			t.TLS = &transcript.TLSInfo{Version: "TLS1.2", VerifyError: "x509: certificate signed by unknown authority", VerifyReason: transcript.Certificate | transcript.UnknownAuthority}
		}),
		in: subIn, category: catalog.TLSCat, stage: transcript.TLS, step: 4, summary: []string{"authority the device does not trust", "x509: certificate signed by unknown authority"},
		next: []string{"DigiCert Global Root G2", "TLS inspection"}},
	{name: "cert-name-mismatch", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "tls: failed to verify certificate: x509: certificate is valid for outlook.com, not 40.99.1.1"), transcript.Certificate|transcript.WrongName)),
		in: subIn, category: catalog.TLSCat, stage: transcript.TLS, step: 4, summary: []string{"not valid for the name", "not 40.99.1.1"}, next: []string{"never by IP address"}},
	{name: "tls-reset", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.TLS, transcript.KindReset, "read: connection reset by peer")), in: subIn,
		category: catalog.Firewall, stage: transcript.TLS, step: 4},
	{name: "tls-cut-as-worded-by-the-probe", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "connection reset by 40.99.1.1:587 during the TLS handshake"), transcript.Cut)), in: subIn,
		category: catalog.Firewall, stage: transcript.TLS, step: 4, summary: []string{"no cipher suite in common"}},
	{name: "ca-file", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "ca_file roots.pem holds no PEM certificate"), transcript.CAFile)), in: subIn,
		category: catalog.Config, stage: transcript.TLS, step: 4},
	{name: "starttls-refused-not-advertised", t: sessiontest.With(sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.STARTTLS, "502 5.5.1 Error: command not implemented")), sessiontest.NoSTARTTLS),
		sessiontest.SetBanner("220 mail.example.test ESMTP Postfix")),
		in: postfix, category: catalog.TLSCat, stage: transcript.STARTTLS, step: 4, code: 502, summary: []string{"does not advertise STARTTLS", "502 5.5.1"}},
	{name: "implicit-on-starttls-port", t: sessiontest.Session(transcript.Plan{Method: transcript.Submission, TLS: transcript.Implicit, Auth: true}, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "tls: first record does not look like a TLS handshake"), transcript.NotTLS)),
		in:       Input{Plan: transcript.Plan{Method: transcript.Submission, TLS: transcript.Implicit, Auth: true}, Host: "smtp.office365.com", Port: 587},
		category: catalog.Config, stage: transcript.TLS, step: 1, summary: []string{"not implicit TLS"}},
	{name: "closed-plaintext", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.EHLO, transcript.KindClosed, "EOF")), in: directIn,
		category: catalog.Firewall, stage: transcript.EHLO, step: 3, summary: []string{"before TLS"}},
	{name: "reset-inside-tls", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Mail, transcript.KindReset, "read: connection reset by peer")), in: subIn,
		category: catalog.Network, stage: transcript.Mail, step: 2, summary: []string{"inside TLS", "TLS completed, so MTU/fragmentation is ruled out"}},
	{name: "timeout-inside-tls", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Auth, transcript.KindTimeout, "no reply to AUTH within 30s")), in: subIn,
		category: catalog.Service, stage: transcript.Auth, step: 10, summary: []string{"TLS completed, so MTU/fragmentation is ruled out"}},
	{name: "timeout-plaintext-data", t: sessiontest.Session(transcript.Plan{Method: transcript.DirectSend, TLS: transcript.NoTLS, Data: true}, sessiontest.ErrAt(transcript.Data, transcript.KindTimeout, "no reply to end of data within 30s")), in: directIn,
		category: catalog.Firewall, stage: transcript.Data, step: 3, summary: []string{"MTU"}},
	{name: "garbled-plaintext", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.EHLO, transcript.KindProtocol, "malformed reply \"HTTP/1.1 400 Bad Request\"")), in: directIn,
		category: catalog.Firewall, stage: transcript.EHLO, step: 3},

	// Firewall signs win over the later failure they cause.
	{name: "masked-banner", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.STARTTLS, "500 #5.5.1 command not recognized")),
		sessiontest.SetBanner("220 *********************************0*2******0*******************************")),
		in: directIn, category: catalog.Firewall, stage: transcript.Banner, step: 3, code: 220,
		summary: []string{"banner is masked"}, next: []string{"SMTP/ESMTP inspection", "do not disable the firewall's security wholesale"}},
	{name: "masked-banner-cmap", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.TLS, transcript.KindTimeout, "TLS handshake: i/o timeout")),
		sessiontest.SetBanner("220 SMTP/cmap_______________________________________read")),
		in: directIn, category: catalog.Firewall, stage: transcript.Banner, step: 3, code: 220},
	{name: "masked-starttls", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.STARTTLS, "500 #5.5.1 command not recognized")), func(t *transcript.Transcript) {
		t.Capabilities = []string{"SIZE 157286400", "PIPELINING", "XXXXXXXA"}
	}), in: directIn, category: catalog.Firewall, stage: transcript.EHLO, step: 3, code: 250,
		next: []string{"do not disable the firewall's security wholesale"}},
	{name: "microsoft-without-starttls", t: sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.STARTTLS, transcript.KindProtocol, "STARTTLS not advertised")), sessiontest.NoSTARTTLS),
		in: subIn, category: catalog.Firewall, stage: transcript.EHLO, step: 3, code: 250,
		summary: []string{"always offers STARTTLS"}, next: []string{"SMTP/ESMTP inspection", "do not disable the firewall's security wholesale"}},
	{name: "microsoft-without-starttls-probe-stopped", t: sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, transcript.StageResult{}), func(t *transcript.Transcript) {
		sessiontest.NoSTARTTLS(t)
		for i := range t.Stages {
			if i >= 4 {
				t.Stages[i] = transcript.StageResult{Stage: t.Stages[i].Stage, Status: transcript.Skip, Note: "STARTTLS not advertised"}
			}
		}
	}), in: subIn, category: catalog.Firewall, stage: transcript.EHLO, step: 3},
	{name: "other-server-without-starttls", t: sessiontest.With(sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.STARTTLS, transcript.KindProtocol, "STARTTLS not advertised")), sessiontest.NoSTARTTLS),
		sessiontest.SetBanner("220 mail.example.test ESMTP Postfix")),
		in: postfix, category: catalog.TLSCat, stage: transcript.STARTTLS, step: 4, summary: []string{"does not advertise STARTTLS"}},
	{name: "intercepted-banner", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "tls: failed to verify certificate: x509: certificate signed by unknown authority"), transcript.Certificate|transcript.UnknownAuthority)),
		sessiontest.SetBanner("220 mx.isp.example ESMTP ready")),
		in: directIn, category: catalog.Firewall, stage: transcript.Banner, step: 3, code: 220, summary: []string{"intercepted or redirected"}},
	{name: "masked-banner-then-banned-ip", t: sessiontest.With(sessiontest.Session(transcript.Plan{Method: transcript.DirectSend, TLS: transcript.NoTLS}, sessiontest.At(transcript.Rcpt, "550 5.7.606 Access denied, banned sending IP [203.0.113.7].")),
		sessiontest.SetBanner("220 *********************************0*2******0*******************************")),
		in: directIn, category: catalog.Reputation, stage: transcript.Rcpt, step: 7, code: 550,
		summary: []string{"a firewall also inspects this session (see banner)", "connection is not acceptance"},
		absent:  []string{"TLS completed"}},
	{name: "cert-unverified-without-error", t: sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, transcript.StageResult{Stage: transcript.TLS}), func(t *transcript.Transcript) {
		t.TLS = &transcript.TLSInfo{Version: "TLS1.2", VerifyError: "x509: certificate has expired or is not yet valid", VerifyReason: transcript.Certificate | transcript.Expired}
	}), in: subIn, category: catalog.TLSCat, stage: transcript.TLS, step: 4, next: []string{"clock"}},
	{name: "probe-stopped-without-failure", t: sessiontest.With(sessiontest.AllPass(sessiontest.SubmissionPlan), func(t *transcript.Transcript) {
		for i := 4; i < len(t.Stages); i++ {
			t.Stages[i] = transcript.StageResult{Stage: t.Stages[i].Stage, Status: transcript.Skip}
		}
	}), in: subIn, category: catalog.Service, stage: transcript.STARTTLS, step: 10, summary: []string{"stopped before starttls"}},
	{name: "empty-transcript", t: &transcript.Transcript{}, in: subIn, category: catalog.Service, stage: transcript.Resolve, step: 10},
	{name: "after-tls-no-sign", t: sessiontest.With(sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.At(transcript.Auth, "535 5.7.3 Authentication unsuccessful [X]")),
		sessiontest.SetBanner("220 *********************************0*2******0*******************************")),
		in: subIn, category: catalog.AuthCat, stage: transcript.Auth, step: 9},
}

func TestDiagnose(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata/diagnose"))
	for _, tc := range diagnoseCases {
		t.Run(tc.name, func(t *testing.T) {
			v := Diagnose(tc.t, tc.in)
			if v.Category != tc.category || v.Stage != tc.stage || v.Step != tc.step {
				t.Errorf("got %s at %q step %d, want %s at %q step %d\nsummary: %s",
					v.Category, v.Stage, v.Step, tc.category, tc.stage, tc.step, v.Summary())
			}
			if tc.code != 0 && v.Code != tc.code {
				t.Errorf("Code = %d, want %d", v.Code, tc.code)
			}
			if tc.enhanced != "" && v.Enhanced != tc.enhanced {
				t.Errorf("Enhanced = %q, want %q", v.Enhanced, tc.enhanced)
			}
			for _, p := range tc.summary {
				if !strings.Contains(v.Summary(), p) {
					t.Errorf("Summary lacks %q:\n%s", p, v.Summary())
				}
			}
			for _, p := range tc.absent {
				if strings.Contains(v.Summary(), p) {
					t.Errorf("Summary has %q:\n%s", p, v.Summary())
				}
			}
			for _, p := range tc.next {
				if !strings.Contains(v.Next, p) {
					t.Errorf("Next lacks %q:\n%s", p, v.Next)
				}
			}
			checkEvidence(t, v)
			g.Assert(t, tc.name, []byte(render(v)))
		})
	}
}

// checkEvidence: every verdict cites its evidence, and the summary ends
// with it in the one shape the reports strip (`: "<evidence>"`).
func checkEvidence(t *testing.T, v Verdict) {
	t.Helper()
	if v.Evidence == "" {
		t.Fatalf("no evidence: %+v", v)
	}
	if want := ": " + fmt.Sprintf("%q", v.Evidence); !strings.HasSuffix(v.Summary(), want) {
		t.Errorf("Summary does not end with %s:\n%s", want, v.Summary())
	}
}

// render is the reviewable text of a verdict for its golden file.
func render(v Verdict) string {
	return fmt.Sprintf("category: %s\nstage: %s\ncode: %d\nenhanced: %s\nstep: %d\nsummary: %s\nnext: %s\nevidence: %s\n",
		v.Category, v.Stage, v.Code, v.Enhanced, v.Step, v.Summary(), v.Next, v.Evidence)
}

// TestDiagnoseFailingStageWins: the verdict names the stage that
// failed, not the stage the catalog row was written for.
func TestDiagnoseFailingStageWins(t *testing.T) {
	tr := sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "550 5.7.1 Unable to relay"))
	v := Diagnose(tr, directIn)
	if v.Stage != transcript.Mail || v.Category != catalog.Policy {
		t.Errorf("got %s at %s, want policy at mail", v.Category, v.Stage)
	}
}

func TestDeviceTLS(t *testing.T) {
	for _, tc := range []struct {
		min, max uint16
		want     string
	}{
		{0, 0, "its default TLS versions (the spec names none)"},
		{tls.VersionTLS10, tls.VersionTLS10, "TLS 1.0 only"},
		{0, tls.VersionTLS11, "up to TLS 1.1"},
		{tls.VersionTLS12, 0, "TLS 1.2 or later"},
		{tls.VersionTLS10, tls.VersionTLS11, "TLS 1.0 to TLS 1.1"},
	} {
		if got := deviceTLS(tc.min, tc.max); got != tc.want {
			t.Errorf("deviceTLS(%x, %x) = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}
