package forecast

import (
	"strings"
)

// view returns the DNS view named key (setup.view: the DNS-altering
// changes applied, "" for today's), starting it on first use. What a
// change removes or moves is taken from every site of the forecast it
// meets or may meet, so one view serves them all: two sites that name the
// same host reach the same change the same way (the reach depends on the
// host and the tenant's facts, which the host names).
func (f *Forecaster) view(key string) (*view, error) {
	f.viewMu.Lock()
	defer f.viewMu.Unlock()
	if v, ok := f.views[key]; ok {
		return v, nil
	}
	gone, moved := map[string]bool{}, map[string]bool{}
	for _, id := range strings.Split(key, "+") {
		c := f.byID[id]
		if c == nil {
			continue
		}
		for _, p := range f.profiles {
			if c.reach(p).kind == reachNo {
				continue
			}
			var a alteration
			c.alter(&a, p)
			for _, g := range a.gone {
				gone[strings.ToLower(g)] = true
			}
			if a.mxMoved {
				moved[p.tenant] = true
			}
		}
	}
	v, err := startView(f.names, gone, moved)
	if err != nil {
		return nil, err
	}
	f.views[key] = v
	return v, nil
}
