package transcript

import "time"

// Reachability is what a probe established before and around the SMTP
// conversation: the DNS answers it got, every connect attempt, and the
// site's reputation as Microsoft 365 sees it (public IP, blocklists,
// reverse DNS, SPF). Goldens never show it (answers and timings vary
// between runs); reports do.
type Reachability struct {
	DNS       []DNSAnswer      `json:"dns,omitempty"`       // every query of the resolve stage, in order
	MX        string           `json:"mx,omitempty"`        // the MX host chosen for mx_domain, "" without one
	Addresses []string         `json:"addresses,omitempty"` // what resolve found, in the order connect tries them
	Attempts  []ConnectAttempt `json:"attempts,omitempty"`  // one per address connect tried
	// Reputation is nil when the site's reputation was not checked;
	// ReputationSkipped then says why.
	Reputation        *Reputation `json:"reputation,omitempty"`
	ReputationSkipped string      `json:"reputation_skipped,omitempty"`
}

// DNS outcomes: what one query established.
const (
	DNSAnswered = "answer"   // NOERROR with records of the asked type
	DNSNoData   = "nodata"   // NOERROR, the name exists, no record of the type
	DNSNXDomain = "nxdomain" // the name does not exist
	DNSServFail = "servfail" // the resolver failed to resolve the name
	DNSRefused  = "refused"  // the resolver refused to answer
	DNSTimeout  = "timeout"  // no answer within the deadline
	DNSError    = "error"    // anything else (network error, other rcode, bad reply)
)

// DNSAnswer is one DNS question and what came back.
type DNSAnswer struct {
	Name     string        `json:"name"`              // the name asked, without the final dot
	Type     string        `json:"type"`              // "A", "AAAA", "MX", "TXT", "PTR"
	Server   string        `json:"server"`            // host:port of the server that answered (or was asked last)
	Outcome  string        `json:"outcome"`           // one of the DNS* outcomes
	Rcode    string        `json:"rcode,omitempty"`   // "NOERROR", "NXDOMAIN", "SERVFAIL", ...; "" without a reply
	Records  []string      `json:"records,omitempty"` // answer data: addresses, "10 mx.example.com", TXT strings
	Error    string        `json:"error,omitempty"`   // why there is no answer, in words
	Duration time.Duration `json:"duration_ns"`
}

// Connect outcomes of one address.
const (
	Connected = "connected"
)

// ConnectAttempt is one address the connect stage tried.
type ConnectAttempt struct {
	Addr     string        `json:"addr"`            // ip:port
	Family   string        `json:"family"`          // "ipv4" or "ipv6"
	Outcome  string        `json:"outcome"`         // Connected, or a Kind: refused, timeout, unreachable, ...
	Error    string        `json:"error,omitempty"` // the failure in words; "" when connected
	Used     bool          `json:"used"`            // the probe's SMTP session ran on this connection
	Duration time.Duration `json:"duration_ns"`
}

// Reputation is the site's public IP and what the world says about it.
type Reputation struct {
	PublicIP *PublicIP     `json:"public_ip,omitempty"`
	DNSBL    []DNSBLResult `json:"dnsbl,omitempty"` // one per list, in the spec's order
	PTR      *PTRResult    `json:"ptr,omitempty"`   // nil when there was no public IP to look up
	SPF      *SPFResult    `json:"spf,omitempty"`   // nil when not checked (no sender domain or public IP)
}

// PublicIP is the site's egress address as each source reports it.
type PublicIP struct {
	IP       string         `json:"ip"`                 // the address the checks used; "" when unknown
	Source   string         `json:"source,omitempty"`   // "pinned", "dns", "ehlo"
	Pinned   string         `json:"pinned,omitempty"`   // reputation.public_ip, when the spec pins it
	Lookups  []PublicIPSeen `json:"lookups,omitempty"`  // what each DNS discovery returned
	EHLO     string         `json:"ehlo,omitempty"`     // the address the server's EHLO reply names ("Hello [ip]")
	Mismatch string         `json:"mismatch,omitempty"` // the sources disagree: in words, "" when they agree
	// Error says why IP is "", naming each discovery lookup that failed
	// and how; "" when IP is known.
	Error string `json:"error,omitempty"`
}

// PublicIPSeen is one public-IP discovery query.
type PublicIPSeen struct {
	Lookup string `json:"lookup"` // as the spec writes it: "TXT o-o.myaddr.l.google.com @ns1.google.com"
	IP     string `json:"ip,omitempty"`
	Error  string `json:"error,omitempty"`
}

// DNSBL statuses. Unknown is never a listing: the list could not say
// (timeout, SERVFAIL, or an error code such as Spamhaus' 127.255.255.254
// for queries through a public resolver).
const (
	ListListed  = "listed"
	ListClean   = "clean"
	ListUnknown = "unknown"
)

// DNSBLResult is one blocklist's answer for the public IP.
type DNSBLResult struct {
	Zone    string   `json:"zone"`              // "zen.spamhaus.org"
	Query   string   `json:"query"`             // "7.113.0.203.zen.spamhaus.org"
	Status  string   `json:"status"`            // ListListed, ListClean or ListUnknown
	Codes   []string `json:"codes,omitempty"`   // the A records returned: "127.0.0.10"
	Lists   []string `json:"lists,omitempty"`   // decoded: "PBL", "SBL", "XBL", ...
	Meaning string   `json:"meaning,omitempty"` // the decoded codes in words, or why the status is unknown
	Policy  bool     `json:"policy"`            // every listing is a policy listing (PBL: dynamic or residential range), not abuse
}

// PTRResult is the reverse DNS of the public IP.
type PTRResult struct {
	IP        string   `json:"ip"`
	Names     []string `json:"names,omitempty"`
	Error     string   `json:"error,omitempty"`  // lookup failure ("" when names or NXDOMAIN were found)
	Generic   bool     `json:"generic"`          // the name looks generic or residential
	Reason    string   `json:"reason,omitempty"` // why it looks generic, or why it is a problem
	Confirmed bool     `json:"confirmed"`        // a name resolves back to the IP (forward-confirmed)
}

// SPF results (RFC 7208 section 2.6).
const (
	SPFPass      = "pass"
	SPFFail      = "fail"
	SPFSoftFail  = "softfail"
	SPFNeutral   = "neutral"
	SPFNone      = "none"
	SPFPermError = "permerror"
	SPFTempError = "temperror"
)

// SPFResult is the sender domain's SPF verdict for the public IP.
type SPFResult struct {
	Domain    string `json:"domain"`
	IP        string `json:"ip"`
	Result    string `json:"result"`              // one of the SPF* results
	Mechanism string `json:"mechanism,omitempty"` // the mechanism that matched ("ip4:203.0.113.0/24", "~all"), "" for none
	Record    string `json:"record,omitempty"`    // the sender domain's own record
	Lookups   int    `json:"lookups"`             // DNS-querying terms evaluated (the limit is 10)
	Error     string `json:"error,omitempty"`     // permerror/temperror: why
}
