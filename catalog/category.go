package catalog

// Category names the kind of problem (DESIGN.md): every catalog row has
// one, and so has every verdict of the diagnosis.
type Category string

const (
	OK         Category = "ok"
	Network    Category = "network"
	Firewall   Category = "firewall"
	TLSCat     Category = "tls"
	AuthCat    Category = "auth"
	Reputation Category = "reputation"
	Policy     Category = "policy"
	Recipient  Category = "recipient"
	Service    Category = "service"
	Config     Category = "config"
)
