package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
)

// session plays one submission or MX conversation up to the end of DATA
// and returns every reply line as sent, "code text".
func playSession(t *testing.T, srv *Server, addr string, submission bool) []string {
	t.Helper()
	c := dial(t, addr)
	var lines []string
	keep := func(r reply) {
		for _, l := range r.lines {
			lines = append(lines, fmt.Sprintf("%d %s", r.code, l))
		}
	}
	keep(c.read())
	keep(c.cmd("EHLO mfp-3f.contoso.local"))
	keep(c.cmd("STARTTLS"))
	c.handshake(clientTLS(srv.CA(), "smtp.office365.com"))
	keep(c.cmd("EHLO mfp-3f.contoso.local"))
	if submission {
		keep(c.cmd("AUTH LOGIN " + b64("scanner@contoso.com")))
		keep(c.cmd(b64("pw")))
	}
	keep(c.cmd("MAIL FROM:<reception@contoso.com>"))
	keep(c.cmd("RCPT TO:<frontdesk@contoso.com>"))
	keep(c.cmd("DATA"))
	keep(c.cmd(message))
	keep(c.cmd("QUIT"))
	return lines
}

// TestVolatilePartsVaryAndNormalise plays the same conversation several
// times with scenarios whose end of DATA carries the per-message parts
// (queued, SendAsDenied in both forms) and with the mx.microsoft front
// ends: the raw replies differ from connection to connection where the
// service's do (banner, EHLO, end of DATA), and normalise to one text.
func TestVolatilePartsVaryAndNormalise(t *testing.T) {
	for _, tc := range []struct {
		scenario   string
		submission bool
		endOfData  string // a literal the end-of-data reply must hold
	}{
		{"submission-ok", true, " KB/sec Queued mail for delivery"},
		{"directsend-ok", false, "[InternalId="},
		{"submission-sendas-denied", true, "Cannot submit message. 0.35250:"},
		{"submission-sendas-denied-252", true, "[BeginDiagnosticData]Cannot submit message. 0.35250:"},
		{"directsend-mx-microsoft", false, "Queued mail for delivery"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			srv, addr := startScenario(t, tc.scenario)
			var runs [][]string
			for range 4 {
				runs = append(runs, playSession(t, srv, addr, tc.submission))
			}
			first := runs[0]
			endOfData := first[len(first)-2]
			if !strings.Contains(endOfData, tc.endOfData) {
				t.Fatalf("end of DATA %q lacks %q", endOfData, tc.endOfData)
			}
			for _, run := range runs[1:] {
				if len(run) != len(first) {
					t.Fatalf("%d reply lines, then %d", len(first), len(run))
				}
				differ := 0
				for i := range run {
					if run[i] != first[i] {
						differ++
					}
					if a, b := golden.NormalizeText(first[i]), golden.NormalizeText(run[i]); a != b {
						t.Errorf("line %d normalises differently:\n %q -> %q\n %q -> %q", i, first[i], a, run[i], b)
					}
				}
				// Banner, the two EHLO greetings and the end of DATA at least.
				if differ < 4 {
					t.Errorf("only %d reply lines changed between two connections:\n%s\n%s", differ, strings.Join(first, "\n"), strings.Join(run, "\n"))
				}
				if run[len(run)-2] == endOfData {
					t.Errorf("end of DATA did not change between two messages: %q", endOfData)
				}
			}
			if tc.scenario == "directsend-mx-microsoft" && !strings.Contains(first[0], ".mx.microsoft ") {
				t.Errorf("banner %q does not name an mx.microsoft host", first[0])
			}
		})
	}
}
