package forecast

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/report"
)

// Format is one forecast report format (forecast --format NAME).
type Format struct {
	Name  string
	Write func(w io.Writer, fc *Forecast, meta report.Run) error
}

// Formats lists every forecast format, the default first: a new format
// is a writer in its own file and a row here.
var Formats = []Format{
	{"human", WriteHuman},
	{"json", WriteJSON},
	{"markdown", WriteMarkdown},
	{"html", WriteHTML},
}

// FormatNames are the names of Formats, in order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// FormatNamed returns format name's writer.
func FormatNamed(name string) (Format, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown --format %q (%s)", name, strings.Join(FormatNames(), ", "))
}
