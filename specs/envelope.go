package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// envelope decodes the required envelope block.
func (d *decoder) envelope(sd *siteDecode, b *hcl.Block) {
	e := &sd.site.Envelope
	if b == nil {
		d.errorAt(sd.block.DefRange, "Missing envelope block",
			"A site needs the envelope the probe offers in MAIL FROM and RCPT TO, where most rejections show:\n"+
				"  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }")
		return
	}
	attrs := d.content(b.Body, b.Type, envelopeSchema).Attributes
	if attr := attrs["from"]; attr != nil {
		if from, ok := d.str(attr); ok && d.address(attr.Expr.Range(), from) {
			e.From = from
		}
	} else {
		d.errorAt(b.DefRange, "Missing from",
			"envelope needs from = \"scanner@contoso.com\": the sender the device uses in MAIL FROM.")
	}
	if attr := attrs["to"]; attr != nil {
		d.recipients(e, attr)
	} else {
		d.errorAt(b.DefRange, "Missing to",
			"envelope needs to = [\"frontdesk@contoso.com\"]: at least one recipient for RCPT TO.")
	}
	if attr := attrs["send_message"]; attr != nil {
		var ok bool
		e.SendMessage, ok = d.boolean(attr)
		sd.planOK = sd.planOK && ok
	}
	if attr := attrs["message_size"]; attr != nil {
		d.messageSize(sd, e, attr) // message_size.go
	}
}

// recipients reads the non-empty list of RCPT TO addresses.
func (d *decoder) recipients(e *Envelope, attr *hcl.Attribute) {
	list, ranges, ok := d.strList(attr)
	if !ok {
		return
	}
	if len(list) == 0 {
		d.errorAt(attr.Expr.Range(), "No recipients",
			"to must list at least one recipient, like to = [\"frontdesk@contoso.com\"].")
		return
	}
	for i, a := range list {
		if !d.address(ranges[i], a) {
			ok = false
		}
	}
	if ok {
		e.To = list
	}
}

// address checks one envelope address; the probe writes it between <>
// on a command line, so anything that would break that line is refused.
func (d *decoder) address(subject hcl.Range, a string) bool {
	problem := addressProblem(a)
	if problem == "" {
		return true
	}
	d.errorAt(subject, "Invalid address", "%q %s. Write a bare address, like \"scanner@contoso.com\".", a, problem)
	return false
}

func addressProblem(a string) string {
	at := strings.LastIndexByte(a, '@')
	switch {
	case a == "":
		return "is empty"
	case strings.ContainsAny(a, "\r\n"):
		return "contains a line break, which would end the SMTP command early"
	case strings.ContainsAny(a, " \t"):
		return "contains a space"
	case strings.IndexFunc(a, isSpaceOrControl) >= 0:
		return "contains a control character"
	case strings.ContainsAny(a, "<>"):
		return "contains angle brackets; the probe adds them itself"
	case at < 0:
		return "has no '@'"
	case at == 0 || at == len(a)-1:
		return "needs a name before the '@' and a domain after it"
	}
	return ""
}
