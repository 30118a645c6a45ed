package runner

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
)

// testMessage is the message the data stage sends: RFC 5322 headers with
// a From the tenant can check (5.7.512 refuses a message without one),
// Subject and Message-ID carrying the site name and the run token, and,
// with envelope.message_size, a base64 attachment that brings it to
// exactly that many bytes, as a scan's PDF would. The attachment is
// produced while writing, so an 8 MB or 150 MB message never sits in
// memory. CRLF line endings; no line starts with ".", so no dot-stuffing
// is needed beyond the headers (which are stuffed).
type testMessage struct {
	subject string
	token   string
	head    []byte // headers, and with padding the first part and the attachment's headers
	b64     int64  // base64 characters of padding (a multiple of 4)
	tail    []byte // the closing boundary; "" without padding
	short   int64  // bytes message_size asked for beyond what was sent, when it is below the headers' size
}

// b64Line is the length of a full base64 line (RFC 2045 section 6.8).
const b64Line = 76

// newTestMessage builds the message for site from -> to. size 0 sends the
// small text message; a size below what the headers need sends them
// alone (short says by how much).
func newTestMessage(site, from string, to []string, token string, date time.Time, size int64) *testMessage {
	subject := "smtpspec test " + headerText(site) + " " + headerText(token)
	headers := []string{
		"Date: " + date.Format(time.RFC1123Z),
		"From: \"smtpspec test\" <" + headerText(from) + ">",
		"To: " + headerText(strings.Join(to, ", ")),
		"Subject: " + subject,
		"Message-ID: <" + headerText(token) + "." + dotAtom(site) + "@" + headerText(domainOf(from)) + ">",
		"MIME-Version: 1.0",
	}
	text := []string{
		"This is a test message from smtpspec, sent to check this mail path.",
		"It needs no action.",
		"",
		"Site: " + headerText(site),
		"Run token: " + headerText(token),
	}
	m := &testMessage{subject: subject, token: token}
	if size == 0 {
		m.head = dotStuff(append(append(headers,
			"Content-Type: text/plain; charset=us-ascii",
			"Content-Transfer-Encoding: 7bit",
			""), text...))
		return m
	}
	boundary := "smtpspec-" + headerText(token)
	m.head = dotStuff(append(append(append(headers,
		"Content-Type: multipart/mixed; boundary=\""+boundary+"\"",
		"",
		"--"+boundary,
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: 7bit",
		""), text...),
		fmt.Sprintf("The attachment pads the message to %d bytes (envelope.message_size).", size),
		"--"+boundary,
		"Content-Type: application/octet-stream; name=\"smtpspec-padding.bin\"",
		"Content-Disposition: attachment; filename=\"smtpspec-padding.bin\"",
		"Content-Transfer-Encoding: base64",
		""))
	m.tail = []byte("--" + boundary + "--\r\n")
	m.pad(size)
	return m
}

// pad sizes the base64 padding so the message is size bytes: full lines
// of 76 characters, a last line of a multiple of 4, and the 0 to 5 bytes
// left over as spaces at the end of the text part's last line (harmless
// there, and any count fits).
func (m *testMessage) pad(size int64) {
	room := size - int64(len(m.head)) - int64(len(m.tail))
	if room < 0 {
		m.short = -room
		return
	}
	full := room / (b64Line + 2)
	rest := room % (b64Line + 2)
	last := int64(0)
	if rest >= 6 {
		last = (rest - 2) / 4 * 4
		rest -= last + 2
	}
	m.b64 = full*b64Line + last
	// The slack goes before the CRLF that ends the last text line, which
	// is the line right before the second boundary.
	i := bytes.LastIndex(m.head, []byte("\r\n--smtpspec-"))
	m.head = append(m.head[:i:i], append(bytes.Repeat([]byte(" "), int(rest)), m.head[i:]...)...)
}

// Size is the message's size in bytes, without the final "." line: what
// MAIL FROM's SIZE= declares (RFC 1870).
func (m *testMessage) Size() int64 {
	n := int64(len(m.head)) + m.b64 + int64(len(m.tail))
	if m.b64 > 0 {
		n += (m.b64 + b64Line - 1) / b64Line * 2 // CRLF after every base64 line
	}
	return n
}

// WriteTo writes the message (without the final ".") in pieces of at most
// 64 KiB.
func (m *testMessage) WriteTo(w io.Writer) (int64, error) {
	var total int64
	write := func(b []byte) error {
		n, err := w.Write(b)
		total += int64(n)
		return err
	}
	if err := write(m.head); err != nil {
		return total, err
	}
	line := append(bytes.Repeat([]byte("A"), b64Line), '\r', '\n') // base64 of zero bytes
	chunk := bytes.Repeat(line, 64<<10/len(line))
	for left := m.b64; left > 0; {
		full := min(left/b64Line, int64(len(chunk)/len(line)))
		if full == 0 { // the last, shorter line
			if err := write(append(bytes.Repeat([]byte("A"), int(left)), '\r', '\n')); err != nil {
				return total, err
			}
			break
		}
		if err := write(chunk[:full*int64(len(line))]); err != nil {
			return total, err
		}
		left -= full * b64Line
	}
	return total, write(m.tail)
}

// dotStuff joins lines with CRLF, doubling a leading dot.
func dotStuff(lines []string) []byte {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(l, ".") {
			b.WriteByte('.')
		}
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// headerText keeps a value on one line of printable ASCII, so that no
// spec value can add a header or break the message.
func headerText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// dotAtom makes a site name fit the left side of a Message-ID (RFC 5322
// dot-atom: no leading, trailing or doubled dots).
func dotAtom(s string) string {
	parts := strings.FieldsFunc(headerText(s), func(r rune) bool { return r == '.' || strings.ContainsRune("()<>[]:;@\\,\" ", r) })
	if len(parts) == 0 {
		return "site"
	}
	return strings.Join(parts, ".")
}

// domainOf is the domain of an address, for the Message-ID's right side.
func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return addr[at+1:]
	}
	return "smtpspec.invalid"
}
