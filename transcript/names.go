package transcript

// Names spells a list of string-typed words (methods, TLS modes,
// mechanisms) as plain strings, for messages and flag checks.
func Names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}
