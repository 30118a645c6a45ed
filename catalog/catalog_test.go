package catalog

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

const mxHost = "SN1NAM02FT0049.mail.protection.outlook.com"

// parse reads "550 5.7.606 Access denied" as one reply.
func parse(line string) *transcript.Reply {
	code, _, text, _ := transcript.ParseReplyLine(line)
	return &transcript.Reply{Code: code, Enhanced: transcript.ParseEnhanced(text), Lines: []string{text}}
}

var categories = []Category{OK, Network, Firewall, TLSCat, AuthCat, Reputation, Policy, Recipient, Service, Config}

func TestCatalogRowsAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Catalog {
		t.Run(e.ID, func(t *testing.T) {
			if e.ID == "" || seen[e.ID] {
				t.Errorf("ID %q is empty or not unique", e.ID)
			}
			seen[e.ID] = true
			if e.Source == "" {
				t.Error("no Source")
			}
			if !slices.Contains(categories, e.Category) {
				t.Errorf("Category %q is not one of DESIGN.md's", e.Category)
			}
			if e.Finding == "" {
				t.Error("no Finding")
			}
			if e.Step < 0 || e.Step > 10 {
				t.Errorf("Step %d outside 0..10", e.Step)
			}
			if !slices.Contains(transcript.Stages(), e.Stage) {
				t.Errorf("Stage %q is not a stage name", e.Stage)
			}
			if !e.Confirmed && e.Category != OK && !strings.Contains(e.Finding, "likely") {
				t.Errorf("unconfirmed row's Finding does not say \"likely\": %q", e.Finding)
			}
			text := e.Render(sessiontest.Samples)
			if strings.Contains(text, "<") && !strings.Contains(text, "<run@") {
				t.Errorf("placeholder left after Render: %q", text)
			}
			// <HOST> is a submission or an MX front end, depending on the row.
			mx := e.Render(map[string]string{"HOST": mxHost})
			if e.Pattern != nil && !e.Pattern.MatchString(text) && !e.Pattern.MatchString(mx) {
				t.Errorf("Pattern %q does not match the row's own text %q", e.Pattern, text)
			}
			if e.Enhanced != "" && transcript.ParseEnhanced(text) != e.Enhanced {
				t.Errorf("Enhanced %q, but the text starts with %q", e.Enhanced, transcript.ParseEnhanced(text))
			}
			// The simulator sends Render(Text); the diagnosis must find
			// this very row again (or one with the same meaning).
			rep := parse(strconv.Itoa(e.Code) + " " + text)
			if m := Match(e.Stage, rep); m == nil || m.Category != e.Category {
				t.Errorf("Match(%s, %q) = %v, want a %s row", e.Stage, rep.Line(), idOf(m), e.Category)
			}
		})
	}
}

func idOf(e *Entry) string {
	if e == nil {
		return "nil"
	}
	return e.ID
}

// TestCatalogPicksTheRightRow: replies that share codes with other rows
// reach their own row at their stage (the diagnosis tests them as bare
// replies too).
func TestCatalogPicksTheRightRow(t *testing.T) {
	cases := []struct {
		stage      transcript.Stage
		line, want string
		category   Category
	}{
		{transcript.Data, "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException...", "submission-quota-exceeded", Policy},
		{transcript.Data, "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.", "sendas-denied-storedrv", Policy},
		{transcript.Data, "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7230) [BM1PR01MB1076.INDPRD01.PROD.OUTLOOK.COM]", "tenant-outbound-ip-blocked", Reputation},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			if m := Match(tc.stage, parse(tc.line)); idOf(m) != tc.want || m.Category != tc.category {
				t.Errorf("Match(%s) = %s, want %s", tc.stage, idOf(m), tc.want)
			}
		})
	}
}

// TestLocalisedReplyByCodes: a reply whose words the operator localised
// (21Vianet) is known by its codes when every row of them agrees; English
// words that fit no row, or codes whose rows disagree, identify nothing.
func TestLocalisedReplyByCodes(t *testing.T) {
	cases := []struct{ line, want string }{
		{"451 5.7.3 发送邮件需要 STARTTLS [BJXPR01CA0050.CHNPR01.prod.partner.outlook.cn 2023-07-03T07:17:07.624Z 08DB7565CE20173C]", "starttls-required"},
		{"535 5.7.3 身份验证失败 [X.partner.outlook.cn]", "auth-unsuccessful"},
		{"550 5.7.1 请求被拒绝 [X.partner.outlook.cn]", "nil"}, // 5.7.1 rows disagree (reputation, policy)
		{"451 5.7.3 Something else entirely [X.partner.outlook.cn]", "nil"},
		{"451 5.7.3 Zustellung abgelehnt: größer [X]", "nil"}, // Latin script: the English patterns are the test
	}
	for _, tc := range cases {
		if got := idOf(Match(transcript.Mail, parse(tc.line))); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}
