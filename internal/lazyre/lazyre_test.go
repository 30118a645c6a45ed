package lazyre

import (
	"sync"
	"testing"
)

func TestLazyCompilesOnceOnFirstUse(t *testing.T) {
	l := New(`^(a+)(b)?$`)
	if l.String() != `^(a+)(b)?$` {
		t.Fatalf("String() = %q", l.String())
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); CompileAll() }()
	}
	wg.Wait()
	if !l.MatchString("aab") || l.MatchString("b") {
		t.Fatal("MatchString wrong")
	}
	if got := l.FindStringSubmatch("aa"); len(got) != 3 || got[1] != "aa" {
		t.Fatalf("FindStringSubmatch = %q", got)
	}
	if l.Regexp() != l.Regexp() {
		t.Fatal("compiled more than once")
	}
}

func TestBadExpressionPanicsOnFirstUse(t *testing.T) {
	l := &Regexp{expr: "(", re: New("(").re}
	defer func() {
		if recover() == nil {
			t.Fatal("a bad expression did not panic on use")
		}
		// Leave the registry as other tests expect: without the bad one.
		mu.Lock()
		all = all[:len(all)-1]
		mu.Unlock()
	}()
	l.MatchString("x")
}
