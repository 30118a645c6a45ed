package specs

import "github.com/hashicorp/hcl/v2"

// The schema of spec language v1. Attribute and block names are a public
// interface: specs in customers' repositories use them. Nothing is marked
// Required here: the decoder reports missing items itself, with a message
// that says what to write.

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "site", LabelNames: []string{"name"}}, {Type: "defaults"}},
}

var siteSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "method"}, {Name: "customer"}, {Name: "tags"}}, // labels.go: customer, tags
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "endpoint"},
		{Type: "client"},
		{Type: "auth"},
		{Type: "envelope"},
		{Type: "timeouts"},
		{Type: "dns"},
		{Type: "reputation"},
		{Type: "expect", LabelNames: []string{"stage"}},
		{Type: "golden"},  // golden.go
		{Type: "control"}, // control.go
		{Type: "trace"},   // trace.go
	},
}

var endpointSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "host"}, {Name: "mx_domain"}, {Name: "port"}, {Name: "tls"},
		{Name: "server_name"}, {Name: "ca_file"}, {Name: "insecure_skip_verify"},
	},
}

var clientSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "helo"}, {Name: "tls_min"}, {Name: "tls_max"}, {Name: "auth_mechanisms"},
		{Name: "certificate"}, {Name: "key"}, // client_cert.go
		{Name: "pipelining"}, // runner/pipeline.go
		{Name: "greeting"},   // "EHLO" (default) or "HELO": client_greeting.go
	},
}

var authSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "mechanism"}, {Name: "username"}, {Name: "password"}, {Name: "token"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "oauth"}}, // oauth.go
}

var envelopeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "from"}, {Name: "to"}, {Name: "send_message"}, {Name: "message_size"}},
}

var timeoutsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "connect"}, {Name: "command"}, {Name: "total"}},
}

var expectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "code"}, {Name: "enhanced"}, {Name: "text"}, {Name: "capabilities"},
		{Name: "error"}, {Name: "version_min"}, {Name: "cert_days_min"},
		{Name: "mx"}, {Name: "addresses"},
		{Name: "status"}, // trace.go
	},
}
