package catalog

import (
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// catalogMFI holds the replies Exchange Online queues a message with when
// it cannot hand it on through an outbound connector or to the next hop
// (Microsoft's "mail flow intelligence"): they reach a technician in an
// NDR or a message trace, after the device's own session succeeded. The
// failing step is Exchange Online's hop to the destination, so the row's
// stage is that hop's (resolve, connect, tls). Source: MS Learn "Mail
// flow intelligence in EOP" (defender-office-365/connectors-mail-flow-
// intelligence), which gives each code with its text; after the 24 hours
// of retries the NDR carries the same text under a 5.x.x code (a real
// NDR posted publicly: "550 5.4.312 DNS query failed ... InfoNoRecords").
var catalogMFI = []Entry{
	{ID: "relay-dns-query-failed", Code: 450, Enhanced: "4.4.312", Text: "4.4.312 DNS query failed",
		Pattern: lazyre.New(`(?i)DNS query failed`), Stage: transcript.Resolve, Category: Network, Step: 2,
		Finding: "Exchange Online could not look up where to deliver (the destination domain's MX or the connector's smart host): its DNS failed or has no such record",
		Next:    "check the destination domain's MX records from outside (nslookup -type=mx domain): an expired domain, a DNS hosting fault or a recent MX change; for a connector, check its smart host name",
		Source:  SrcMFI + " (450 4.4.312 DNS query failed)", Confirmed: true, Telling: true, Learn: LearnMFI},
	{ID: "relay-dns-query-failed-final", Code: 550, Enhanced: "5.4.312", Text: "5.4.312 DNS query failed",
		Pattern: lazyre.New(`(?i)DNS query failed`), Stage: transcript.Resolve, Category: Network, Step: 2,
		Finding: "Exchange Online likely gave up delivering: it could not look up the destination domain's mail servers (its DNS failed or has no MX record)",
		Next:    "check the recipient address's domain for typos, and its MX records from outside (nslookup -type=mx domain); an expired domain or a DNS hosting fault is the recipient's to fix",
		Source:  SrcMFI + " (4.4.312, the final NDR's 5.4.312)", Telling: true, Learn: LearnMFI},
	// Exchange Server's own queue gives the lookup's failure as "451 4.4.0
	// DNS query failed. The error was: ..." (its Get-Queue LastError, as
	// real posts quote it): the server's DNS lookup of the next hop, the
	// same step as Exchange Online's 4.4.312.
	{ID: "exchange-dns-query-failed", Code: 451, Enhanced: "4.4.0", Text: "4.4.0 DNS query failed",
		Pattern: lazyre.New(`(?i)DNS query failed`), Stage: transcript.Resolve, Category: Network, Step: 2,
		Finding: "the Exchange server likely could not look up the next hop (the destination's MX or a send connector's smart host): its DNS servers failed, or have no such record",
		Next:    "check the DNS servers the Exchange server uses (external lookups: Set-TransportService -ExternalDNSAdapterEnabled, or the send connector's DNS settings) with nslookup -type=mx domain from the server; then the destination domain's own records",
		Source:  SrcMFI + " (4.4.312, the same lookup); Exchange Server queue LastError as real posts quote it", Telling: true, Learn: LearnMFI},
	{ID: "relay-connection-timed-out", Code: 450, Enhanced: "4.4.315", Text: "4.4.315 Connection timed out",
		Pattern: lazyre.New(`(?i)Connection timed out`), Stage: transcript.Connect, Category: Network, Step: 2,
		Finding: "Exchange Online could not connect to the destination's mail server (timed out): the server is down, or the connector's smart host points at the wrong address",
		Next:    "check the destination server is up and reachable on port 25 from the internet; for a connector, check its smart host",
		Source:  SrcMFI + " (450 4.4.315 Connection timed out)", Confirmed: true, Learn: LearnMFI},
	{ID: "relay-cannot-connect", Code: 450, Enhanced: "4.4.317", Text: "4.4.317 Cannot connect to remote server",
		Pattern: lazyre.New(`(?i)Cannot connect to remote server`), Stage: transcript.Connect, Category: Network, Step: 2,
		Finding: "Exchange Online reached the destination's mail server, which answered with an error or did not meet the connector's requirements (TLS required but not offered)",
		Next:    "read the error details after the code; check the destination server's TLS settings and certificate and the connector's TLS settings",
		Source:  SrcMFI + " (450 4.4.317 Cannot connect to remote server)", Confirmed: true, Learn: LearnMFI},
	{ID: "relay-connection-closed", Code: 450, Enhanced: "4.4.318", Text: "4.4.318 Connection was closed abruptly",
		Pattern: lazyre.New(`(?i)Connection was closed abruptly`), Stage: transcript.Connect, Category: Network, Step: 2,
		Finding: "the destination's mail server or a firewall in front of it dropped Exchange Online's connection (SMTP inspection on the firewall, an overloaded server, a network fault)",
		Next:    "check the destination's firewall SMTP inspection rules and the mail server's health",
		Source:  SrcMFI + " (450 4.4.318 Connection was closed abruptly)", Confirmed: true, Learn: LearnMFI},
	{ID: "relay-certificate-invalid", Code: 450, Enhanced: "4.7.320", Text: "4.7.320 Certificate validation failed",
		Pattern: lazyre.New(`(?i)Certificate validation failed`), Stage: transcript.TLS, Category: TLSCat, Step: 4,
		Finding: "Exchange Online could not validate the destination server's certificate (expired, subject mismatch, no longer valid)",
		Next:    "renew or fix the destination server's certificate, or the connector's certificate settings",
		Source:  SrcMFI + " (450 4.7.320 Certificate validation failed)", Confirmed: true, Learn: LearnMFI},
}
