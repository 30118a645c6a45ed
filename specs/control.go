package specs

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"

	"github.com/smtpspec/smtpspec/checks"
)

// controlSchema: the control is a submission path of its own (checklist
// step 8): where it connects (default smtp.office365.com:587, STARTTLS),
// the mailbox it authenticates as, and optionally its envelope.
var controlSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "endpoint"}, {Type: "auth"}, {Type: "envelope"}},
}

// ControlSuffix names the control's golden: <site>.control.golden.
const ControlSuffix = ".control"

// control decodes the optional control block into sd.site.Control: a
// submission site probed from the same network as the primary path, so
// that a port-25 failure can be told apart from a tenant or mailbox one.
// It never sends a message and has no expectations: it is evidence, not
// a test of the device.
func (d *decoder) control(sd *siteDecode, b *hcl.Block) {
	if b == nil {
		return
	}
	parent := sd.site
	csd := &siteDecode{
		block: b,
		site: &Site{
			Name: parent.Name + ControlSuffix, Method: transcript.Submission, DeclRange: b.DefRange,
			Expect:   map[transcript.Stage]*checks.Expect{},
			Client:   Client{Helo: parent.Client.Helo}, // the probe's TLS range, not the device's: the control tests the path
			Timeouts: parent.Timeouts,
		},
		methodOK:       true,
		planOK:         true,
		unknownsBefore: d.unknowns,
	}
	c := d.content(b.Body, "control", controlSchema)
	s := csd.site
	if eb := d.oneBlock(c.Blocks, "endpoint"); eb != nil {
		d.endpoint(csd, eb)
	} else {
		s.Endpoint = Endpoint{Host: "smtp.office365.com", Port: SubmissionPort, TLS: transcript.StartTLS, ServerName: "smtp.office365.com"}
	}
	ab := d.oneBlock(c.Blocks, "auth")
	if ab == nil {
		d.errorAt(b.DefRange, "Missing auth in control",
			"The control is SMTP AUTH submission and needs its own mailbox, like\n"+
				"  control {\n    auth {\n      username = \"control@contoso.com\"\n      password = env(\"CONTROL_PASSWORD\")\n    }\n  }")
		return
	}
	d.auth(csd, ab)
	if s.Auth != nil {
		s.Client.AuthMechanisms = []transcript.Mechanism{s.Auth.Mechanism}
	}
	if eb := d.oneBlock(c.Blocks, "envelope"); eb != nil {
		d.envelope(csd, eb)
	} else if s.Auth != nil {
		// Submission sends as the authenticated mailbox (FACTS.md 1.1).
		s.Envelope = Envelope{From: s.Auth.Username, To: parent.Envelope.To}
	}
	if s.Envelope.SendMessage {
		d.warningAt(b.DefRange, "The control sends no message",
			"envelope.send_message is ignored in a control block: the control stops after RCPT TO.")
		s.Envelope.SendMessage = false
	}
	for _, m := range misfitsIfKnown(d, csd) {
		d.warningAt(b.DefRange, "Control setup disagrees with submission", "%s.\nNext: %s.", upperFirst(m.Finding), m.Next)
	}
	parent.Control = s
}

// misfitsIfKnown is diagnosis.Misfits of a site whose every value is known:
// a default standing in for an unset variable would be judged otherwise.
func misfitsIfKnown(d *decoder, sd *siteDecode) []diagnosis.Misfit {
	if !sd.complete(d) {
		return nil
	}
	return diagnosis.Misfits(sd.site.Setup())
}
