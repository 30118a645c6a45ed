package specs

import "embed"

// Examples holds the example site specs (examples/*.hcl), one per
// Microsoft 365 simulator scenario; `smtpspec demo` runs them against the
// simulator, and they are a starting point for a user's own specs. No
// certificate or key is embedded: the demo issues the relay-certificate
// example's pair at run time from its simulator's CA.
//
//go:embed examples/*.hcl
var Examples embed.FS
