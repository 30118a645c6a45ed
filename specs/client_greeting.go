package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// The greetings a device may use (client.greeting). Most devices say EHLO
// (RFC 5321 ESMTP); some older printers say HELO, get "250 <host> Hello"
// with no extension list, and so never see STARTTLS or AUTH (FACTS.md 2.1
// and 8, email-oauth2-proxy #232). The probe behaves like the device, so
// a spec can reproduce that failure rather than hide it.
const (
	GreetingEHLO = "EHLO"
	GreetingHELO = "HELO"
)

// greetings lists the valid values of client.greeting.
var greetings = []string{GreetingEHLO, GreetingHELO}

// greeting reads client.greeting. SMTP verbs are case-insensitive, so
// "helo" is HELO; anything else is an error that lists both.
func (d *decoder) greeting(attr *hcl.Attribute) string {
	v, ok := d.str(attr)
	if !ok {
		return GreetingEHLO
	}
	v = strings.ToUpper(strings.TrimSpace(v))
	if !d.oneOf(attr.Expr.Range(), "greeting", v, greetings) {
		return GreetingEHLO
	}
	return v
}
