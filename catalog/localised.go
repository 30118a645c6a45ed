package catalog

import (
	"strings"
	"unicode"

	"github.com/smtpspec/smtpspec/transcript"
)

// A reply whose text the operator localised cannot match the catalog's
// English patterns: 21Vianet's Office 365 (smtp.partner.outlook.cn)
// answers a plaintext MAIL FROM with "451 5.7.3 发送邮件需要 STARTTLS
// [<HOST>.partner.outlook.cn ...]" where Exchange Online says "451 5.7.3
// STARTTLS is required to send mail" (github.com/apache/hertzbeat/issues/1062,
// issues/2365). Its code and enhanced code still identify the reply when
// every catalog row of those codes means the same (one category, one
// stage); the words then decide nothing.

// localised reports whether a reply text's words (before its bracketed
// trailer of host and timestamp) are in a script other than Latin.
func localised(text string) bool {
	if i := strings.IndexByte(text, '['); i >= 0 {
		text = text[:i]
	}
	for _, r := range text {
		if r > unicode.MaxLatin1 && unicode.IsLetter(r) && !unicode.In(r, unicode.Latin) {
			return true
		}
	}
	return false
}

// byCodes is the catalog row that a localised reply's codes alone
// identify: the first row with exactly its code and enhanced code, when
// every such row has the same category and stage; nil otherwise.
func byCodes(r *transcript.Reply) *Entry {
	if r.Code == 0 || r.Enhanced == "" || !localised(r.Text()) {
		return nil
	}
	var first *Entry
	for i := range Catalog {
		e := &Catalog[i]
		if e.Code != r.Code || e.Enhanced != r.Enhanced {
			continue
		}
		if first == nil {
			first = e
		} else if e.Category != first.Category || e.Stage != first.Stage {
			return nil
		}
	}
	return first
}
