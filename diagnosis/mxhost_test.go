package diagnosis

import (
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
)

// TestMicrosoftMX: domains added after 1 July 2026 get *.mx.microsoft MX
// hosts (FACTS.md section 0); they are Microsoft 365 wherever
// *.mail.protection.outlook.com is, and the HVE endpoint is not an MX.
func TestMicrosoftMX(t *testing.T) {
	cases := []struct {
		host     string
		mx, ms   bool // MicrosoftMX, microsoftHost
		endpoint string
	}{
		{"contoso-com.mail.protection.outlook.com", true, true, ""},
		{"contoso-com.mail.protection.outlook.com.", true, true, ""},
		{"contoso-com.r-v1.mx.microsoft", true, true, ""},
		{"CONTOSO-COM.R-V1.MX.MICROSOFT.", true, true, ""},
		{"smtp.hve.mx.microsoft", false, true, "hve"},
		{"smtp-hve.office365.com", false, true, "hve"},
		{"smtp.office365.com", false, true, ""},
		{"mx.microsoft.example.com", false, false, ""},
		{"mail.contoso.com", false, false, ""},
	}
	for _, tc := range cases {
		if got := catalog.MicrosoftMX(tc.host); got != tc.mx {
			t.Errorf("catalog.MicrosoftMX(%q) = %v, want %v", tc.host, got, tc.mx)
		}
		if got := tenantMXHost(tc.host); got != tc.mx {
			t.Errorf("tenantMXHost(%q) = %v, want %v", tc.host, got, tc.mx)
		}
		if got := catalog.MicrosoftHost(tc.host); got != tc.ms {
			t.Errorf("catalog.MicrosoftHost(%q) = %v, want %v", tc.host, got, tc.ms)
		}
		ep := knownEndpoint(tc.host)
		if name := endpointName(ep); name != tc.endpoint {
			t.Errorf("knownEndpoint(%q) = %q, want %q", tc.host, name, tc.endpoint)
		}
	}
}

func endpointName(ep *endpoint) string {
	if ep == nil {
		return ""
	}
	return ep.name
}
