package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/capture"
	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/transcript"
)

// captureFlags are the flags of `smtpspec capture`.
type captureFlags struct {
	listen, persona, tlsMode, site, out, format, expectEnv string
	cert, key, ca, caOut                                   string
	timeout, grace                                         time.Duration
	connections                                            int
	force                                                  bool
}

// cmdCapture runs a one-shot Exchange Online look-alike for a device to
// send to, prints what it did and what Microsoft 365 would make of it,
// and writes its spec (--out). Exit 0: a device was recorded and nothing
// it does fails on Microsoft 365; 1: an error finding, or no device; 2:
// usage, or the capture could not listen.
func cmdCapture(ctx context.Context, e env, args []string) int {
	cf, code := parseCapture(e, args)
	if code >= 0 {
		return code
	}
	opts, err := captureOptions(e, cf)
	if err != nil {
		errorf(e.stderr, "capture: %v", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", cf.listen)
	if err != nil {
		errorf(e.stderr, "capture: %v%s", err, bindHint(err))
		return exitUsage
	}
	announce(e, cf, ln.Addr())
	rep, err := capture.Run(ctx, ln, opts)
	if err != nil {
		errorf(e.stderr, "capture: %v", err)
		return exitFail
	}
	if err := capture.Write(e.stdout, cf.format, rep); err != nil {
		errorf(e.stderr, "capture: writing the report: %v", err)
		return exitFail
	}
	if code := writeCapturedSpec(e, cf, rep); code != exitOK {
		return code
	}
	return captureExit(rep)
}

func parseCapture(e env, args []string) (captureFlags, int) {
	var cf captureFlags
	fs := newFlags("capture", "[--listen ADDR] [--persona submission|mx] [--tls starttls|implicit|none] [--site NAME] [--out FILE] "+
		"[--format human|json|markdown] [--expect-password-env NAME] [--cert FILE --key FILE] [--ca FILE] [--ca-out FILE] [--timeout D] [--grace D]", e)
	fs.StringVar(&cf.listen, "listen", "", "`ADDR` to listen on (default 127.0.0.1 on the persona's port: 587, or 25 for mx); a printer on the LAN needs this machine's LAN address, e.g. 192.168.1.10:587")
	fs.StringVar(&cf.persona, "persona", "submission", "which Exchange Online endpoint to play: submission (smtp.office365.com) or mx (the tenant's MX, Direct Send and relay)")
	fs.StringVar(&cf.tlsMode, "tls", "starttls", "starttls (as Microsoft 365), implicit (TLS on connect, for a device set to SSL/TLS) or none (no STARTTLS offered)")
	fs.StringVar(&cf.site, "site", "", "the site's `NAME` in the spec (default: from the device's EHLO name)")
	fs.StringVar(&cf.out, "out", "", "write the device's site spec to `FILE`")
	fs.BoolVar(&cf.force, "force", false, "overwrite --out if it exists")
	fs.StringVar(&cf.format, "format", "human", "report format: "+strings.Join(capture.Formats, ", "))
	fs.StringVar(&cf.expectEnv, "expect-password-env", "", "compare each password the device sends with the mailbox password in environment variable `NAME` (constant time; never shown)")
	fs.StringVar(&cf.cert, "cert", "", "present this certificate chain (PEM `FILE`) instead of one from the capture's CA")
	fs.StringVar(&cf.key, "key", "", "the private key (PEM `FILE`) of --cert")
	fs.StringVar(&cf.ca, "ca", "", "keep the capture's CA (certificate and key) in `FILE`: created if missing, reused after, so a device that trusts it goes on trusting it")
	fs.StringVar(&cf.caOut, "ca-out", "", "write the capture CA's certificate (PEM) to `FILE`, to install on a device that verifies certificates")
	fs.DurationVar(&cf.timeout, "timeout", capture.DefaultTimeout, "end the capture after this long whatever happens")
	fs.DurationVar(&cf.grace, "grace", capture.DefaultGrace, "end this long after the last connection closed (devices often test-connect, then send)")
	fs.IntVar(&cf.connections, "connections", capture.DefaultConnections, "record at most `N` connections, then end")
	rest, err := parse(fs, args)
	if err != nil {
		return cf, flagExit(e, fs, err)
	}
	if len(rest) > 0 {
		errorf(e.stderr, "capture: unexpected argument %q", rest[0])
		return cf, exitUsage
	}
	if err := checkCaptureFlags(&cf); err != nil {
		errorf(e.stderr, "capture: %v", err)
		return cf, exitUsage
	}
	return cf, -1
}

func checkCaptureFlags(cf *captureFlags) error {
	p := capture.Persona(cf.persona)
	switch {
	case p != capture.Submission && p != capture.MX:
		return fmt.Errorf("--persona %q: submission or mx", cf.persona)
	case !slices.Contains(transcript.Names(transcript.TLSModes), cf.tlsMode):
		return fmt.Errorf("--tls %q: starttls, implicit or none", cf.tlsMode)
	case !slices.Contains(capture.Formats, cf.format):
		return fmt.Errorf("--format %q: %s", cf.format, strings.Join(capture.Formats, ", "))
	case cf.site != "" && !siteName.MatchString(cf.site):
		return fmt.Errorf("--site %q: use letters, digits, '-', '_' and '.', like hq-mfp-3f", cf.site)
	case (cf.cert == "") != (cf.key == ""):
		return errors.New("--cert and --key go together")
	case cf.cert != "" && (cf.ca != "" || cf.caOut != ""):
		return errors.New("--cert/--key present your own certificate: --ca and --ca-out are for the capture's CA")
	case cf.timeout <= 0 || cf.grace < 0 || cf.connections <= 0:
		return errors.New("--timeout and --connections must be positive, --grace not negative")
	}
	// --out is checked now, so that a capture is not lost at the end.
	if cf.out != "" {
		if _, err := os.Stat(cf.out); err == nil && !cf.force {
			return fmt.Errorf("--out %s exists; use --force to overwrite it", cf.out)
		}
		if info, err := os.Stat(filepath.Dir(cf.out)); err != nil || !info.IsDir() {
			return fmt.Errorf("--out %s: its folder %s does not exist", cf.out, filepath.Dir(cf.out))
		}
	}
	if cf.listen == "" {
		port := 587
		if p == capture.MX {
			port = 25
		}
		cf.listen = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}
	return nil
}

// captureOptions reads the certificate, the CA and the expected password.
func captureOptions(e env, cf captureFlags) (capture.Options, error) {
	opts := capture.Options{
		Persona: capture.Persona(cf.persona), TLSMode: transcript.TLSMode(cf.tlsMode),
		Timeout: cf.timeout, Grace: max(cf.grace, time.Millisecond), Connections: cf.connections,
		Logf: func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) },
	}
	if cf.expectEnv != "" {
		v := e.getenv(cf.expectEnv)
		if v == "" {
			return opts, fmt.Errorf("--expect-password-env %s: the variable is not set (an empty password is not compared)", cf.expectEnv)
		}
		opts.ExpectedPassword, opts.ExpectedEnv = []byte(v), cf.expectEnv
	}
	if cf.cert != "" {
		c, err := tls.LoadX509KeyPair(cf.cert, cf.key)
		if err != nil {
			return opts, fmt.Errorf("--cert/--key: %v", err)
		}
		opts.Certificate = &c
		return opts, nil
	}
	ca, err := loadOrCreateCA(cf.ca)
	if err != nil {
		return opts, err
	}
	opts.CA = ca
	if cf.caOut != "" {
		if err := atomicfile.Write(cf.caOut, ca.CertPEM); err != nil {
			return opts, fmt.Errorf("--ca-out: %v", err)
		}
	}
	return opts, nil
}

// loadOrCreateCA reads the CA kept in path, or makes one and keeps it
// there (0600: it holds the CA's key). "" makes one for this run only.
func loadOrCreateCA(path string) (*capture.CA, error) {
	if path == "" {
		return capture.NewCA(time.Now())
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		ca, err := capture.LoadCA(data)
		if err != nil {
			return nil, fmt.Errorf("--ca %s: %v", path, err)
		}
		return ca, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--ca: %v", err)
	}
	ca, err := capture.NewCA(time.Now())
	if err != nil {
		return nil, err
	}
	pem, err := ca.PEM()
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteMode(path, pem, 0o600); err != nil {
		return nil, fmt.Errorf("--ca: %v", err)
	}
	return ca, nil
}
