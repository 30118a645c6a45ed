//go:build !windows

package main

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeReloadsOnSIGHUP: a site added to the specs is served after
// SIGHUP, as after `systemctl reload`.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	writeSpec(t, dir, "directsend-ok", "direct_send", addr, ca, "starttls", "")
	base, stderr, stop := startServe(t, testGetenv(nil), dir)
	defer stop()
	if code, _ := httpGet(t, base+"/probe?target=relay-ok"); code != http.StatusBadRequest {
		t.Fatalf("relay-ok served before it was added: %d", code)
	}
	raddr, rca := startScenario(t, "relay-ok")
	writeSpec(t, dir, "relay-ok", "relay", raddr, rca, "starttls", "")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for range 500 {
		if strings.Contains(stderr.String(), "reloaded on signal") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body := httpGet(t, base+"/probe?target=relay-ok"); code != 200 {
		t.Errorf("relay-ok not served after SIGHUP: %d %s\n%s", code, body, stderr.String())
	}
}
