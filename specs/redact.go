package specs

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/transcript"
)

// redact removes every secret value this Loader has read from the text of
// diags. Our own messages never quote a password or token, but a variable
// can also feed another attribute (username = env("SAME_VAR")) whose
// message quotes it; this is the second line of defence.
func (l *Loader) redact(diags hcl.Diagnostics) hcl.Diagnostics {
	forms := transcript.SecretForms(l.secrets)
	if len(forms) == 0 {
		return diags
	}
	for _, d := range diags {
		d.Summary = transcript.RedactString(d.Summary, forms)
		d.Detail = transcript.RedactString(d.Detail, forms)
	}
	return diags
}

// maskFile returns a copy of f whose bytes in ranges are replaced by '*'
// (line breaks kept), so a literal secret in a spec never appears in a
// rendered snippet. Byte offsets do not move, so every other diagnostic's
// range still points at the right text.
func maskFile(f *hcl.File, ranges []hcl.Range) *hcl.File {
	b := append([]byte(nil), f.Bytes...)
	for _, r := range ranges {
		for i := r.Start.Byte; i < r.End.Byte && i < len(b); i++ {
			if b[i] != '\n' && b[i] != '\r' {
				b[i] = '*'
			}
		}
	}
	masked := *f
	masked.Bytes = b
	return &masked
}
