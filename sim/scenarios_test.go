package sim

import (
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// The scenario names are a public interface (specs/examples, the demo).
func TestScenarioNames(t *testing.T) {
	want := []string{
		"submission-ok", "submission-anonymous", "submission-auth-disabled", "submission-basic-auth-retired",
		"submission-basic-auth-disabled", "submission-signin-blocked",
		"submission-bad-credentials", "submission-no-starttls-auth", "submission-helo-only", "submission-sendas-denied",
		"submission-sendas-denied-252",
		"service-not-active", "legacy-tls-refused",
		"directsend-ok", "directsend-mx-microsoft", "directsend-rejected", "recipient-unknown", "banned-ip",
		"relay-ok", "relay-certificate", "relay-tenant-attribution", "firewall-inspection", "ehlo-stall", "starttls-stripped", "tls-stall", "no-banner",
	}
	var got []string
	for _, sc := range Scenarios() {
		got = append(got, sc.Name)
		if err := sc.Validate(); err != nil {
			t.Error(err)
		}
		if sc.Summary == "" || strings.Contains(sc.Summary, "\n") {
			t.Errorf("%s: summary must be one non-empty line, got %q", sc.Name, sc.Summary)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Scenarios() names:\n got %q\nwant %q", got, want)
	}
}

func TestFind(t *testing.T) {
	sc, err := Find("banned-ip")
	if err != nil || sc.Name != "banned-ip" || sc.Method != transcript.DirectSend {
		t.Fatalf("Find(banned-ip) = %+v, %v", sc, err)
	}
	sc.Name = "changed"
	if again, _ := Find("banned-ip"); again.Name != "banned-ip" {
		t.Errorf("Find returned a shared value: a caller's change leaked")
	}
	_, err = Find("banned-ipp")
	if err == nil || !strings.Contains(err.Error(), `"banned-ipp"`) || !strings.Contains(err.Error(), "submission-ok, submission-anonymous") {
		t.Errorf("Find(unknown) error should name the input and list the valid names, got %v", err)
	}
}

func TestValidateRejectsUnknownRow(t *testing.T) {
	sc := &Scenario{Name: "x", Method: transcript.Submission, Data: "no-such-row"}
	if _, err := NewServer(sc, Options{CA: testCA(t)}); err == nil || !strings.Contains(err.Error(), "no-such-row") {
		t.Errorf("NewServer with an unknown row: got %v", err)
	}
}

// Every row the session code sends by name must exist in the catalog.
func TestSessionRowsExist(t *testing.T) {
	for _, id := range []string{
		"banner-submission", "banner-mx", "banner-masked", "ehlo-masked-starttls",
		"starttls-ready", "starttls-masked-refused", "tls-legacy-refused", "starttls-required",
		"auth-login-username", "auth-login-password", "auth-ok", "auth-mechanism-unsupported",
		"auth-unsuccessful", "auth-xoauth2-invalid", "not-authenticated", "unrecognized-parameter",
		"unrecognized-command", "mail-ok", "rcpt-ok", "data-queued", "rset-ok", "quit-ok",
	} {
		if catalog.Lookup(id) == nil {
			t.Errorf("catalog row %q is missing", id)
		}
	}
}
