package specs

import "embed"

// Examples holds the example site specs (examples/*.hcl), one per
// Microsoft 365 simulator scenario; `smtpspec demo` runs them against the
// simulator, and they are a starting point for a user's own specs.
//
//go:embed examples/*.hcl examples/*.pem
var Examples embed.FS
