package main

import (
	"testing"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// TestLazyExpressionsCompile compiles every expression the binary declares
// with lazyre (the reply catalog, diagnosis rules, normaliser, log
// parsers, ...): they are compiled on first use, so a bad pattern must
// fail here rather than on a user's first reply or log that needs it.
func TestLazyExpressionsCompile(t *testing.T) {
	all := lazyre.All()
	if len(all) < 80 {
		t.Fatalf("only %d lazy expressions registered; the packages declare ~110", len(all))
	}
	for _, l := range all {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("expression %q does not compile: %v", l, r)
				}
			}()
			l.Regexp()
		}()
	}
}
