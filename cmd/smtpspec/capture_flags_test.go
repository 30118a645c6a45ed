package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCaptureUsage: bad flags are refused before anything listens, each
// with what to do; the listener's own failures say why.
func TestCaptureUsage(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.hcl")
	os.WriteFile(exists, []byte("# mine\n"), 0o644)
	junk := filepath.Join(dir, "junk-ca.pem")
	os.WriteFile(junk, []byte("not a CA"), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--persona", "hybrid"}, "--persona"},
		{[]string{"--tls", "ssl"}, "--tls"},
		{[]string{"--format", "xml"}, "--format"},
		{[]string{"--site", "bad name"}, "--site"},
		{[]string{"--cert", "c.pem"}, "go together"},
		{[]string{"--out", exists}, "exists"},
		{[]string{"--out", filepath.Join(dir, "missing", "x.hcl")}, "does not exist"},
		{[]string{"--expect-password-env", "NOT_SET"}, "not set"},
		{[]string{"--ca", junk}, "--ca"},
		{[]string{"--listen", busy.Addr().String()}, "another mail server"},
		{[]string{"--connections", "0"}, "positive"},
		{[]string{"stray"}, "unexpected argument"},
	}
	for _, tc := range cases {
		code, _, errs := runCLI(t, captureEnv, append([]string{"capture"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("capture %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, code, errs, tc.want)
		}
	}
	if b, _ := os.ReadFile(exists); string(b) != "# mine\n" {
		t.Errorf("an existing --out was touched")
	}
}

// TestCaptureNoDevice: nobody connects before --timeout: exit 1, the
// report says so, and no spec is written.
func TestCaptureNoDevice(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.hcl")
	code, stdout, errs := runCLI(t, captureEnv, "capture", "--listen", "127.0.0.1:0", "--timeout", "200ms", "--out", out)
	if code != exitFail || !strings.Contains(stdout, "no-connection") || !strings.Contains(errs, "not written") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a spec was written without a device")
	}
}

// TestCaptureKeepsItsCA: --ca creates the CA once (0600, key included)
// and reuses it, so a device that trusts it keeps trusting it.
func TestCaptureKeepsItsCA(t *testing.T) {
	dir := t.TempDir()
	caFile, out1, out2 := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "1.crt"), filepath.Join(dir, "2.crt")
	for _, out := range []string{out1, out2} {
		if code, _, errs := runCLI(t, captureEnv, "capture", "--listen", "127.0.0.1:0", "--timeout", "50ms", "--ca", caFile, "--ca-out", out); code != exitFail {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	info, err := os.Stat(caFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the kept CA: %v, mode %v", err, info.Mode())
	}
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	if len(a) == 0 || string(a) != string(b) || strings.Contains(string(a), "PRIVATE KEY") {
		t.Errorf("--ca-out differs between runs, is empty or holds the key")
	}
}

// TestCaptureOwnCertificate: --cert/--key present the customer's own
// certificate, so a device that trusts it completes its handshake.
func TestCaptureOwnCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "relay.pem"), filepath.Join(dir, "relay.key")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "smtp.contoso.com"}, DNSNames: []string{"smtp.contoso.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	lc := startCapture(t, "--format", "json", "--cert", certFile, "--key", keyFile)
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+lc.port, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	readReply := func() {
		for i := 0; i < 20; i++ {
			if l, err := r.ReadString('\n'); err != nil || len(l) < 4 || l[3] != '-' {
				return
			}
		}
	}
	readReply()
	c.Write([]byte("EHLO trusting-mfp\r\n"))
	readReply()
	c.Write([]byte("STARTTLS\r\n"))
	readReply()
	roots := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(der)
	roots.AddCert(cert)
	tc := tls.Client(c, &tls.Config{ServerName: "smtp.contoso.com", RootCAs: roots})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("a device trusting the given certificate could not complete: %v", err)
	}
	tc.Write([]byte("QUIT\r\n")) // a device that leaves without a command looks like one that refused the certificate
	bufio.NewReader(tc).ReadString('\n')
	tc.Close()
	_, rep := lc.wait(t)
	if tls := rep.Connections[0].TLS; tls == nil || !tls.Completed || tls.CertRejected {
		t.Errorf("want a completed handshake, got %+v", tls)
	}
}
