package sim

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
)

// ehloExtensions is the EHLO list of smtp.office365.com and of the tenant
// MX before STARTTLS, verbatim (FACTS.md 2.1: email-oauth2-proxy #95/#93/#416,
// nodemailer #1557; 2.2: ietf-tools/datatracker#5888).
var ehloExtensions = []string{
	"SIZE 157286400",
	"PIPELINING",
	"DSN",
	"ENHANCEDSTATUSCODES",
	"STARTTLS",
	"8BITMIME",
	"BINARYMIME",
	"CHUNKING",
	"SMTPUTF8",
}

// maxMessageSize is what SIZE advertises (150 MiB) and what DATA accepts.
const maxMessageSize = 157286400

// authExtension is offered on submission after STARTTLS only, between
// ENHANCEDSTATUSCODES and 8BITMIME (FACTS.md 2.1: email-oauth2-proxy #142,
// enough_mail #106). The MX never offers AUTH (FACTS.md 2.2).
const authExtension = "AUTH LOGIN XOAUTH2"

// ehloLines returns the text of each line of the EHLO reply (without the
// "250-" prefixes): the greeting, then the extensions. After TLS STARTTLS
// is gone and submission adds AUTH.
func ehloLines(id identity, ip string, sc *Scenario, secure bool) []string {
	lines := []string{id.host + " Hello [" + ip + "]"}
	for _, ext := range ehloExtensions {
		if ext == "STARTTLS" && (secure || sc.StripSTARTTLS) {
			continue
		}
		if ext == "8BITMIME" && secure && sc.submission() {
			lines = append(lines, authExtension)
		}
		lines = append(lines, ext)
	}
	if sc.Firewall {
		maskEHLO(lines[1:])
	}
	return lines
}

// maskEHLO rewrites the extensions as a Cisco ASA's default ESMTP map
// does: "no allow-tls" turns STARTTLS into XXXXXXXA (catalog row
// ehlo-masked-starttls, Cisco ESA doc 118550), and "match
// ehlo-reply-parameter others mask" hides the parameters the ASA does not
// know (its list: 8bitmime, auth, binarymime, checkpnt, dsn, ecode, etrn,
// pipelining, size, vrfy), replaced by X's as the ASA replaces commands
// (Cisco doc 113423).
func maskEHLO(exts []string) {
	known := map[string]bool{"8BITMIME": true, "AUTH": true, "BINARYMIME": true, "CHECKPOINT": true,
		"DSN": true, "ENHANCEDSTATUSCODES": true, "ETRN": true, "PIPELINING": true, "SIZE": true, "VRFY": true}
	for i, ext := range exts {
		keyword, _, _ := strings.Cut(ext, " ")
		switch {
		case keyword == "STARTTLS":
			exts[i] = catalog.Lookup("ehlo-masked-starttls").Render(nil)
		case !known[keyword]:
			exts[i] = strings.Repeat("X", len(ext))
		}
	}
}
