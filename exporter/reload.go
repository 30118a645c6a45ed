package exporter

import (
	"errors"
	"fmt"
	"net/http"
)

// Reload loads the specs again (SIGHUP, POST /-/reload). A load that
// fails keeps the last good set in service and is reported: on the
// landing page, in the log and as
// smtpspec_exporter_config_last_reload_successful 0.
func (e *Exporter) Reload() error {
	sites, err := e.cfg.Load()
	if err == nil && len(sites) == 0 {
		err = errors.New("no site blocks found")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.loadErr = err
		e.self.reloaded(false, e.cfg.Now())
		if e.sites != nil {
			e.cfg.Logf("reload failed, still serving the %d sites loaded at %s: %v", len(e.sites.order), e.loadedAt.Format("2006-01-02 15:04:05"), err)
		}
		return err
	}
	e.sites, e.loadErr, e.loadedAt = newSiteSet(sites), nil, e.cfg.Now()
	e.last.keep(e.sites)
	e.self.reloaded(true, e.loadedAt)
	e.self.sites.Set(float64(len(sites)))
	e.cfg.Logf("serving %d sites", len(sites))
	return nil
}

// serveReload is POST /-/reload: 200 when the specs loaded, 500 with the
// diagnostics when they did not (the last good set is still served).
func (e *Exporter) serveReload(w http.ResponseWriter, _ *http.Request) {
	if err := e.Reload(); err != nil {
		http.Error(w, fmt.Sprintf("reload failed; still serving the last good specs:\n%v", err), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "reloaded: %d sites\n", len(e.current().order))
}
