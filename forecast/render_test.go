package forecast

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/report"
)

// elapsed is the part of the human header that varies run to run.
var elapsed = regexp.MustCompile(`, [0-9.]+(ms|s|µs)\)`)

// stable is a rendered forecast with the elapsed time scrubbed: nothing
// else varies (the verdict lines leave out the evidence, whose front-end
// names and tokens change per connection).
func stable(s string) []byte { return []byte(elapsed.ReplaceAllString(s, ", <ELAPSED>)")) }

// TestRenderGoldens: the fleet's terminal output and Markdown board, for
// review (go test ./forecast -run TestRenderGoldens -update).
func TestRenderGoldens(t *testing.T) {
	fc := forecastFleet(t)
	meta := report.Run{Started: time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC), Host: "msp-laptop"}
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for name, write := range map[string]func(*bytes.Buffer) error{
		"fleet.txt": func(b *bytes.Buffer) error { return WriteHuman(b, fc, meta) },
		"fleet.md":  func(b *bytes.Buffer) error { return WriteMarkdown(b, fc, meta) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		g.Assert(t, name, stable(b.String()))
	}
}
