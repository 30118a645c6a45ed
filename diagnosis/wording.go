package diagnosis

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// expand fills the placeholders of a rule's text for failure f:
//
//	<NAME>       the name the probe resolves (host, or "contoso.com (MX)")
//	<ENDPOINT>   where it connects ("smtp.office365.com:587")
//	<PORT>       the port ("the port" when unknown: "TCP <PORT>" then
//	             reads "TCP", "port <PORT>" reads "the port")
//	<STAGE>      the failing stage
//	<CMD>        what the probe sent at that stage ("RCPT TO")
//	<WHAT>       what happened to the connection, from the error kind
//	<DEVICE_TLS> the device's TLS versions
func (sc *scene) expand(s string, f transcript.StageResult) string {
	if !strings.Contains(s, "<") {
		return s
	}
	port := []string{"<PORT>", strconv.Itoa(sc.in.Port)}
	if sc.in.Port <= 0 { // unknown (explain of a capture that names none): never "0"
		port = []string{"TCP <PORT>", "TCP", "port <PORT>", "the port", "<PORT>", "the port"}
	}
	return strings.NewReplacer(append(port,
		"<NAME>", sc.name(),
		"<ENDPOINT>", sc.endpoint(),
		"<STAGE>", string(f.Stage),
		"<CMD>", f.Stage.CommandWords(),
		"<WHAT>", sc.what(f),
		"<DEVICE_TLS>", deviceTLS(sc.in.TLSMin, sc.in.TLSMax))...,
	).Replace(s)
}

// name is the DNS name the probe looks up.
func (sc *scene) name() string {
	switch {
	case sc.in.Host != "":
		return sc.in.Host
	case sc.in.MXDomain != "":
		return sc.in.MXDomain + " (MX)"
	case sc.t.Target != "":
		if h, _, err := net.SplitHostPort(sc.t.Target); err == nil {
			return h
		}
		return sc.t.Target
	}
	return "the endpoint"
}

// endpoint is where the probe connects, as the spec names it.
func (sc *scene) endpoint() string {
	switch {
	case sc.in.Host != "" && sc.in.Port != 0:
		return net.JoinHostPort(sc.in.Host, strconv.Itoa(sc.in.Port))
	case sc.in.MXDomain != "" && sc.in.Port != 0:
		return "the MX of " + sc.in.MXDomain + " on port " + strconv.Itoa(sc.in.Port)
	case sc.t.Target != "":
		return sc.t.Target
	}
	return sc.name()
}

// what says what happened to the connection, by error kind.
func (sc *scene) what(f transcript.StageResult) string {
	kind := transcript.Kind("")
	if f.Err != nil {
		kind = f.Err.Kind
	}
	switch kind {
	case transcript.KindRefused:
		return "the connection to " + sc.endpoint() + " was refused"
	case transcript.KindTimeout:
		return "the connection to " + sc.endpoint() + " timed out"
	case transcript.KindUnreachable:
		return "there is no route to " + sc.endpoint()
	case transcript.KindReset:
		return "the connection was reset"
	case transcript.KindClosed:
		return "the connection was closed"
	}
	return "the connection to " + sc.endpoint() + " failed"
}

// deviceTLS words the device's TLS range.
func deviceTLS(min, max uint16) string {
	switch {
	case min == 0 && max == 0:
		return "its default TLS versions (the spec names none)"
	case min == max:
		return tls.VersionName(min) + " only"
	case min == 0:
		return "up to " + tls.VersionName(max)
	case max == 0:
		return tls.VersionName(min) + " or later"
	}
	return tls.VersionName(min) + " to " + tls.VersionName(max)
}
