package explain

import "testing"

// TestLazyRegexpsCompile compiles every parser's expression, so a bad
// pattern fails here rather than on a user's first log of that format.
func TestLazyRegexpsCompile(t *testing.T) {
	if len(lazyAll) < 40 {
		t.Fatalf("only %d lazy expressions registered; the parsers declare ~50", len(lazyAll))
	}
	for i, l := range lazyAll {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("expression %d does not compile: %v", i, r)
				}
			}()
			l.re()
		}()
	}
}
