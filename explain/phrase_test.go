package explain

import "testing"

// The phrases of these tests are made while the package initialises, as
// the lexicon wants.
var (
	remotePhrase  = newPhrase("Unable to connect to the remote server")
	blockedPhrase = newPhrase("blocked by <DOMAIN> using Customer Block list")
	shortPhrase   = newPhrase("Too many recipients")
)

// TestPhraseTolerance: a fixed sentence is found in another case, inside
// prose, with one word mistyped, a short word dropped or added; two edits,
// a mistyped first word or another sentence are not it.
func TestPhraseTolerance(t *testing.T) {
	p := remotePhrase
	cases := map[string]bool{
		"j'ai une erreur Unable to connect to the remove server.":  true,
		"UNABLE TO CONNECT TO THE REMOTE SERVER":                   true,
		"Exception: unable to connect to remote server (port 587)": true,
		"unable to connect to a the remote server":                 true,  // a short word added
		"unable to connect to the remote mail server":              false, // a word of content added is another sentence
		"Unable to connect to the remove sever":                    false, // two edits
		"Unabel to connect to the remote server":                   false, // the first word is exact
		"Unable to connect to the database server":                 false,
		"unable to connect":                                        false,
		"Unable to connect to the remote server" + string(rune(0)): true,
	}
	for l, want := range cases {
		ws := lex.scan(l)
		_, _, got := p.find(&lineWords{l: l}, &ws)
		if got != want {
			t.Errorf("find(%q) = %v, want %v", l, got, want)
		}
	}
}

// TestPhrasePlaceholder: a placeholder word matches any one word, and a
// short phrase is exact.
func TestPhrasePlaceholder(t *testing.T) {
	p := blockedPhrase
	for l, want := range map[string]bool{
		"Client host [203.0.113.5] blocked by fabrikam.example using Customer Block list (AS16012607)": false, // the domain is three words here
		"blocked by fabrikam using customer block list":                                                true,
	} {
		ws := lex.scan(l)
		if _, _, got := p.find(&lineWords{l: l}, &ws); got != want {
			t.Errorf("find(%q) = %v, want %v", l, got, want)
		}
	}
	short := shortPhrase
	for l, want := range map[string]bool{"452 too many recipients": true, "too many recipient": false} {
		ws := lex.scan(l)
		if _, _, got := short.find(&lineWords{l: l}, &ws); got != want {
			t.Errorf("short find(%q) = %v, want %v", l, got, want)
		}
	}
}

// TestCatalogSentences: the rows' distinctive sentences are read from
// the catalog; a sentence two rows share, a host name, a link's lead-in
// are not.
func TestCatalogSentences(t *testing.T) {
	have := map[string]string{}
	for _, s := range rowSentences {
		have[s.p.text] = s.row.ID
	}
	for text, row := range map[string]string{
		"Client not authenticated to send mail":                                "not-authenticated",
		"Client was not authenticated to send anonymous mail during MAIL FROM": "not-authenticated-old",
		"TenantInboundAttribution":                                             "direct-send-rejected",
	} {
		if have[text] != row {
			t.Errorf("sentence %q: row %q, want %q", text, have[text], row)
		}
	}
	for text := range have {
		if genericPart(text) || len(tokens(text)) < minTolerant && !identifierRE.MatchString(text) {
			t.Errorf("sentence %q is not distinctive", text)
		}
	}
}
