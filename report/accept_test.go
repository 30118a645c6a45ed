package report

import (
	"path/filepath"
	"testing"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// TestAcceptCommand: the one accept instruction, for the default and
// other golden folders, a folder a shell would split, a control's pending
// golden, and none when the run left nothing pending.
func TestAcceptCommand(t *testing.T) {
	site := func(pending, control string) *runner.Result {
		r := &runner.Result{Site: &specs.Site{Name: "hq-mfp"}, Pending: pending}
		if control != "" {
			r.Control = &runner.Result{Site: &specs.Site{Name: "hq-mfp.control"}, Pending: control}
		}
		return r
	}
	tests := []struct {
		name string
		r    *runner.Result
		want string
	}{
		{"default folder", site("golden/hq-mfp.golden.new", ""), "smtpspec review --site hq-mfp --accept"},
		{"default folder spelled ./golden", site(filepath.Join(".", "golden", "hq-mfp.golden.new"), ""), "smtpspec review --site hq-mfp --accept"},
		{"other folder", site("ci/goldens/hq-mfp.golden.new", ""), "smtpspec review --golden ci/goldens --site hq-mfp --accept"},
		{"folder with a space", site("/srv/msp repo/golden/hq-mfp.golden.new", ""),
			"smtpspec review --golden '/srv/msp repo/golden' --site hq-mfp --accept"},
		{"only the control drifted", site("", "golden/hq-mfp.control.golden.new"), "smtpspec review --site hq-mfp --accept"},
		{"nothing pending", site("", ""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AcceptCommand(tt.r); got != tt.want {
				t.Errorf("AcceptCommand = %q, want %q", got, tt.want)
			}
		})
	}
}
