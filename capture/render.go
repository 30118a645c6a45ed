package capture

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the report formats (--format).
var Formats = []string{"human", "json", "markdown"}

// Write writes rep in format.
func Write(w io.Writer, format string, rep *Report) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false) // "&" stays "&" in a password property
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "markdown":
		return writeMarkdown(w, rep)
	case "human", "":
		return writeHuman(w, rep)
	}
	return fmt.Errorf("unknown format %q (%s)", format, strings.Join(Formats, ", "))
}

func writeHuman(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	ew.printf("%s\n%s\n", summary(rep), acceptsAny)
	for _, c := range rep.Connections {
		ew.printf("\n%s\n", connTitle(c))
		for _, r := range connRows(c) {
			ew.printf("  %-14s %s\n", r.label, r.value)
		}
	}
	ew.printf("\nFindings\n")
	for _, f := range rep.Findings {
		ew.printf("  %-8s %s: %s\n", strings.ToUpper(string(f.Severity)), f.ID, f.Text)
		if f.Fix != "" {
			ew.printf("  %-8s fix: %s\n", "", f.Fix)
		}
		if f.LearnMore != "" {
			ew.printf("  %-8s learn more: %s\n", "", f.LearnMore)
		}
	}
	return ew.err
}

func writeMarkdown(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	ew.printf("# smtpspec capture\n\n%s.\n\n%s\n", md(summary(rep)), acceptsAny)
	for _, c := range rep.Connections {
		ew.printf("\n## %s\n\n| | |\n|---|---|\n", md(connTitle(c)))
		for _, r := range connRows(c) {
			ew.printf("| %s | %s |\n", md(r.label), md(r.value))
		}
	}
	ew.printf("\n## Findings\n\n| severity | finding | fix |\n|---|---|---|\n")
	for _, f := range rep.Findings {
		fix := md(f.Fix)
		if f.LearnMore != "" {
			fix += " ([learn more](" + f.LearnMore + "))"
		}
		ew.printf("| %s | **%s**: %s | %s |\n", f.Severity, f.ID, md(f.Text), fix)
	}
	return ew.err
}

// md escapes a table cell: pipes, and characters Markdown would read as
// markup (a device-chosen name must not become a link or HTML).
// Underscores stay: GitHub's Markdown does not read TLS_AES_128 as
// emphasis, and a cipher suite name must stay copyable.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "`", "\\`", "[", `\[`, "]", `\]`, "\n", " ")
	return r.Replace(s)
}

// errWriter keeps the first write error, so a full disk is reported.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
