package diagnosis

import (
	"strconv"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

// TestDiagnoseCatalog: every confirmed in-session refusal in the catalog,
// sent at its stage, is diagnosed with the row's category and stage.
func TestDiagnoseCatalog(t *testing.T) {
	plan := transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true, Data: true}
	in := Input{Plan: plan, Host: "smtp.office365.com", Port: 587}
	for _, e := range catalog.Catalog {
		if !e.Confirmed || e.Category == catalog.OK {
			continue
		}
		t.Run(e.ID, func(t *testing.T) {
			line := strconv.Itoa(e.Code) + " " + e.Render(sessiontest.Samples)
			tr := sessiontest.Session(plan, sessiontest.At(e.Stage, line))
			v := Diagnose(tr, in)
			if v.Category != e.Category || v.Stage != e.Stage {
				t.Errorf("Diagnose = %s at %q, want %s at %q\nsummary: %s", v.Category, v.Stage, e.Category, e.Stage, v.Summary())
			}
			if v.Evidence != line {
				t.Errorf("Evidence = %q, want the exact reply line %q", v.Evidence, line)
			}
			if v.Step != e.Step {
				t.Errorf("Step = %d, want the row's %d", v.Step, e.Step)
			}
		})
	}
}

// TestCatalogRowsDecideBareReplies: replies that share codes with other
// rows are diagnosed by their own row as a bare reply (smtpspec explain),
// whose evidence is the line itself.
func TestCatalogRowsDecideBareReplies(t *testing.T) {
	cases := []struct {
		line, want string
		category   catalog.Category
	}{
		{"554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException...", "submission-quota-exceeded", catalog.Policy},
		{"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.", "sendas-denied-storedrv", catalog.Policy},
		{"550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7230) [BM1PR01MB1076.INDPRD01.PROD.OUTLOOK.COM]", "tenant-outbound-ip-blocked", catalog.Reputation},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			v := Diagnose(unstaged(tc.line), directIn)
			if v.Rule != "catalog:"+tc.want || v.Category != tc.category {
				t.Errorf("bare reply: rule %q, %s; want catalog:%s, %s", v.Rule, v.Category, tc.want, tc.category)
			}
		})
	}
}
