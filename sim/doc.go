// Package sim is a Microsoft 365 (Exchange Online) SMTP simulator: a real
// SMTP server on loopback that answers like smtp.office365.com or a
// tenant's MX (<tenant>.mail.protection.outlook.com) in one of a fixed set
// of named scenarios, so the probe, the checks and the demo can meet the
// failures a printer meets without touching Microsoft.
//
// Every reply that the project's reply catalog knows is rendered from
// that catalog (catalog.Lookup(id).Render), so the simulator and the
// diagnosis cannot disagree. The few replies the catalog does not hold
// (354 to DATA, the empty 334 XOAUTH2 continuation, sequence errors) use
// RFC texts, each with a comment naming the RFC.
//
// Volatile parts change on every connection or message on purpose, as
// they do on the real service, so that golden normalisation is exercised:
// the front-end host name (submission "BY1PR10CA0041.outlook.office365.com",
// with error replies naming "BY1PR10CA0041.namprd10.prod.outlook.com"; MX
// "SN1NAM02FT049.mail.protection.outlook.com", with error replies naming
// "SN1NAM02FT049.eop-nam02.prod.protection.outlook.com"; under
// mx.microsoft in the one scenario marked UNCONFIRMED), the 16-hex
// session token, the RFC 1123 banner date and the ISO timestamp (both
// from Options.Now); per message, the end-of-data reply's InternalId,
// mailbox server (Hostname=), byte count, time and rate, and the store
// driver's diagnostic counters in SendAs refusals, inline or between
// [BeginDiagnosticData] and [EndDiagnosticData] (volatile.go). The
// catalog's texts are not changed: the simulator adds these parts to them.
//
// What it does not do: it delivers nothing (message bodies are read and
// discarded), it does not implement BDAT although CHUNKING is advertised
// (the EHLO list must match Microsoft's), it does not check passwords or
// tokens (any non-empty credentials pass where a scenario accepts AUTH),
// and it never logs or echoes passwords or tokens (the SendAs refusal
// names the authenticated user, as Exchange Online's does). It listens
// only where the caller's listener listens; tests use 127.0.0.1:0.
package sim
