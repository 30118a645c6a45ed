package diagnosis

import (
	"slices"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// diagnoseNoReply explains a stage that failed without a server reply:
// by stage, error kind and what else the session shows. The first rule
// that fits wins, so specific rules come before general ones.
func diagnoseNoReply(sc *scene, f transcript.StageResult) Verdict {
	if v, ok := starttlsMissing(sc, f); ok {
		return v
	}
	var kind transcript.Kind
	if f.Err != nil {
		kind = f.Err.Kind
	}
	for _, r := range errRules {
		if r.stages != nil && !slices.Contains(r.stages, f.Stage) {
			continue
		}
		if r.kinds != nil && !slices.Contains(r.kinds, kind) {
			continue
		}
		if r.when != nil && !r.when(sc, f) {
			continue
		}
		return tag(sc.verdict(r.finding, f, nil, sc.evidenceOf(f)), r.id, r.src)
	}
	return tag(sc.verdict(finding{catalog.Network, 2, "<STAGE> failed without a reply", "record the transcript (checklist step 10)"}, f, nil, sc.evidenceOf(f)),
		"no-reply", srcChecklist)
}

// errRule reads a failure without a reply.
type errRule struct {
	stages []transcript.Stage // nil: any stage
	kinds  []transcript.Kind  // nil: any kind (or none)
	when   func(*scene, transcript.StageResult) bool
	id     string // stable rule name (Verdict.Rule)
	src    string // the public source it rests on
	finding
}

const (
	nextDNS = "check the device's DNS servers and the spelling of <NAME>; look it up from the device's network (nslookup); use the name, never an IP address (Microsoft 365 does not support IP addresses)"
	// nextMTU separates SMTP inspection from an MTU black hole: both let
	// small packets through and stall on the first large one.
	nextMTU = "separate inspection from MTU: if a small command (HELO, NOOP) is answered but larger replies or the TLS handshake hang, it is MTU (check that ICMP 'fragmentation needed' passes, lower the MTU, compare from another network); otherwise disable SMTP/ESMTP inspection for this flow; do not disable the firewall's security wholesale"
	nextCut = "exempt the flow from SMTP/ESMTP inspection and compare from another network; do not disable the firewall's security wholesale"
)

var (
	dropped  = []transcript.Kind{transcript.KindRefused, transcript.KindTimeout, transcript.KindUnreachable}
	cut      = []transcript.Kind{transcript.KindClosed, transcript.KindReset}
	timedOut = []transcript.Kind{transcript.KindTimeout}
	protocol = []transcript.Kind{transcript.KindProtocol}
)

var errRules = []errRule{
	// Step 2: DNS and TCP reachability.
	{id: "dns-timeout", src: catalog.SrcMFP, stages: []transcript.Stage{transcript.Resolve}, kinds: timedOut, finding: finding{catalog.Network, 2,
		"DNS did not answer for <NAME> in time", nextDNS}},
	{id: "dns-failed", src: catalog.SrcMFP, stages: []transcript.Stage{transcript.Resolve}, finding: finding{catalog.Network, 2,
		"the name <NAME> does not resolve from this network", nextDNS}},
	{id: "port-465", src: catalog.SrcMFP, stages: []transcript.Stage{transcript.Connect}, kinds: dropped, when: port465, finding: finding{catalog.Config, 1,
		"<WHAT>: Microsoft 365 offers no implicit TLS on port 465 (SMTP AUTH submission is STARTTLS on 587)",
		"set the device to port 587 with STARTTLS; a device that only offers port 465 cannot use SMTP AUTH submission (use Direct Send or a relay connector)"}},
	{id: "port-25-blocked", src: srcPort25, stages: []transcript.Stage{transcript.Connect}, kinds: dropped, when: port25, finding: finding{catalog.Network, 2,
		"<WHAT>: outbound port 25 is likely blocked by the ISP or firewall; try submission on 587 as a control (checklist step 8)",
		"ask the ISP or the firewall admin to allow outbound TCP 25 to <NAME>; if submission on 587 works at once, the problem is the IP or port 25, not Microsoft 365"}},
	{id: "connect-refused", src: srcChecklist, stages: []transcript.Stage{transcript.Connect}, kinds: []transcript.Kind{transcript.KindRefused}, finding: finding{catalog.Network, 2,
		"<WHAT>: nothing listens there, or a firewall rejects the connection",
		"check the port, and that this network allows outbound TCP <PORT> to <NAME>"}},
	{id: "connect-timeout", src: srcChecklist, stages: []transcript.Stage{transcript.Connect}, kinds: timedOut, finding: finding{catalog.Network, 2,
		"<WHAT>: packets are dropped on the way (firewall or routing)",
		"check that this network allows outbound TCP <PORT> to <NAME>"}},
	{id: "connect-failed", src: srcChecklist, stages: []transcript.Stage{transcript.Connect}, finding: finding{catalog.Network, 2,
		"<WHAT> from this network",
		"check the routing, proxy and firewall of the device's network for outbound TCP <PORT>"}},

	// Step 3: banner and EHLO. A stall here is inspection or MTU.
	{id: "banner-silent", src: catalog.SrcMaskBanner, stages: []transcript.Stage{transcript.Banner}, kinds: timedOut, finding: finding{catalog.Firewall, 3,
		"something accepted the TCP connection but says nothing: a firewall/proxy intercepting SMTP, or a tarpit",
		"look for SMTP/ESMTP inspection or a transparent proxy on the path and exempt this flow; compare from another network; do not disable the firewall's security wholesale"}},
	{id: "banner-cut", src: srcChecklist, stages: []transcript.Stage{transcript.Banner}, kinds: cut, finding: finding{catalog.Firewall, 3,
		"<WHAT> before the banner: a firewall or proxy dropping SMTP, or the server refusing this client without a word",
		"compare from another network; exempt the flow from SMTP/ESMTP inspection; check the site's IP reputation (checklist step 7)"}},
	{id: "ehlo-stall", src: srcMTU, stages: []transcript.Stage{transcript.EHLO}, kinds: timedOut, when: inClear, finding: finding{catalog.Firewall, 3,
		"the banner arrived but EHLO got no reply: a firewall inspecting SMTP, or an MTU/fragmentation problem (the multi-line EHLO reply is the first large packet)",
		nextMTU}},
	{id: "starttls-stall", src: catalog.SrcCiscoESA, stages: []transcript.Stage{transcript.STARTTLS}, kinds: timedOut, finding: finding{catalog.Firewall, 4,
		"STARTTLS got no reply: a firewall inspecting SMTP likely holds the command",
		nextCut}},

	// Step 4: the TLS handshake.
	{id: "tls-stall", src: srcMTU, stages: []transcript.Stage{transcript.TLS}, kinds: timedOut, finding: finding{catalog.Firewall, 4,
		"the TLS handshake stalled: a firewall inspecting SMTP, or an MTU black hole (the server's certificate chain is the first large packets)",
		nextMTU}},
	{id: "implicit-on-starttls", src: srcImplicit, stages: []transcript.Stage{transcript.TLS}, when: implicitOnPlain, finding: finding{catalog.Config, 1,
		"the server speaks plain SMTP first (STARTTLS), not implicit TLS: Microsoft 365 offers no implicit TLS (port 465 style)",
		"set the device to STARTTLS (port 587 for submission)"}},
	{id: "ca-file", src: srcChecklist, stages: []transcript.Stage{transcript.TLS}, when: has(transcript.CAFile), finding: finding{catalog.Config, 4,
		"the spec's ca_file could not be used as trusted roots",
		"fix endpoint.ca_file: a readable PEM file of the roots to trust, relative to the spec file"}},
	{id: "tls-version", src: srcTLS12, stages: []transcript.Stage{transcript.TLS}, when: versionFailure, finding: finding{catalog.TLSCat, 4,
		"the device and the server share no TLS version: the device offers <DEVICE_TLS>; Microsoft 365 requires TLS 1.2 or later",
		"update the printer firmware to support TLS 1.2; until then, smtp-legacy.office365.com accepts TLS 1.0/1.1 if the tenant opts in (Set-TransportConfig -AllowLegacyTLSClients $true), or use Direct Send or a relay connector"}},
	{id: "cert-authority", src: srcRootG2, stages: []transcript.Stage{transcript.TLS}, when: certFailure(transcript.UnknownAuthority), finding: finding{catalog.TLSCat, 4,
		"the server's certificate did not verify: it is signed by an authority the device does not trust",
		"if a firewall presents its own certificate (TLS inspection), exempt this flow; otherwise update the device's trusted roots: Exchange Online chains to DigiCert Global Root G2 (firmware or certificate store update)"}},
	{id: "cert-name", src: catalog.SrcMFP, stages: []transcript.Stage{transcript.TLS}, when: certFailure(transcript.WrongName), finding: finding{catalog.TLSCat, 4,
		"the server's certificate did not verify: it is not valid for the name the device connected to",
		"connect by the name in the certificate (smtp.office365.com or the tenant's MX host), never by IP address; check server_name in the spec"}},
	{id: "cert-expired", src: srcRootG2, stages: []transcript.Stage{transcript.TLS}, when: certFailure(transcript.Expired), finding: finding{catalog.TLSCat, 4,
		"the server's certificate did not verify: it is expired or not yet valid by the device's clock",
		"check the device's clock (certificates are judged against it); Microsoft 365 does not serve expired certificates, so an expired one points at interception"}},
	{id: "cert-unverified", src: srcRootG2, stages: []transcript.Stage{transcript.TLS}, when: certFailure(0), finding: finding{catalog.TLSCat, 4,
		"the server's certificate did not verify",
		"check the device's trusted roots (Exchange Online chains to DigiCert Global Root G2) and that no firewall replaces the certificate"}},
	{id: "tls-cut", src: srcECDHE, stages: []transcript.Stage{transcript.TLS}, when: cutDuringTLS, finding: finding{catalog.Firewall, 4,
		"<WHAT> during the TLS handshake: a firewall cutting it, or no cipher suite in common (devices without ECDHE suites)",
		"compare from another network or with inspection off for this flow; if it fails the same everywhere, update the device for TLS 1.2 with ECDHE cipher suites"}},
	{id: "tls-failed", src: srcTLS12, stages: []transcript.Stage{transcript.TLS}, finding: finding{catalog.TLSCat, 4,
		"the TLS handshake failed",
		"check that the device supports TLS 1.2 with ECDHE cipher suites (Microsoft 365's preference) and that nothing in the path inspects TLS"}},

	// The client found no STARTTLS in the EHLO reply. Microsoft 365
	// always offers it before TLS (FACTS.md 2.1, 2.2): on its endpoints
	// something in the path stripped it (SMTP inspection, FACTS.md 7.1)
	// or another server answered; elsewhere the server does not offer it.
	{id: "starttls-stripped-said", src: catalog.SrcCiscoESA, stages: []transcript.Stage{transcript.STARTTLS, transcript.EHLO}, kinds: protocol, when: both(has(transcript.STARTTLSNotOffered), toMicrosoft), finding: finding{catalog.Firewall, 3,
		"the client found no STARTTLS in the server's EHLO reply, but Microsoft 365 always offers it: a firewall's SMTP/ESMTP inspection likely stripped it (or another server answered)",
		nextInspection}},
	{id: "starttls-not-offered-said", src: "RFC 3207; " + catalog.SrcMFP, stages: []transcript.Stage{transcript.STARTTLS, transcript.EHLO}, kinds: protocol, when: has(transcript.STARTTLSNotOffered), finding: finding{catalog.TLSCat, 4,
		"the server does not offer STARTTLS, so the session cannot be encrypted",
		"check that <NAME> is the right endpoint (Microsoft 365 always offers STARTTLS) and that nothing in the path strips it"}},

	// AUTH failed without a reply in the capture: the client reports it in
	// its own words, or gave up before the server judged (a blank
	// username, no mechanism in common). Microsoft 365 offers AUTH only
	// after STARTTLS (FACTS.md 2.1), so "AUTH not supported" is TLS.
	// The OAuth token request was refused by Microsoft Entra ID before
	// any XOAUTH2 could be sent (FACTS.md 4.2: token scope, consent, the
	// app's secret and service principal).
	{id: "oauth-token-refused", src: catalog.SrcOAuth, stages: []transcript.Stage{transcript.Auth}, when: has(transcript.TokenRefused), finding: finding{catalog.AuthCat, 9,
		"Microsoft Entra ID refused the OAuth token request (an AADSTS error), so the client had no token for XOAUTH2",
		"fix the token request by its AADSTS code: the scope (https://outlook.office365.com/.default for client credentials, https://outlook.office.com/SMTP.Send delegated), admin consent, the client secret, and for app-only tokens the Exchange service principal (New-ServicePrincipal) and mailbox permission"}},
	{id: "auth-not-offered", src: srcAuthAfterTLS, stages: []transcript.Stage{transcript.Auth}, kinds: protocol, when: both(partial, has(transcript.AuthNotOffered)), finding: finding{catalog.TLSCat, 4,
		"the server offered no AUTH: Microsoft 365 offers AUTH only after STARTTLS, so the client likely skipped STARTTLS (or talks to an MX endpoint, which offers no AUTH at all)",
		"enable STARTTLS (TLS 1.2 or later) before AUTH on port 587 with smtp.office365.com; a Direct Send device on the MX endpoint must not authenticate"}},
	{id: "auth-client-failed", src: catalog.SrcFixIssues, stages: []transcript.Stage{transcript.Auth}, kinds: protocol, when: partial, finding: finding{catalog.AuthCat, 9,
		"authentication failed, in the client's words (no server reply in the capture): wrong or blank credentials, SMTP AUTH disabled, or a mechanism the server does not take",
		"check the username (the mailbox's full UPN) and password on the device, that SMTP AUTH is enabled for the mailbox, and that it uses AUTH LOGIN or XOAUTH2 after STARTTLS (checklist step 9)"}},

	// Everything before QUIT worked; a dropped QUIT changes nothing.
	{id: "quit-dropped", src: srcRFC5321, stages: []transcript.Stage{transcript.Quit}, finding: finding{catalog.Service, 10,
		"every stage up to QUIT passed, but QUIT failed",
		"nothing to fix for delivery; if it repeats, record the transcript (checklist step 10)"}},

	// Any later stage: by whether the session was still readable by a
	// middlebox (plaintext) or already inside TLS.
	{id: "cut-partial", src: srcChecklist, kinds: cut, when: partial, finding: finding{catalog.Network, 2,
		"<WHAT> at <STAGE>: the path or the server dropped the session",
		"capture the whole session (swaks, or the device's SMTP log) from the device's network and compare from another network (checklist step 10)"}},
	{id: "stall-partial", src: srcChecklist, kinds: timedOut, when: partial, finding: finding{catalog.Network, 2,
		"<CMD> got no reply in time",
		"capture the whole session from the device's network to see where it stalls; check the firewall for SMTP inspection (checklist steps 2 and 3)"}},
	{id: "cut-in-clear", src: catalog.SrcCiscoESA, kinds: cut, when: inClear, finding: finding{catalog.Firewall, 3,
		"<WHAT> at <STAGE>, before TLS: a firewall or proxy cutting the SMTP conversation", nextCut}},
	{id: "cut-in-tls", src: srcChecklist, kinds: cut, finding: finding{catalog.Network, 2,
		"<WHAT> at <STAGE>, inside TLS: the path or the server dropped the session",
		"retry and compare from another network; record the transcript and the time (checklist step 10)"}},
	{id: "stall-in-clear", src: srcMTU, kinds: timedOut, when: inClear, finding: finding{catalog.Firewall, 3,
		"<CMD> got no reply on the plaintext session: a firewall inspecting SMTP, or an MTU/fragmentation problem", nextMTU}},
	{id: "no-answer", src: srcChecklist, kinds: timedOut, finding: finding{catalog.Service, 10,
		"the server did not answer <CMD> in time",
		"retry later; if it repeats, record the transcript and the timings for a support case (checklist step 10)"}},
	{id: "garbled-in-clear", src: catalog.SrcMaskBanner, kinds: []transcript.Kind{transcript.KindProtocol}, when: inClear, finding: finding{catalog.Firewall, 3,
		"the reply to <CMD> was not valid SMTP: a middlebox altered the conversation, or the port speaks another protocol",
		"check what answers at <ENDPOINT>; exempt the flow from SMTP/ESMTP inspection; do not disable the firewall's security wholesale"}},
	{id: "garbled", src: srcRFC5321, kinds: []transcript.Kind{transcript.KindProtocol}, finding: finding{catalog.Service, 10,
		"the server's reply to <CMD> was not valid SMTP",
		"record the transcript and the time (checklist step 10)"}},
}

func port25(sc *scene, _ transcript.StageResult) bool { return sc.in.Port == 25 }

// port465: Microsoft 365 does not listen for implicit TLS (FACTS.md 1.1:
// "If your device recommends or defaults to port 465, it doesn't support
// SMTP AUTH client submission").
func port465(sc *scene, _ transcript.StageResult) bool {
	return sc.in.Port == 465 && sc.microsoft
}

// inClear reports a stage that ran outside TLS, where an inspecting
// middlebox can read and alter the conversation. In a partial capture
// whether TLS ran is unknown, so no stage is known to be in clear.
func inClear(sc *scene, f transcript.StageResult) bool {
	return !(sc.tlsDone && sc.t.AfterTLS(f.Stage)) && !sc.in.Partial
}

// both holds when a and b hold.
func both(a, b func(*scene, transcript.StageResult) bool) func(*scene, transcript.StageResult) bool {
	return func(sc *scene, f transcript.StageResult) bool { return a(sc, f) && b(sc, f) }
}

// toMicrosoft: the session was meant for Microsoft 365 (by the
// endpoint's name or its banner).
func toMicrosoft(sc *scene, _ transcript.StageResult) bool { return sc.microsoft }

// partial: the capture shows only part of the session.
func partial(sc *scene, _ transcript.StageResult) bool { return sc.in.Partial }

// reason is what f's error is known to be (transcript.Reason).
func reason(f transcript.StageResult) transcript.Reason {
	if f.Err == nil {
		return 0
	}
	return f.Err.Reason
}

// has holds when f's error is known to be r.
func has(r transcript.Reason) func(*scene, transcript.StageResult) bool {
	return func(_ *scene, f transcript.StageResult) bool { return reason(f).Has(r) }
}

func implicitOnPlain(sc *scene, f transcript.StageResult) bool {
	return sc.in.Plan.TLS == transcript.Implicit && reason(f).Has(transcript.NotTLS)
}

// cutDuringTLS: the connection went away during the handshake.
func cutDuringTLS(sc *scene, f transcript.StageResult) bool {
	return f.Err != nil && (slices.Contains(cut, f.Err.Kind) || f.Err.Reason.Has(transcript.Cut))
}

func versionFailure(sc *scene, f transcript.StageResult) bool {
	return reason(f).Has(transcript.TLSVersion)
}

// certFailure matches a certificate that did not verify, for why (0: any
// reason).
func certFailure(why transcript.Reason) func(*scene, transcript.StageResult) bool {
	return func(sc *scene, f transcript.StageResult) bool {
		if !sc.t.TLS.Unverified() && !reason(f).Has(transcript.Certificate) {
			return false
		}
		return why == 0 || sc.certReason(f).Has(why)
	}
}

// certReason is why the certificate did not verify, as recorded: the
// verification's own reason, else the failure's.
func (sc *scene) certReason(f transcript.StageResult) transcript.Reason {
	if sc.t.TLS != nil && sc.t.TLS.VerifyError != "" {
		return sc.t.TLS.VerifyReason
	}
	return reason(f)
}
