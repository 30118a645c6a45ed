package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/smtpspec/smtpspec/capture"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/atomicfile"
)

// announce says where to point the device. A wildcard listener lists this
// machine's addresses, since the device needs a concrete one.
func announce(e env, cf captureFlags, addr net.Addr) {
	endpoint := "smtp.office365.com"
	if cf.persona == string(capture.MX) {
		endpoint = "the tenant's MX (<tenant>.mail.protection.outlook.com)"
	}
	tcp, _ := addr.(*net.TCPAddr)
	where := addr.String()
	if tcp != nil && tcp.IP.IsUnspecified() {
		where = strings.Join(localAddrs(tcp.Port), " or ")
	}
	fmt.Fprintf(e.stderr, "smtpspec capture: playing %s (persona %s, TLS %s) on %s\n", endpoint, cf.persona, cf.tlsMode, addr)
	fmt.Fprintf(e.stderr, "smtpspec capture: point the device's SMTP server at %s, then press its test button or scan once; the capture ends %s after the last connection (or after %s, or Ctrl-C)\n",
		where, cf.grace, cf.timeout)
	if tcp != nil && tcp.IP.IsLoopback() {
		fmt.Fprintf(e.stderr, "smtpspec capture: note: %s is loopback, reachable from this machine only; a printer on the LAN needs --listen <this machine's LAN address>:%d\n", addr, tcp.Port)
	}
}

// localAddrs are this machine's non-loopback addresses with port.
func localAddrs(port int) []string {
	var out []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
			out = append(out, net.JoinHostPort(ipn.IP.String(), fmt.Sprint(port)))
		}
	}
	if len(out) == 0 {
		return []string{fmt.Sprintf("this machine's address, port %d", port)}
	}
	return out
}

func bindHint(err error) string {
	if errors.Is(err, syscall.EACCES) {
		return " (ports below 1024 need root or CAP_NET_BIND_SERVICE; or listen on a port such as 2525 and set the device to it)"
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return " (another mail server listens there: stop it, or use another port)"
	}
	return ""
}

// writeCapturedSpec writes --out from the capture. The name and the
// secret variables follow init's: HQ_MFP_SMTP_PASSWORD for hq-mfp.
func writeCapturedSpec(e env, cf captureFlags, rep *capture.Report) int {
	if cf.out == "" {
		return exitOK
	}
	if len(rep.Connections) == 0 {
		errorf(e.stderr, "capture: no device connected: %s not written", cf.out)
		return exitFail
	}
	site := cf.site
	if site == "" {
		site = siteFromHelo(rep)
	}
	so := capture.SpecOptions{Site: site, PasswordEnv: secretName(site), TokenEnv: strings.TrimSuffix(secretName(site), "_PASSWORD") + "_TOKEN"}
	if cf.expectEnv != "" {
		so.PasswordEnv = cf.expectEnv
	}
	src, err := capture.Spec(rep, so)
	if err != nil {
		errorf(e.stderr, "capture: %s: %v", cf.out, err)
		return exitFail
	}
	if err := atomicfile.Write(cf.out, src); err != nil {
		// The device was captured once: the spec must not be lost with the file.
		errorf(e.stderr, "capture: %s not written: %v; the spec follows, to save by hand:\n%s", cf.out, err, src)
		return exitFail
	}
	fmt.Fprintf(e.stderr, "smtpspec capture: wrote %s (site %q); next:\n  smtpspec validate %s\n  smtpspec run %s --site %s   # with the secret in $%s\n",
		cf.out, site, cf.out, cf.out, site, so.PasswordEnv)
	return exitOK
}

// siteFromHelo names the site after the first label of the device's
// EHLO name (mfp-3f.contoso.local: mfp-3f).
func siteFromHelo(rep *capture.Report) string {
	for _, c := range rep.Connections {
		label, _, _ := strings.Cut(c.HeloName, ".")
		if siteName.MatchString(label) {
			return label
		}
	}
	return "captured-device"
}

// captureExit: 0 when a device was recorded and no finding is an error.
func captureExit(rep *capture.Report) int {
	if len(rep.Connections) == 0 {
		return exitFail
	}
	for _, f := range rep.Findings {
		if f.Severity == diagnosis.SevError {
			return exitFail
		}
	}
	return exitOK
}
