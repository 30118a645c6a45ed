package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCorpora feeds every labelled text (testdata/corpus: the team's
// development set; testdata/extra: more real pastes, labelled from the
// text and FACTS.md; testdata/seta: round 2's held-out set A;
// testdata/variants: texts written to test each rule in other shapes;
// testdata/setc: round 3's study set C; testdata/setd: round 3's blind set D, studied in round 4; testdata/sete, setb, setf to setx: blind sets E, B and F to X, studied by the lead after each was scored; X holds other providers' texts)
// without its header lines through the path of `smtpspec explain
// --format json --transcript FILE`, and checks the JSON verdict's
// category and stage against the labels. Every scored case must pass.
func TestCorpora(t *testing.T) {
	for _, dir := range []string{"testdata/corpus", "testdata/extra", "testdata/seta", "testdata/variants", "testdata/setc", "testdata/setd", "testdata/sete", "testdata/setb", "testdata/setf", "testdata/setg", "testdata/seth", "testdata/seti", "testdata/setj", "testdata/setk", "testdata/setl", "testdata/setm", "testdata/setn", "testdata/seto", "testdata/setp", "testdata/setq", "testdata/setr", "testdata/sets", "testdata/sett", "testdata/setu", "testdata/setv", "testdata/setw", "testdata/setx"} {
		cases := readLabels(t, dir)
		if len(cases) == 0 {
			t.Fatalf("%s: no labelled cases", dir)
		}
		for _, c := range cases {
			t.Run(filepath.Base(dir)+"/"+c.file, func(t *testing.T) {
				src, err := os.ReadFile(filepath.Join(dir, c.file))
				if err != nil {
					t.Fatal(err)
				}
				doc := explainJSON(t, stripHeader(string(src)))
				if !slices.Contains(c.categories, doc.Verdict.Category) {
					t.Errorf("category %q, want one of %v\nsummary: %s", doc.Verdict.Category, c.categories, doc.Verdict.Summary)
				}
				if !c.anyStage && !slices.Contains(c.stages, doc.Verdict.Stage) {
					t.Errorf("stage %q, want one of %v\nsummary: %s", doc.Verdict.Stage, c.stages, doc.Verdict.Summary)
				}
			})
		}
	}
}

// labelled is one row of a corpus's labels.tsv.
type labelled struct {
	file               string
	categories, stages []string
	anyStage           bool
}

func readLabels(t *testing.T, dir string) []labelled {
	f, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || strings.HasPrefix(cols[0], "#") || cols[3] != "yes" {
			continue
		}
		st := strings.Split(cols[2], ",")
		out = append(out, labelled{file: cols[0], categories: strings.Split(cols[1], ","), stages: st, anyStage: slices.Contains(st, "*")})
	}
	return out
}

// stripHeader drops the corpus header lines, which name the answer.
func stripHeader(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if isHeader(l) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func isHeader(l string) bool {
	for _, p := range []string{"# Source:", "# Method:", "# Stated root cause:", "# Notes:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// jsonDoc is the part of the JSON document the scoring reads.
type jsonDoc struct {
	Verdict struct {
		Category string `json:"category"`
		Stage    string `json:"stage"`
		Summary  string `json:"summary"`
	} `json:"verdict"`
}

// explainJSON runs the text the way the CLI's --format json does.
func explainJSON(t *testing.T, text string) jsonDoc {
	t.Helper()
	res, _ := Transcript(text)
	var b bytes.Buffer
	if err := WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(b.Bytes()) || bytes.Contains(b.Bytes(), []byte(`\ufffd`)) && !strings.Contains(text, "\ufffd") {
		t.Errorf("the JSON output holds a broken character (a text cut inside a UTF-8 sequence):\n%s", b.Bytes())
	}
	var h bytes.Buffer
	if err := WriteText(&h, res); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(h.Bytes()) && utf8.ValidString(text) {
		t.Errorf("the text output holds a broken character (a text cut inside a UTF-8 sequence):\n%s", h.Bytes())
	}
	var doc jsonDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
