package transcript

import (
	"slices"
	"testing"
)

// The table lists each stage once, probe stages first in protocol order,
// and a spec can name only those.
func TestStageTable(t *testing.T) {
	want := []Stage{Resolve, Connect, Banner, EHLO, STARTTLS, TLS, EHLOTLS, Auth, Mail, Rcpt, Data, Quit, Trace}
	if got := Stages(); !slices.Equal(got, want) {
		t.Errorf("Stages() = %v, want %v", got, want)
	}
	seen := map[Stage]bool{}
	for _, f := range facts {
		if seen[f.Stage] {
			t.Errorf("%s has two rows", f.Stage)
		}
		seen[f.Stage] = true
		if _, ok := ParseStage(string(f.Stage)); ok == f.Pseudo {
			t.Errorf("ParseStage(%q) = %v, but Pseudo is %v", f.Stage, ok, f.Pseudo)
		}
		if f.Step < 0 || f.Step > 10 {
			t.Errorf("%s: step %d outside 0..10", f.Stage, f.Step)
		}
	}
	if _, ok := ParseStage("rcpt_to"); ok {
		t.Error(`ParseStage("rcpt_to") accepted a name outside the table`)
	}
	if f := Stage("later").Facts(); f.Stage != "later" || f.Pseudo || len(f.Replies) > 0 {
		t.Errorf("a name outside the table has facts %+v", f)
	}
}

func TestStageOfVerb(t *testing.T) {
	for verb, want := range map[string]Stage{"EHLO": EHLO, "HELO": EHLO, "STARTTLS": STARTTLS, "AUTH": Auth, "MAIL": Mail,
		"RCPT": Rcpt, "DATA": Data, "BDAT": Data, "RSET": Quit, "QUIT": Quit, "NOOP": Noop} {
		if got, ok := StageOfVerb(verb); !ok || got != want {
			t.Errorf("StageOfVerb(%q) = %q, %v; want %q", verb, got, ok, want)
		}
	}
	if got, ok := StageOfVerb("VRFY"); ok {
		t.Errorf("StageOfVerb(VRFY) = %q, want none", got)
	}
}

func TestStagesOfStep(t *testing.T) {
	for step, want := range map[int][]Stage{2: {Resolve, Connect}, 3: {Banner, EHLO}, 4: {STARTTLS, TLS, EHLOTLS},
		5: {Mail, Rcpt}, 6: {Data, Trace}, 9: {Auth}} {
		if got := StagesOfStep(step); !slices.Equal(got, want) {
			t.Errorf("StagesOfStep(%d) = %v, want %v", step, got, want)
		}
	}
}
