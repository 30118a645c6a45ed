package explain

// format is one capture format: parse translates lines into events and
// counts the lines it recognised as its own.
type format struct {
	name  string
	parse func(lines []string) (evs []event, recognised int)
}

// formats lists every format explain reads; one explicit table. The order
// breaks ties: more specific formats first.
var formats = []format{
	{"swaks", parseSwaks},
	{"postfix", parsePostfix},
	{"nodemailer", parseNodemailer},
	{"phpmailer", parsePHPMailer},
	{"dotnet", parseDotNet},
	{"smtplib", parseSmtplib},
	{"sc-log", parseSCLog},
	{"iis-smtp", parseIIS},
	{"cpp-smtpclient", parseCPPLog},
	{"oauth2-proxy", parseOAuth2Proxy},
	{"telnet", parseTelnet},
}

func formatNames() []string {
	var out []string
	for _, f := range formats {
		out = append(out, f.name)
	}
	return out
}

// detect picks the format that recognises the most lines and yields at
// least one reply or failure; nil when none does.
func detect(lines []string) (*format, []event) {
	lines = bounded(lines)
	var best *format
	var bestEvs []event
	bestN := 0
	for i := range formats {
		f := &formats[i]
		evs, n := f.parse(lines)
		if n > bestN && meaningful(evs) {
			best, bestEvs, bestN = f, evs, n
		}
	}
	return best, bestEvs
}

// meaningful: the events hold something to diagnose.
func meaningful(evs []event) bool {
	for _, e := range evs {
		switch e.kind {
		case evServer, evReply, evError:
			return true
		}
	}
	return false
}

// maxFormatLine bounds the bytes of a line the formats' parsers read: a
// protocol or log line is short, and a 10 MB line (a minified JSON dump)
// would cost every parser a scan of it.
const maxFormatLine = 64 << 10

// bounded returns the lines the formats read: a paste of more than
// maxLogicalLines lines at both ends (as the generic reader reads it),
// every line cut to maxFormatLine bytes (the slice is copied only when a
// line is that long).
func bounded(lines []string) []string {
	if len(lines) > maxLogicalLines {
		lines = append(append([]string(nil), lines[:maxLogicalLines/2]...), lines[len(lines)-maxLogicalLines/2:]...)
	}
	out := lines
	for i, l := range lines {
		if len(l) > maxFormatLine {
			if &out[0] == &lines[0] {
				out = append([]string(nil), lines...)
			}
			out[i] = l[:maxFormatLine]
		}
	}
	return out
}
