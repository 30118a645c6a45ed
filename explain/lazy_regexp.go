package explain

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on first use. The parsers'
// ~50 expressions cost ~0.9 ms to compile, which at package init every
// smtpspec process paid before main, `smtpspec run` included (it links
// this package but parses no log); at 25 ms RTT that is a visible share
// of a probe's fixed cost (README, "Performance"). A pattern that does
// not compile still panics, on first use; TestLazyRegexpsCompile
// compiles every one (lazyAll).
type lazyRegexp struct {
	re func() *regexp.Regexp
}

// lazyCompile returns expr as a lazyRegexp (regexp.MustCompile, deferred).
func lazyCompile(expr string) *lazyRegexp {
	l := &lazyRegexp{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	lazyAll = append(lazyAll, l)
	return l
}

// lazyAll lists every lazyRegexp, for the test that compiles them all.
var lazyAll []*lazyRegexp

func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.re().FindStringSubmatch(s) }

func (l *lazyRegexp) MatchString(s string) bool { return l.re().MatchString(s) }

func (l *lazyRegexp) ReplaceAllString(src, repl string) string {
	return l.re().ReplaceAllString(src, repl)
}
