package reputation

import (
	"fmt"
	"strings"
)

// expand expands the SPF macros of a domain-spec (RFC 7208 section 7):
// %{s} %{l} %{o} %{d} %{i} %{v} %{h} with an optional digit count, "r"
// to reverse, and delimiters; "%%", "%_" and "%-".
func (e *spfEval) expand(spec, domain string) (string, error) {
	if !strings.Contains(spec, "%") {
		return spec, nil
	}
	var b strings.Builder
	for i := 0; i < len(spec); i++ {
		if spec[i] != '%' {
			b.WriteByte(spec[i])
			continue
		}
		if i+1 >= len(spec) {
			return "", fmt.Errorf("macro %q ends with %%", spec)
		}
		i++
		switch spec[i] {
		case '%':
			b.WriteByte('%')
		case '_':
			b.WriteByte(' ')
		case '-':
			b.WriteString("%20")
		case '{':
			end := strings.IndexByte(spec[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("macro %q is not closed", spec)
			}
			v, err := e.macro(spec[i+1:i+end], domain)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += end
		default:
			return "", fmt.Errorf("macro %q: unknown %%%c", spec, spec[i])
		}
	}
	return b.String(), nil
}

// macro expands one %{...} body: letter, digits, "r", delimiters.
func (e *spfEval) macro(body, domain string) (string, error) {
	if body == "" {
		return "", fmt.Errorf("empty macro")
	}
	local, senderDomain, _ := strings.Cut(e.sender, "@")
	var v string
	switch body[0] | 0x20 {
	case 's':
		v = e.sender
	case 'l':
		v = local
	case 'o':
		v = senderDomain
	case 'd', 'h':
		v = domain
	case 'i':
		v = ReverseName(e.ip)
		v = strings.Join(reverse(strings.Split(v, ".")), ".")
	case 'v':
		v = "in-addr"
		if e.ip.To4() == nil {
			v = "ip6"
		}
	default:
		return "", fmt.Errorf("macro letter %q is not supported", body[0])
	}
	rest := body[1:]
	digits := 0
	for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
		digits = digits*10 + int(rest[0]-'0')
		rest = rest[1:]
	}
	rev := len(rest) > 0 && (rest[0]|0x20) == 'r'
	if rev {
		rest = rest[1:]
	}
	delims := rest
	if delims == "" {
		delims = "."
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(delims, r) })
	if rev {
		parts = reverse(parts)
	}
	if digits > 0 && digits < len(parts) {
		parts = parts[len(parts)-digits:]
	}
	return strings.Join(parts, "."), nil
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}
