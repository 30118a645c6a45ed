package exporter

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// BenchmarkScrape is one /probe request of a Direct Send site against the
// simulator on loopback: probe, verdict, golden compare, metrics.
func BenchmarkScrape(b *testing.B) {
	f := newFixture(b, 2, site{"branch-ds", "directsend-ok", directSend})
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(f.srv.URL + "/probe?target=branch-ds")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkMetrics is the scrape's work beyond the probe: a fresh
// registry from a result, and its text encoding.
func BenchmarkMetrics(b *testing.B) {
	f := newFixture(b, 2, site{"branch-ds", "directsend-ok", directSend})
	out, err := f.ex.probe(f.ex.current().byName["branch-ds"], time.Now().Add(10*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/probe?target=branch-ds", nil)
	b.ReportAllocs()
	for b.Loop() {
		reg := probeRegistry(out)
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(httptest.NewRecorder(), req)
	}
}
