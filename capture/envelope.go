package capture

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// maxMessage is the SIZE Exchange Online advertises (150 MiB, FACTS.md
// 2.1) and so the most the capture reads of one message.
const maxMessage = 157286400

// maxRcpts bounds the recipients recorded per transaction.
const maxRcpts = 100

// mail records MAIL FROM and its parameters (SIZE, BODY, SMTPUTF8) and
// answers "250 2.1.0 Sender OK" (row mail-ok). It accepts what
// smtp.office365.com would refuse here (no TLS: 451 5.7.3; no AUTH: 530
// 5.7.57) so the device shows its envelope; the findings say so.
func (ss *session) mail(arg string) bool {
	if !ss.greeted || ss.tx != nil {
		return ss.badSequence()
	}
	addr, params, ok := parsePath(arg, "FROM:")
	if !ok {
		// An address without angle brackets (row unrecognized-parameter, pam_aad#34).
		ss.problem("MAIL FROM without an address in angle brackets")
		return ss.reply("unrecognized-parameter", nil)
	}
	tx := &Transaction{MailFrom: printable(addr, 320), RcptTo: []string{}}
	for _, p := range strings.Fields(params) {
		tx.MailParams = append(tx.MailParams, printable(p, 64))
	}
	if n := declaredSize(params); n > maxMessage {
		tx.Message = &Message{Via: "SIZE", Size: n, Refused: "552 5.3.4 at MAIL FROM: over the 150 MB Exchange Online advertises"}
		ss.rec.Transactions = append(ss.rec.Transactions, tx)
		return ss.send(552, "5.3.4 Message size exceeds fixed maximum message size") // RFC 1870 section 6 (row message-too-big)
	}
	ss.tx = tx
	ss.rec.Transactions = append(ss.rec.Transactions, tx)
	ss.lookAhead()
	return ss.reply("mail-ok", nil)
}

// rcpt records RCPT TO and answers "250 2.1.5 Recipient OK" (row rcpt-ok).
func (ss *session) rcpt(arg string) bool {
	if ss.tx == nil {
		return ss.badSequence()
	}
	addr, _, ok := parsePath(arg, "TO:")
	if !ok || addr == "" {
		ss.problem("RCPT TO without an address in angle brackets")
		return ss.reply("unrecognized-parameter", nil)
	}
	if len(ss.tx.RcptTo) >= maxRcpts {
		return ss.reply("too-many-recipients", nil)
	}
	ss.tx.RcptTo = append(ss.tx.RcptTo, printable(addr, 320))
	ss.lookAhead()
	return ss.reply("rcpt-ok", nil)
}

// data answers DATA with RFC 5321's 354 text (section 4.3.2, as the
// simulator and Exchange send it), reads the message as it streams,
// discards it and answers as Exchange Online would: "250 2.6.0 <id>
// [...] Queued mail for delivery" (row data-queued).
func (ss *session) data(string) bool {
	if ss.tx == nil || len(ss.tx.RcptTo) == 0 {
		return ss.badSequence()
	}
	if !ss.send(354, "Start mail input; end with <CRLF>.<CRLF>") {
		return false
	}
	a := newAnalyzer("DATA")
	err := ss.readDotted(a)
	return ss.endMessage(a, err)
}

// bdat reads one BDAT chunk (RFC 3030): exactly n octets, the message
// ending with LAST. Each chunk is answered with RFC 3030's "250 <n>
// octets received" (Exchange Online's wording is not in FACTS.md).
func (ss *session) bdat(arg string) bool {
	f := strings.Fields(arg)
	n, err := strconv.ParseInt(first(f), 10, 64)
	if ss.tx == nil || len(ss.tx.RcptTo) == 0 || err != nil || n < 0 || len(f) > 2 || (len(f) == 2 && !strings.EqualFold(f[1], "LAST")) {
		ss.problem("BDAT out of sequence or malformed: connection closed (its data cannot be skipped safely)")
		ss.rec.End = "bad BDAT"
		ss.badSequence()
		return false
	}
	if ss.tx.Message == nil {
		ss.tx.Message = &Message{Via: "BDAT"}
		ss.chunks = newAnalyzer("BDAT")
	}
	last := len(f) == 2
	if err := ss.readChunk(ss.chunks, n); err != nil {
		return ss.endMessage(ss.chunks, err)
	}
	if !last {
		return ss.send(250, "2.0.0 "+strconv.FormatInt(n, 10)+" octets received")
	}
	a := ss.chunks
	ss.chunks = nil
	return ss.endMessage(a, nil)
}

// readChunk copies n octets into a, within the deadlines (one idle period
// per 64 KiB read).
func (ss *session) readChunk(a *analyzer, n int64) error {
	buf := make([]byte, 64<<10)
	for n > 0 {
		ss.setDeadline()
		k, err := ss.r.Read(buf[:min(int64(len(buf)), n)])
		a.Write(buf[:k])
		n -= int64(k)
		if err != nil {
			return err
		}
	}
	return nil
}

// endMessage closes the analyzer, records the message and answers its
// end: 552 over SIZE (RFC 1870, row message-too-big), else data-queued.
func (ss *session) endMessage(a *analyzer, err error) bool {
	m := a.Close()
	ss.tx.Message = m
	if err != nil {
		ss.readFailed(err, "message")
		return false
	}
	ss.tx = nil
	ss.logf("message: %d bytes via %s, %d attachment(s)", m.Size, m.Via, m.Attachments)
	if m.Size > maxMessage {
		m.Refused = "552 5.3.4 at the end of the message: over the 150 MB Exchange Online advertises"
		return ss.send(552, "5.3.4 Message size exceeds fixed maximum message size")
	}
	return ss.reply("data-queued", map[string]string{"MSGID": a.messageID(ss.fe.Host())})
}

// readDotted reads a DATA message up to CRLF "." CRLF, undoing dot
// stuffing (RFC 5321 section 4.5.2), and feeds it to a. Lines of any length
// are read in buffer-sized pieces. Only CRLF ends a line for the
// terminator: a "." after a bare LF does not end the message (the SMTP
// smuggling class of 2023).
func (ss *session) readDotted(a *analyzer) error {
	atStart := true
	for {
		ss.setDeadline()
		chunk, err := ss.r.ReadSlice('\n')
		whole := err == nil
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if atStart && whole && string(chunk) == ".\r\n" {
			return nil
		}
		if atStart && len(chunk) > 0 && chunk[0] == '.' {
			chunk = chunk[1:]
		}
		a.Write(chunk)
		atStart = whole && len(chunk) >= 2 && chunk[len(chunk)-2] == '\r'
	}
}

func (ss *session) badSequence() bool {
	// RFC 5321 section 4.2.2's text for 503, RFC 3463's 5.5.1; Microsoft's
	// own wording for these is not in FACTS.md.
	return ss.send(503, "5.5.1 Bad sequence of commands")
}

// parsePath parses "FROM:<addr> params" (keyword given upper case,
// matched case-insensitively, a space after the colon tolerated). "<>"
// is the null path.
func parsePath(arg, keyword string) (addr, params string, ok bool) {
	if len(arg) < len(keyword) || !strings.EqualFold(arg[:len(keyword)], keyword) {
		return "", "", false
	}
	rest := strings.TrimLeft(arg[len(keyword):], " ")
	end := strings.IndexByte(rest, '>')
	if !strings.HasPrefix(rest, "<") || end < 0 {
		return "", "", false
	}
	return rest[1:end], strings.TrimSpace(rest[end+1:]), true
}

// declaredSize is the SIZE= parameter of MAIL FROM (RFC 1870), 0 when absent.
func declaredSize(params string) int64 {
	for _, p := range strings.Fields(params) {
		if k, v, _ := strings.Cut(p, "="); strings.EqualFold(k, "SIZE") {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

func first(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
