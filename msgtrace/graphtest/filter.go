package graphtest

import (
	"fmt"
	"strings"
	"time"
)

// filter is a parsed $filter: the clauses List messageTraces documents,
// joined by "and".
type filter struct {
	from, to       time.Time
	eq             map[string]string // property (lower case) -> value
	contains       []string          // contains(subject, '...')
	startsWith     []string
	hasFrom, hasTo bool
}

// parseFilter reads s the way Graph documents it: receivedDateTime needs
// both bounds (ge and le), at most 10 days apart, starting within 90 days
// and ending no later than now; without it, the last 48 hours.
func parseFilter(s string, now time.Time) (*filter, error) {
	f := &filter{eq: map[string]string{}, from: now.Add(-48 * time.Hour), to: now}
	if strings.TrimSpace(s) == "" {
		return f, nil
	}
	for _, c := range splitAnd(s) {
		if err := f.clause(strings.TrimSpace(c)); err != nil {
			return nil, err
		}
	}
	switch {
	case f.hasFrom != f.hasTo:
		return nil, fmt.Errorf("Invalid filter: receivedDateTime needs both bounds, ge and le.")
	case f.to.Sub(f.from) > 10*24*time.Hour:
		return nil, fmt.Errorf("Invalid filter: the receivedDateTime interval must not exceed 10 days.")
	case f.from.Before(now.Add(-90 * 24 * time.Hour)):
		return nil, fmt.Errorf("Invalid filter: the start date must not be more than 90 days ago.")
	case f.to.After(now.Add(time.Second)):
		return nil, fmt.Errorf("Invalid filter: the end date must not be later than the current date.")
	}
	return f, nil
}

// splitAnd splits on " and " outside quotes.
func splitAnd(s string) []string {
	var out []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			inQuote = !inQuote
		case !inQuote && strings.HasPrefix(strings.ToLower(s[i:]), " and "):
			out = append(out, s[start:i])
			start = i + len(" and ")
			i += len(" and ") - 1
		}
	}
	return append(out, s[start:])
}

func (f *filter) clause(c string) error {
	lower := strings.ToLower(c)
	for _, fn := range []string{"contains(", "startswith("} {
		if !strings.HasPrefix(lower, fn) || !strings.HasSuffix(c, ")") {
			continue
		}
		prop, lit, ok := strings.Cut(c[len(fn):len(c)-1], ",")
		v, okLit := unquote(strings.TrimSpace(lit))
		if !ok || !strings.EqualFold(strings.TrimSpace(prop), "subject") || !okLit {
			return fmt.Errorf("Invalid filter clause: %s", c)
		}
		if fn == "contains(" {
			f.contains = append(f.contains, v)
		} else {
			f.startsWith = append(f.startsWith, v)
		}
		return nil
	}
	parts := strings.SplitN(c, " ", 3)
	if len(parts) != 3 {
		return fmt.Errorf("Invalid filter clause: %s", c)
	}
	prop, op, val := strings.ToLower(parts[0]), strings.ToLower(parts[1]), strings.TrimSpace(parts[2])
	if prop == "receiveddatetime" {
		t, err := time.Parse(time.RFC3339, val)
		if err != nil {
			return fmt.Errorf("Invalid filter: %q is not an ISO 8601 date and time.", val)
		}
		switch op {
		case "ge":
			f.from, f.hasFrom = t, true
		case "le":
			f.to, f.hasTo = t, true
		default:
			return fmt.Errorf("Invalid filter: receivedDateTime supports ge and le only.")
		}
		return nil
	}
	switch prop {
	case "id", "messageid", "status", "recipientaddress", "senderaddress", "fromip", "toip":
	default:
		return fmt.Errorf("Invalid filter: property %s is not supported.", parts[0])
	}
	v, ok := unquote(val)
	if op != "eq" || !ok {
		return fmt.Errorf("Invalid filter: %s supports eq with a quoted string only.", parts[0])
	}
	f.eq[prop] = v
	return nil
}

func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), true
}

func (f *filter) match(t Trace) bool {
	if t.Received.Before(f.from) || t.Received.After(f.to) {
		return false
	}
	props := map[string]string{"id": t.ID, "messageid": t.MessageID, "status": t.Status,
		"recipientaddress": t.Recipient, "senderaddress": t.Sender, "fromip": t.FromIP, "toip": t.ToIP}
	for k, v := range f.eq {
		if !strings.EqualFold(props[k], v) {
			return false
		}
	}
	for _, v := range f.contains {
		if !strings.Contains(strings.ToLower(t.Subject), strings.ToLower(v)) {
			return false
		}
	}
	for _, v := range f.startsWith {
		if !strings.HasPrefix(strings.ToLower(t.Subject), strings.ToLower(v)) {
			return false
		}
	}
	return true
}
