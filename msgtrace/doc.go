// Package msgtrace looks a message up in Microsoft 365 message trace
// through Microsoft Graph (GET /admin/exchange/tracing/messageTraces and
// getDetailsByRecipient, v1.0; FACTS.md section 5). It gets an app-only
// token with the client credentials grant (package oauth, scope
// https://graph.microsoft.com/.default; the app needs the application
// permission ExchangeMessageTrace.Read.All with admin consent), filters
// by the receivedDateTime window, the sender and the run token in the
// subject, follows @odata.nextLink, and polls until the message shows
// up with a final status or the wait ends.
//
// Graph allows 100 message trace queries per tenant in any 5 minutes
// (trace and detail share them): every request goes through one Limiter
// per tenant, shared by the whole process, and a 429 is answered by
// waiting the Retry-After Graph gives. It does not page through other
// messages' traces beyond what the filter returns, cache tokens across
// runs, or work in the US Government or 21Vianet clouds (Graph offers
// message trace in the global cloud only). The client secret and tokens
// never appear in an error.
package msgtrace
