package exporter

import (
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
)

// writeDebug is /probe?target=SITE&debug=true, as blackbox_exporter's:
// the verdict and the normalised transcript as `smtpspec run -v` prints
// them (redacted: the transcript never holds a secret), then the metrics
// the scrape would have returned.
func writeDebug(w http.ResponseWriter, out *outcome, reg *prometheus.Registry) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	r := out.result
	fmt.Fprintf(w, "Probe of site %s (%s) at %s, took %s\n", r.Site.Name, r.Site.Method, out.at.UTC().Format(time.RFC3339), out.duration.Round(time.Microsecond))
	if out.guard != nil {
		fmt.Fprintf(w, "Not probed: answered from the AUTH-failure record (guard). Next probe allowed at %s.\n", out.guard.Next.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w, "\nVerdict and transcript:")
	if err := (report.Human{Verbose: true}).Write(w, []*runner.Result{r}); err != nil {
		fmt.Fprintf(w, "(report: %v)\n", err)
	}
	fmt.Fprintln(w, "\nMetrics that would have been returned:")
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Fprintf(w, "(gather: %v)\n", err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
			return
		}
	}
}
