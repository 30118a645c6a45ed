package golden

import (
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"
)

// longRefusal is a normalised STOREDRV refusal: two of them that differ
// in the enhanced code alone look the same in a cut-off report line.
const longRefusal = "S: 554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. <DIAG>"

func TestWordDiff(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{"= data fail 554 5.2.0", "= data fail 554 5.2.252", "= data fail 554 [-5.2.0-]{+5.2.252+}"},
		{"S: 250 STARTTLS", "S: 250 XXXXXXXA", "S: 250 [-STARTTLS-]{+XXXXXXXA+}"},
		{"C: RCPT TO:<a@contoso.com>", "C: RCPT TO:<b@contoso.com>", "C: RCPT [-TO:<a@contoso.com>-]{+TO:<b@contoso.com>+}"},
		{longRefusal, strings.Replace(longRefusal, "554 5.2.0", "554 5.2.252", 1),
			"S: 554 [-5.2.0-]{+5.2.252+} STOREDRV.Submission.Exc…"},
		{longRefusal, longRefusal + " [Hostname=<HOST>]",
			"S: 554 5.2.0…t submit message. <DIAG>{+ [Hostname=<HOST>]+}"},
		{longRefusal, strings.Replace(longRefusal, "permanent", "transient", 1),
			"S: 554 5.2.0…rocess message due to a [-permanent-]{+transient+} exception with message …"},
		{"S: 250 2.1.5 Recipient OK", "S: 550 5.7.606 Access denied, banned sending IP [<IP>]. To request removal from this list please visit https://sender.office.com/",
			"S: [-250 2.1.5 Recipient OK-]{+550 5.7.606 Access denie…tps://sender.office.com/+}"},
	}
	for _, tt := range tests {
		c := LineChange{DiffLine{Op: '-', Text: tt.old}, DiffLine{Op: '+', Text: tt.new}}
		if got := c.WordDiff(24); got != tt.want {
			t.Errorf("WordDiff(%q, %q)\n got %q\nwant %q", tt.old, tt.new, got, tt.want)
		}
	}
}

// TestDriftMarksChangedWords: Compare pairs each removed line with the
// added line that replaces it and marks the words that differ, also when
// a line is added beside the change.
func TestDriftMarksChangedWords(t *testing.T) {
	want := "# h\nC: DATA\n" + longRefusal + "\n= data fail 554 5.2.0\n= quit pass 221\n"
	got := "# h\nC: DATA\n" + strings.Replace(longRefusal, "5.2.0", "5.2.252", 1) + "\nS: extra line\n= data fail 554 5.2.252\n= quit pass 221\n"
	d := Compare([]byte(want), []byte(got))
	changes := d.Changes()
	if len(changes) != 2 {
		t.Fatalf("%d changed lines, want 2:\n%s", len(changes), d.Diff)
	}
	for _, c := range changes {
		if len(c.Old.Marks) != 1 || c.Old.Text[c.Old.Marks[0].Start:c.Old.Marks[0].End] != "5.2.0" {
			t.Errorf("old line %d marks %v in %q", c.Old.Line, c.Old.Marks, c.Old.Text)
		}
		if len(c.New.Marks) != 1 || c.New.Text[c.New.Marks[0].Start:c.New.Marks[0].End] != "5.2.252" {
			t.Errorf("new line %d marks %v in %q", c.New.Line, c.New.Marks, c.New.Text)
		}
	}
	if changes[0].Old.Line != 3 || changes[0].New.Line != 3 || changes[1].Old.Line != 4 || changes[1].New.Line != 5 {
		t.Errorf("line numbers: %+v", changes)
	}
	var b strings.Builder
	for _, l := range d.Lines {
		b.WriteString(string(l.Op) + " " + l.Text + "\n")
		for _, m := range l.Marks {
			b.WriteString("    mark " + l.Text[m.Start:m.End] + "\n")
		}
	}
	goldie.New(t).Assert(t, "drift-lines", []byte(b.String()))
	if d.Diff != formatDiff(d.Lines) || !strings.HasPrefix(d.Diff, "@@ -1,5 +1,6 @@\n") {
		t.Errorf("Diff is not Lines as text:\n%s", d.Diff)
	}
}

// TestWordMarksLongLines: lines too long to align word by word are marked
// from their common prefix and suffix, in bounded time and memory.
func TestWordMarksLongLines(t *testing.T) {
	a := strings.Repeat("word ", 2000) + "old " + strings.Repeat("tail ", 10)
	b := strings.Repeat("word ", 2000) + "new " + strings.Repeat("tail ", 10)
	ma, mb := wordMarks(a, b)
	if len(ma) != 1 || a[ma[0].Start:ma[0].End] != "old" || len(mb) != 1 || b[mb[0].Start:mb[0].End] != "new" {
		t.Fatalf("marks %v %v", ma, mb)
	}
	got := LineChange{DiffLine{Text: a}, DiffLine{Text: b}}.WordDiff(10)
	if !strings.Contains(got, "[-old-]{+new+}") || len(got) > 80 {
		t.Errorf("WordDiff = %q", got)
	}
}
