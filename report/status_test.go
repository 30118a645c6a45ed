package report

import (
	"testing"

	"github.com/smtpspec/smtpspec/runner"
)

// TestEveryStatusDocumented: a status added to runner.Statuses without a
// row in statusDocs would show an empty legend and no icon.
func TestEveryStatusDocumented(t *testing.T) {
	for _, s := range runner.Statuses {
		if d, ok := statusDocs[s]; !ok || d.icon == "" || d.meaning == "" {
			t.Errorf("status %q has no icon or meaning in statusDocs", s)
		}
	}
	if len(statusDocs) != len(runner.Statuses) {
		t.Errorf("statusDocs has %d rows, runner.Statuses %d statuses", len(statusDocs), len(runner.Statuses))
	}
}
