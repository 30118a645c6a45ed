package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/oauth"
	"github.com/smtpspec/smtpspec/transcript"
)

// Each typed error the probe meets gets its reason at the boundary; the
// diagnosis reads nothing else (checks/noreply.go, checks/trace.go).
func TestReasons(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	graph := func(status int) error { return &msgtrace.GraphError{Status: status} }
	cases := []struct {
		name string
		got  transcript.Reason
		want transcript.Reason
	}{
		{"not TLS", handshakeReason(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", Conn: a}), transcript.NotTLS},
		{"oversized record", handshakeReason(tls.RecordHeaderError{Msg: "oversized record received with length 20000"}), 0},
		{"alert protocol_version", handshakeReason(&net.OpError{Op: "remote error", Err: tls.AlertError(70)}), transcript.TLSVersion},
		{"another alert", handshakeReason(&net.OpError{Op: "remote error", Err: tls.AlertError(40)}), 0},
		{"version the client lacks", handshakeReason(errors.New("tls: server selected unsupported protocol version 301")), transcript.TLSVersion},
		{"no version in range", handshakeReason(errors.New("tls: no supported versions satisfy MinVersion and MaxVersion")), transcript.TLSVersion},
		{"unknown authority", certReason(x509.UnknownAuthorityError{}), transcript.Certificate | transcript.UnknownAuthority},
		{"host name", certReason(x509.HostnameError{Host: "40.99.1.1", Certificate: &x509.Certificate{}}), transcript.Certificate | transcript.WrongName},
		{"expired", certReason(x509.CertificateInvalidError{Reason: x509.Expired}), transcript.Certificate | transcript.Expired},
		{"other invalid", certReason(x509.CertificateInvalidError{Reason: x509.NotAuthorizedToSign}), transcript.Certificate},
		{"graph 401", traceReason(fmt.Errorf("events: %w", graph(401))), transcript.GraphUnauthorized},
		{"graph 403", traceReason(graph(403)), transcript.GraphForbidden},
		{"graph 429 after retries", traceReason(fmt.Errorf("still throttled after 3 retries: %w", graph(429))), transcript.Throttled},
		{"past the wait", traceReason(&msgtrace.ThrottledError{Graph: &msgtrace.GraphError{Status: 429}}), transcript.Throttled},
		{"quota", traceReason(&msgtrace.QuotaError{Max: 100}), transcript.Throttled},
		{"no graph token", traceReason(&msgtrace.TokenError{Err: &oauth.TokenError{Status: 401, Code: "invalid_client"}}), transcript.NoGraphToken},
		{"graph 500", traceReason(graph(500)), 0},
		{"AADSTS", tokenReason(&oauth.TokenError{Status: 401, Code: "invalid_client", AADSTS: "AADSTS7000215"}), transcript.TokenRefused},
		{"token endpoint unreachable", tokenReason(&oauth.TokenError{Err: errors.New("dial tcp: no route to host")}), 0},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: reason %b, want %b", tc.name, tc.got, tc.want)
		}
	}
}
