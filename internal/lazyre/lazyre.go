// Package lazyre holds regular expressions that are compiled on first use
// instead of at package initialisation.
//
// Every smtpspec process, `smtpspec run` included, runs the
// initialisation of every package it links before main. Compiled there,
// the ~110 expressions of the reply catalog, the diagnosis rules, the
// normaliser and the log parsers cost 1.5-2 ms of start-up: at 25 ms RTT,
// a visible share of a probe's fixed cost (README, "Performance").
// Declared with New, they cost nothing until used, and `smtpspec run`
// compiles them in the background (CompileAll) while its first round trips
// are on the wire. Those only another command needs (explain's log
// parsers) are declared with OnDemand: CompileAll leaves them alone.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use. An expression
// that does not compile panics on first use, as regexp.MustCompile would
// at init; TestCompileAll in each declaring package (via All) compiles
// every one, so that never reaches a user.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
	warm bool // compiled by CompileAll
}

var (
	mu  sync.Mutex
	all []*Regexp
)

// New declares expr, to be compiled (regexp.MustCompile) on first use or
// by CompileAll, whichever comes first.
func New(expr string) *Regexp { return declare(expr, true) }

// OnDemand declares expr, to be compiled on first use only.
func OnDemand(expr string) *Regexp { return declare(expr, false) }

func declare(expr string, warm bool) *Regexp {
	l := &Regexp{expr: expr, warm: warm, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	mu.Lock()
	all = append(all, l)
	mu.Unlock()
	return l
}

// All returns every expression declared so far, New's and OnDemand's.
func All() []*Regexp {
	mu.Lock()
	defer mu.Unlock()
	return append([]*Regexp(nil), all...)
}

// CompileAll compiles every expression declared so far with New. Safe
// to call concurrently with their use: each compiles once.
func CompileAll() {
	for _, l := range All() {
		if l.warm {
			l.re()
		}
	}
}

// Regexp returns the compiled expression.
func (l *Regexp) Regexp() *regexp.Regexp { return l.re() }

// String returns the source text, without compiling it.
func (l *Regexp) String() string { return l.expr }

func (l *Regexp) MatchString(s string) bool { return l.re().MatchString(s) }

func (l *Regexp) FindString(s string) string { return l.re().FindString(s) }

func (l *Regexp) FindStringSubmatch(s string) []string { return l.re().FindStringSubmatch(s) }

func (l *Regexp) FindAllString(s string, n int) []string { return l.re().FindAllString(s, n) }

func (l *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return l.re().FindAllStringSubmatch(s, n)
}

func (l *Regexp) ReplaceAllString(src, repl string) string { return l.re().ReplaceAllString(src, repl) }

func (l *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return l.re().ReplaceAllStringFunc(src, repl)
}

func (l *Regexp) SubexpNames() []string { return l.re().SubexpNames() }
