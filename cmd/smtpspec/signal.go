package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/smtpspec/smtpspec/runner"
)

// How a command meets SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled or
// timed out). Commands that watch their context stop gracefully on the
// first signal: run ends every probe at once, reports the unfinished
// sites as interrupted and still writes its reports. A second signal
// exits at once. Every other command keeps the default: the signal ends
// the process.
type signalUse int

const (
	signalsDefault   signalUse = iota // the signal ends the process (nothing to save)
	signalsInterrupt                  // graceful; the command exits 128+signal (130, 143)
	signalsStop                       // graceful, and a signal is the normal way to stop it (sim): exit as the command says
)

// interrupt is the cause of a command's context when a signal stopped
// it. The runner hands it on (runner.InterruptedError) and the exit code
// comes from it: no global remembers the signal.
type interrupt struct{ sig os.Signal }

// Error names the signal as a shell would ("SIGINT", "SIGTERM").
func (i interrupt) Error() string {
	switch i.sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return i.sig.String()
}

// exitCode is the shell's convention for a process a signal ended,
// 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM (on Windows
// too, where Ctrl-C arrives as os.Interrupt).
func (i interrupt) exitCode() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitInterruptSIGINT
}

// interruptedBy returns the signal that cancelled ctx, if one did.
func interruptedBy(ctx context.Context) (interrupt, bool) {
	var i interrupt
	return i, errors.As(context.Cause(ctx), &i)
}

// withSignals returns a context that the first SIGINT or SIGTERM cancels
// with that signal as its cause, telling the user on stderr; a second
// signal calls exit with its code at once. stop releases the signals.
func withSignals(parent context.Context, use signalUse, stderr io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	note := "stopping; unfinished sites are reported as interrupted (send it again to quit at once)"
	if use == signalsStop {
		note = "stopping"
	}
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			i := interrupt{sig}
			fmt.Fprintf(stderr, "\nsmtpspec: %s: %s\n", i, note)
			cancel(i)
		case <-done:
			return
		}
		select {
		case sig := <-ch:
			exit(interrupt{sig}.exitCode())
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// noteInterrupted tells, after the reports, what an interrupted run did
// and did not do, and its exit code.
func noteInterrupted(e env, sig interrupt, results []*runner.Result) {
	n := count(results, runner.StatusInterrupted) // demo_tour.go
	errorf(e.stderr, "interrupted by %s: %d of %d site(s) not judged (status interrupted), no golden written for them; "+
		"the sites that finished keep their results; reports written; exit %d", sig, n, len(results), sig.exitCode())
}
