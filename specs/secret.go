package specs

// Secret is a value the spec names by reference (`env("NAME")`). Its
// String and GoString never show the value, so a Secret printed by
// accident (fmt, %v, %#v, a panic) leaks nothing.
type Secret struct {
	Env   string // the environment variable it came from
	value string
}

// NewSecret wraps a value read from the environment variable env.
func NewSecret(env, value string) Secret { return Secret{Env: env, value: value} }

// Reveal returns the value, for the one place that needs it: the wire.
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s.value != "" }

func (s Secret) String() string {
	if s.Env == "" {
		return "<unset>"
	}
	return "env(" + s.Env + ")"
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return s.String() }
