package capture

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
)

// sendAs: on submission the From must be the authenticated mailbox (or
// one it may send as), else 5.7.60 at MAIL or SendAsDenied at the end of
// data (catalog rows sendas-denied, sendas-denied-storedrv; FACTS.md 8).
func sendAs(d *device) []Finding {
	user := d.username()
	if d.opts.Persona != Submission || usernameFormat(user) != UsernameUPN {
		return nil
	}
	for _, tx := range d.transactions() {
		for _, addr := range []struct{ what, a string }{{"MAIL FROM", tx.MailFrom}, {"the From header", fromOf(tx)}} {
			if addr.a == "" || strings.EqualFold(addr.a, user) {
				continue
			}
			return finding("sendas-risk", diagnosis.SevWarning,
				fmt.Sprintf("the device authenticates as %s but sends %s %s: unless that mailbox may send as %s, Microsoft 365 refuses it (550 5.7.60 Client does not have permissions to send as this sender, or 554 5.2.0 SendAsDenied after the message)", user, addr.what, addr.a, addr.a),
				catalog.Lookup("sendas-denied").Next, learnFixIssues)
		}
	}
	return nil
}

func fromOf(tx *Transaction) string {
	if tx.Message == nil {
		return ""
	}
	return tx.Message.FromAddress
}

// fromHeader: a message without a valid From is refused with 5.7.512
// (catalog row rfc5322-from; its reply code UNCONFIRMED).
func fromHeader(d *device) []Finding {
	for _, tx := range d.transactions() {
		if m := tx.Message; m != nil && m.Via != "SIZE" && m.Problem == "" && m.FromAddress == "" {
			return finding("from-header-missing", diagnosis.SevWarning,
				"the device's message has no valid From header (\""+m.From+"\"): Microsoft 365 likely refuses it with 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant",
				catalog.Lookup("rfc5322-from").Next, learnNDR)
		}
	}
	return nil
}

// directSendExternal: anonymous mail on the MX to another domain: Direct
// Send reaches the tenant's mailboxes only (FACTS.md 1.2; catalog row
// relay-access-denied), unless a connector attributes it (relay).
func directSendExternal(d *device) []Finding {
	if d.opts.Persona != MX || len(d.auths()) > 0 {
		return nil
	}
	for _, tx := range d.transactions() {
		for _, r := range tx.RcptTo {
			if sameDomain(tx.MailFrom, r) {
				continue
			}
			return finding("direct-send-external", diagnosis.SevWarning,
				fmt.Sprintf("the device sends from %s to %s: Direct Send delivers only to the tenant's own mailboxes, so unless %s is one of the tenant's domains this needs a relay connector (550 5.4.1 Relay Access Denied otherwise)", tx.MailFrom, r, domainOf(r)),
				"for external recipients use a relay connector for the site's static IP or certificate (the spec is written with method \"relay\"), or SMTP AUTH submission", learnMFP)
		}
	}
	return nil
}

// messageSize: over 35 MB, the default MaxSendSize (catalog row
// max-submission-exceeded; its reply code UNCONFIRMED).
func messageSize(d *device) []Finding {
	const maxSend = 35 << 20
	for _, tx := range d.transactions() {
		if m := tx.Message; m != nil && m.Size > maxSend {
			return finding("message-size", diagnosis.SevWarning,
				fmt.Sprintf("the device's message is %.1f MB: over the 35 MB a mailbox may send by default, Microsoft 365 likely refuses it (MapiExceptionMaxSubmissionExceeded)", float64(m.Size)/(1<<20)),
				catalog.Lookup("max-submission-exceeded").Next, learnMFP)
		}
	}
	return nil
}

// smtpUTF8: SMTPUTF8 was refused with 502 5.3.3 on the consumer endpoint
// (catalog row smtputf8-not-implemented).
func smtpUTF8(d *device) []Finding {
	for _, tx := range d.transactions() {
		for _, p := range tx.MailParams {
			if strings.EqualFold(p, "SMTPUTF8") {
				return finding("smtputf8", diagnosis.SevWarning, "the device asks for SMTPUTF8 (non-ASCII addresses): Microsoft's consumer endpoint was seen refusing it with 502 5.3.3 Command not implemented",
					catalog.Lookup("smtputf8-not-implemented").Next, "")
			}
		}
	}
	return nil
}

// bdatUse: BDAT (CHUNKING) is advertised by Exchange Online; a header
// limit after BDAT is one of the catalog's rows (header-too-large).
func bdatUse(d *device) []Finding {
	for _, tx := range d.transactions() {
		if tx.Message != nil && tx.Message.Via == "BDAT" {
			return finding("bdat", diagnosis.SevInfo, "the device sends its message with BDAT (CHUNKING), which Exchange Online advertises; if it ever gets 552 5.3.4 Header size exceeds fixed maximum size, turn CHUNKING off",
				"", "")
		}
	}
	return nil
}

// noMessage: a test connection only.
func noMessage(d *device) []Finding {
	for _, tx := range d.transactions() {
		if tx.Message != nil && tx.Message.Via != "SIZE" {
			return nil
		}
	}
	if len(d.conns) == 0 {
		return nil
	}
	return finding("no-message", diagnosis.SevInfo, "the device sent no message (a connection test only): the message's From, size and attachments are unknown",
		"scan once to the capture (with --grace long enough to walk to the device) to see them", "")
}

// pipelining records whether the device pipelines (RFC 2920): the spec's
// client.pipelining follows it.
func pipelining(d *device) []Finding {
	c := d.main
	if c == nil || len(c.Transactions) == 0 {
		return nil
	}
	if len(c.Pipelined) > 0 {
		return finding("pipelining", diagnosis.SevInfo, "the device pipelines: it sent "+strings.Join(c.Pipelined, ", ")+" without waiting for the reply before each (RFC 2920; Exchange Online advertises PIPELINING)", "", "")
	}
	return finding("pipelining", diagnosis.SevInfo, "the device does not pipeline: it waits for every reply (the spec says client { pipelining = false })", "", "")
}

// connectionProblems are the bounded failures the capture met, in one
// finding.
func connectionProblems(d *device) []Finding {
	var ps []string
	for _, c := range d.conns {
		for _, p := range c.Problems {
			ps = append(ps, fmt.Sprintf("connection %d: %s", c.N, p))
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return finding("connection-problems", diagnosis.SevWarning, strings.Join(ps, "; "),
		"a device that sends this is broken or misconfigured, or something else on the network talks to the capture", "")
}

func refusedConnections(d *device) []Finding {
	if d.rep.Refused == 0 {
		return nil
	}
	return finding("connections-refused", diagnosis.SevWarning,
		fmt.Sprintf("%d connection(s) were turned away with 421 (over %d at once or %d in all): a device that opens many connections at once, or something else on the network scanning the port", d.rep.Refused, d.opts.Parallel, d.opts.Connections),
		"raise --connections if the device retries many times; look for another host connecting to this machine", "")
}
