// Package capture is the device side of smtpspec: a one-shot SMTP server
// that looks like Exchange Online to a printer (banner, EHLO lists and
// replies from the project's reply catalog, through the simulator's
// front end), records what the device really does on each connection
// (greeting, STARTTLS or implicit TLS, the TLS ClientHello, pipelining,
// the AUTH mechanism, the username's format and the password's
// properties, the envelope, the message's From, Subject, size and
// attachments), predicts what Microsoft 365 would make of each fact, and
// writes the site spec the probe can replay.
//
// What it does not do: it relays nothing and stores nothing. A message is
// read, measured and discarded as it streams; a password is never kept,
// only its properties and, when the caller holds the mailbox password,
// whether the two are equal (compared in constant time, both wiped after);
// an XOAUTH2 token is reduced to its claims. It answers AUTH with 235 for
// any credentials so that the device goes on, and every report says so:
// a success here proves nothing about the credentials. It listens only on
// the listener its caller gives it, for a bounded time, for a bounded
// number of connections, each with its own deadlines and line limits, so a
// hostile or broken device ends in a recorded failure, never a hang.
package capture
