package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Progress shows sites as they run. Live (on a terminal) it redraws a
// block of lines at most ten times a second: how many sites are done and
// the stage each running site is in. Otherwise (CI, a pipe) it writes one
// plain line per finished site, which a CI log keeps readable. It is safe
// for concurrent use: runner calls it from every site's goroutine.
type Progress struct {
	w     io.Writer
	live  bool
	total int

	mu      sync.Mutex
	done    int
	running map[string]transcript.Stage // site -> current stage
	drawn   int                         // lines of the last live frame
	dirty   bool
	stop    chan struct{}
	stopped chan struct{}
}

// NewProgress starts a progress display for total sites on w; live
// selects the terminal display. Call Finish when the run ends.
func NewProgress(w io.Writer, total int, live bool) *Progress {
	p := &Progress{w: w, live: live, total: total, running: map[string]transcript.Stage{}}
	if live {
		p.stop, p.stopped = make(chan struct{}), make(chan struct{})
		go p.loop()
	}
	return p
}

// Stage records that site entered stage (runner.Options.OnStage).
func (p *Progress) Stage(site string, stage transcript.Stage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[site] = stage
	p.dirty = true
}

// Done records a finished site (runner.Options.OnResult).
func (p *Progress) Done(r *runner.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, r.Site.Name)
	p.done++
	p.dirty = true
	if !p.live {
		width := len(fmt.Sprint(p.total))
		fmt.Fprintf(p.w, "[%*d/%d] %-5s %s: %s\n", width, p.done, p.total, r.Status, r.Site.Name, r.Verdict.Line())
	}
}

// Finish stops the live display and erases it, so the report that follows
// starts on a clean screen.
func (p *Progress) Finish() {
	if !p.live {
		return
	}
	close(p.stop)
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
}

func (p *Progress) loop() {
	defer close(p.stopped)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.dirty {
				p.draw()
				p.dirty = false
			}
			p.mu.Unlock()
		}
	}
}

// maxLive bounds the frame: a fleet of hundreds shows the first sites
// running and a count of the rest.
const maxLive = 12

func (p *Progress) draw() {
	p.erase()
	lines := []string{fmt.Sprintf("smtpspec: %d/%d sites done, %d running", p.done, p.total, len(p.running))}
	names := make([]string, 0, len(p.running))
	for n := range p.running {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if i == maxLive {
			lines = append(lines, fmt.Sprintf("  … and %d more", len(names)-maxLive))
			break
		}
		lines = append(lines, fmt.Sprintf("  %-30s %s", n, p.running[n]))
	}
	fmt.Fprint(p.w, strings.Join(lines, "\n")+"\n")
	p.drawn = len(lines)
}

// erase moves up over the last frame and clears it (VT100).
func (p *Progress) erase() {
	for ; p.drawn > 0; p.drawn-- {
		fmt.Fprint(p.w, "\x1b[1A\x1b[2K")
	}
}
