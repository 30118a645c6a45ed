package specs

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// expects decodes every expect block, one per stage.
func (d *decoder) expects(sd *siteDecode, blocks hcl.Blocks) {
	first := map[transcript.Stage]hcl.Range{}
	for _, b := range blocks {
		if b.Type != "expect" {
			continue
		}
		stage, label := transcript.Stage(b.Labels[0]), b.LabelRanges[0]
		if !d.oneOf(label, "stage", b.Labels[0], stageNames) {
			d.content(b.Body, b.Type, expectSchema) // still report unknown attributes
			continue
		}
		if r, dup := first[stage]; dup {
			d.errorAt(label, "Duplicate expectation",
				"This site already has expect %q at %s. Put everything expected of one stage in one block.", stage, at(r))
			continue
		}
		first[stage] = label
		sd.site.Expect[stage] = d.expect(sd, stage, b)
		sd.expects = append(sd.expects, stageRef{stage, label})
	}
}

// expect decodes one expect block for a known stage.
func (d *decoder) expect(sd *siteDecode, stage transcript.Stage, b *hcl.Block) *checks.Expect {
	start := b.DefRange.Start
	e := &checks.Expect{Stage: stage, Pos: checks.Pos{File: b.DefRange.Filename, Line: start.Line, Column: start.Column}}
	attrs := d.content(b.Body, b.Type, expectSchema).Attributes
	d.replyExpect(e, attrs)
	if attr := attrs["text"]; attr != nil {
		if s, ok := d.str(attr); ok {
			re, err := regexp.Compile(s)
			if err != nil {
				d.errorAt(attr.Expr.Range(), "Invalid text pattern",
					"text is a Go regular expression (https://pkg.go.dev/regexp/syntax) matched against the reply "+
						"or error text: %v. To match a special character such as ( or . literally, write \"\\\\(\" or \"\\\\.\" "+
						"(HCL strings double the backslash).", err)
			}
			e.Text = re
		}
	}
	if attr := attrs["error"]; attr != nil {
		if s, ok := d.str(attr); ok && d.oneOf(attr.Expr.Range(), "error kind", s, kindNames) {
			e.Error = transcript.Kind(s)
		}
	}
	d.tlsExpect(sd, e, attrs)
	d.resolveExpect(sd, e, attrs)
	d.traceExpect(e, attrs) // trace.go
	d.expectConsistent(stage, attrs)
	return e
}

// replyExpect reads what a reply must look like: code, enhanced code and,
// for EHLO, the capabilities it must advertise.
func (d *decoder) replyExpect(e *checks.Expect, attrs hcl.Attributes) {
	if attr := attrs["code"]; attr != nil {
		e.Code, _ = d.integer(attr, 200, 599)
	}
	if attr := attrs["enhanced"]; attr != nil {
		if s, ok := d.str(attr); ok {
			if transcript.ValidEnhanced(s) {
				e.Enhanced = s
			} else {
				d.errorAt(attr.Expr.Range(), "Invalid enhanced status code",
					"%q is not an enhanced status code. Write class.subject.detail as the server sends it, "+
						"like \"5.7.606\" or \"2.1.5\" (class 2, 4 or 5).", s)
			}
		}
	}
	if attr := attrs["capabilities"]; attr != nil {
		if !e.Stage.Facts().Capabilities {
			d.errorAt(attr.NameRange, "Capabilities outside EHLO",
				"capabilities are what an EHLO reply advertises, so they belong in expect \"ehlo\" or expect \"ehlo_tls\", not expect %q.", e.Stage)
		} else if list, ranges, ok := d.strList(attr); ok {
			for i, c := range list {
				if strings.TrimSpace(c) == "" {
					d.errorAt(ranges[i], "Empty capability", "Each capability is an EHLO keyword, like \"STARTTLS\" or \"SIZE\".")
				}
				list[i] = strings.ToUpper(strings.TrimSpace(c))
			}
			e.Capabilities = list
		}
	}
}

// tlsExpect reads version_min and cert_days_min, which only the tls
// stage (the handshake) can check.
func (d *decoder) tlsExpect(sd *siteDecode, e *checks.Expect, attrs hcl.Attributes) {
	for _, name := range []string{"version_min", "cert_days_min"} {
		if attr := attrs[name]; attr != nil && e.Stage != transcript.TLS {
			d.errorAt(attr.NameRange, "Only for the tls stage",
				"%s is checked on the TLS handshake, so it belongs in expect \"tls\", not expect %q.", name, e.Stage)
		}
	}
	if e.Stage != transcript.TLS {
		return
	}
	if attr := attrs["version_min"]; attr != nil {
		if v, ok := d.tlsVersion(attr); ok {
			e.VersionMin = versionName(v)
			if most := sd.site.Client.TLSMax; v > most {
				d.errorAt(attr.Expr.Range(), "Version can never be met",
					"version_min is %s, but the device offers at most TLS %s (client.tls_max).", e.VersionMin, versionName(most))
			}
		}
	}
	if attr := attrs["cert_days_min"]; attr != nil {
		e.CertDaysMin, _ = d.integer(attr, 1, 3650)
	}
}

// expectConsistent refuses combinations no outcome can satisfy.
func (d *decoder) expectConsistent(stage transcript.Stage, attrs hcl.Attributes) {
	for _, name := range []string{"code", "enhanced"} {
		attr := attrs[name]
		switch {
		case attr == nil:
		case !stage.HasReply():
			d.errorAt(attr.NameRange, "No reply at this stage",
				"The %s stage ends without an SMTP reply, so %s can never match. Expect how it fails instead, "+
					"like error = \"timeout\".", stage, name)
		case attrs["error"] != nil:
			d.errorAt(attr.NameRange, "Both a reply and an error",
				"error names a failure without a reply (a timeout, a reset), so it cannot be combined with %s. "+
					"Keep one of them.", name)
		}
	}
}
