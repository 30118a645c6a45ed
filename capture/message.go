package capture

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
)

// Bounds of the message analysis: the header the capture reads (the rest
// of an overlong header is skipped), how deep multipart nesting is
// followed and how many parts are counted. Past them the message is still
// read to its end, measured and discarded; only its analysis stops.
const (
	maxHeader    = 64 << 10
	maxDepth     = 4
	maxParts     = 500
	maxTypesSeen = 10
)

// analyzer reads a message as it streams in, on its own goroutine, and
// keeps only what the report shows. Write never blocks for long: the
// goroutine always drains its pipe to the end.
type analyzer struct {
	m    *Message
	pw   *io.PipeWriter
	done chan struct{}
	id   string // a plain Message-ID header, for the end-of-data reply
}

func newAnalyzer(via string) *analyzer {
	pr, pw := io.Pipe()
	a := &analyzer{m: &Message{Via: via}, pw: pw, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.read(pr)
		io.Copy(io.Discard, pr)
	}()
	return a
}

// Write takes the next bytes of the message (after dot-unstuffing).
func (a *analyzer) Write(p []byte) {
	a.m.Size += int64(len(p))
	a.m.EightBit = a.m.EightBit || bytes.ContainsFunc(p, func(r rune) bool { return r >= 0x80 })
	a.pw.Write(p)
}

// Close ends the message and returns what was found.
func (a *analyzer) Close() *Message {
	a.pw.Close()
	<-a.done
	return a.m
}

func (a *analyzer) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 4096)
	hdr, err := readHeader(br)
	if err != nil {
		a.m.Problem = err.Error()
		return
	}
	msg, err := mail.ReadMessage(bytes.NewReader(hdr))
	if err != nil {
		a.m.Problem = "the message header could not be parsed: " + err.Error()
		return
	}
	h := msg.Header
	a.header(h)
	mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") {
		a.parts(multipart.NewReader(br, params["boundary"]), 0)
	} else if isAttachment(mt, h.Get("Content-Disposition")) {
		a.attachment(mt)
	}
}

var decoder = mime.WordDecoder{}

func (a *analyzer) header(h mail.Header) {
	from := h.Get("From")
	if dec, err := decoder.DecodeHeader(from); err == nil {
		from = dec
	}
	a.m.From = printable(from, 320)
	if addr, err := mail.ParseAddress(h.Get("From")); err == nil {
		a.m.FromAddress = addr.Address
	}
	subj := h.Get("Subject")
	if dec, err := decoder.DecodeHeader(subj); err == nil {
		subj = dec
	}
	a.m.Subject = printable(subj, 200)
	a.id = plainMessageID(h.Get("Message-Id"))
}

// parts counts the attachments of a multipart body, nested ones included.
func (a *analyzer) parts(mr *multipart.Reader, depth int) {
	for n := 0; ; n++ {
		if n == maxParts {
			a.problem("over 500 MIME parts: the rest was not counted")
			return
		}
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			a.problem("MIME structure: " + err.Error())
			return
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case strings.HasPrefix(mt, "multipart/") && depth < maxDepth:
			a.parts(multipart.NewReader(p, params["boundary"]), depth+1)
		case strings.HasPrefix(mt, "multipart/"):
			a.problem("MIME nesting deeper than 4: not followed")
		case isAttachment(mt, p.Header.Get("Content-Disposition")) || p.FileName() != "":
			a.attachment(mt)
		}
	}
}

// problem keeps the first thing the analysis could not read.
func (a *analyzer) problem(p string) {
	if a.m.Problem == "" {
		a.m.Problem = p
	}
}

func (a *analyzer) attachment(mt string) {
	a.m.Attachments++
	if mt == "" {
		mt = "application/octet-stream"
	}
	if len(a.m.AttachmentTypes) < maxTypesSeen && !slices.Contains(a.m.AttachmentTypes, mt) {
		a.m.AttachmentTypes = append(a.m.AttachmentTypes, printable(mt, 80))
	}
}

// isAttachment: declared so, or a part that is not text (a scan is a PDF,
// TIFF or JPEG part).
func isAttachment(mt, disposition string) bool {
	d, _, _ := mime.ParseMediaType(disposition)
	switch {
	case d == "attachment":
		return true
	case mt == "" || strings.HasPrefix(mt, "text/") || strings.HasPrefix(mt, "multipart/") || mt == "message/delivery-status":
		return false
	}
	return true
}

// readHeader reads the header up to the blank line, at most maxHeader
// bytes; a longer header is an error (the message is still drained).
func readHeader(br *bufio.Reader) ([]byte, error) {
	var hdr []byte
	atStart := true
	for {
		line, err := br.ReadSlice('\n')
		if len(hdr)+len(line) > maxHeader {
			return nil, errors.New("header over 64 KiB: not read")
		}
		hdr = append(hdr, line...)
		blank := atStart && (string(line) == "\r\n" || string(line) == "\n")
		atStart = err == nil
		switch {
		case err == nil && blank:
			return hdr, nil
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return append(hdr, "\r\n"...), nil // a message that is all header
		case err != nil:
			return nil, err
		}
	}
}

// messageID is the id for the end-of-data reply: the message's own when
// it is plain, else a new one at the front end's host.
func (a *analyzer) messageID(host string) string {
	if a.id != "" {
		return a.id
	}
	b := make([]byte, 8)
	rand.Read(b)
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + "@" + host + ">"
}

// plainMessageID keeps a Message-ID only when it is <left@right> in
// printable ASCII and short: it goes into a reply line.
func plainMessageID(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 200 || !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") || !strings.Contains(v, "@") {
		return ""
	}
	for _, r := range v[1 : len(v)-1] {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return ""
		}
	}
	return v
}
