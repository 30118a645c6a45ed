package exporter

import (
	_ "embed"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/runner"
)

//go:embed landing.html
var landingHTML string

// landingTmpl is parsed on first use, not at start-up.
var landingTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("landing").Parse(landingHTML))
})

// landingSite is one row of the landing page.
type landingSite struct {
	Name, Method, Target string
	Seen                 bool
	Class                string // pass, new or fail (the status cell's colour)
	Last                 summary
	Ago, Took            string
}

// landingPage is what landing.html renders.
type landingPage struct {
	Version  string
	Sites    []landingSite
	LoadErr  string
	LoadedAt time.Time
	Golden   string
	Guard    bool
	Now      time.Time
}

// serveLanding is GET /: every site with its last scrape's status, and a
// failed reload's errors (the last good specs are still served).
func (e *Exporter) serveLanding(w http.ResponseWriter, _ *http.Request) {
	e.mu.RLock()
	set, loadErr, loadedAt := e.sites, e.loadErr, e.loadedAt
	e.mu.RUnlock()
	now := e.cfg.Now()
	p := landingPage{Version: e.cfg.Version, LoadedAt: loadedAt, Golden: e.cfg.Golden.Dir, Guard: e.cfg.AuthGuard != nil, Now: now}
	if loadErr != nil {
		p.LoadErr = loadErr.Error()
	}
	for _, s := range set.order {
		row := landingSite{Name: s.Name, Method: string(s.Method), Target: s.Target()}
		row.Last, row.Seen = e.last.get(s.Name)
		if row.Seen {
			row.Ago = now.Sub(row.Last.At).Round(time.Second).String()
			row.Class = statusClass(row.Last.Status)
			row.Took = row.Last.Duration.Round(time.Millisecond).String()
		}
		p.Sites = append(p.Sites, row)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := landingTmpl().Execute(w, p); err != nil {
		e.cfg.Logf("landing page: %v", err)
	}
}

// statusClass is the CSS class of a status cell.
func statusClass(s runner.Status) string {
	switch s {
	case runner.StatusPass:
		return "pass"
	case runner.StatusNew:
		return "new"
	}
	return "fail"
}
