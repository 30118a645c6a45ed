package runner

import (
	"errors"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// InsecureWarning is the warning every report prints for a site whose
// spec turned TLS certificate verification off.
const InsecureWarning = "TLS certificate verification is OFF for this site (endpoint insecure_skip_verify = true): " +
	"a man in the middle would go unnoticed; remove it once the certificate is trusted (ca_file, server_name)"

// warnings lists what a reader of any report must see about this run of
// s even when it passed.
func warnings(s *specs.Site, t *transcript.Transcript) []string {
	var w []string
	if s.Endpoint.InsecureSkipVerify && s.Endpoint.TLS != transcript.NoTLS {
		msg := InsecureWarning
		if t.TLS != nil && t.TLS.VerifySkipped {
			msg += "; this server's certificate did NOT verify: " + t.TLS.VerifyError
		}
		w = append(w, msg)
	}
	return w
}

// throttledResult is the result of a site that was not probed because its
// mailbox failed AUTH too recently: an error the run cannot pass with,
// and a verdict that says why and what to do.
func throttledResult(s *specs.Site, opts Options, err error) *Result {
	t := &transcript.Transcript{Site: s.Name, Method: s.Method, Target: s.Target()}
	if !errors.Is(err, authguard.ErrRefused) {
		// The state file cannot be read: without it the interval cannot be
		// kept, so the site waits for a person rather than risk the mailbox.
		return &Result{Site: s, Transcript: t, Status: StatusError, Err: err, GoldenPath: opts.Golden.Path(s.Name),
			Verdict: diagnosis.Verdict{Category: catalog.Config, Stage: transcript.Auth, Finding: "not probed: " + err.Error(),
				Next: "repair or delete the state file, or run with --force"}}
	}
	return &Result{
		Site:       s,
		Transcript: t,
		Status:     StatusError,
		Err:        err,
		GoldenPath: opts.Golden.Path(s.Name),
		Verdict: diagnosis.Verdict{
			Category: catalog.AuthCat,
			Stage:    transcript.Auth,
			Finding:  err.Error(),
			Step:     9,
			Next:     "check the mailbox's SMTP AUTH setting, the user name and the password or token before probing again; --force probes anyway",
		},
	}
}
