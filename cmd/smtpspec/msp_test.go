package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

// An MSP's repository as the field tests use it: three customer sites in
// two spec files, each with its own secret (or none), against simulators
// on loopback, and a job environment per site that holds only that
// site's secrets, as the CI templates scope them.
type mspRepo struct {
	dir, specs, golden string
	jobs               map[string]map[string]string // site -> its job's environment
}

const (
	hqPassword      = "hq-Pa55-w0rd-only-in-hq-job"
	warehouseSecret = "warehouse-client-secret-only-in-its-job"
)

// mspSites: hq-mfp (SMTP AUTH LOGIN, password), branch-ds (Direct Send, no
// secret) and warehouse-oauth (XOAUTH2 with a client secret, from a token
// endpoint on loopback).
func newMSPRepo(t *testing.T) *mspRepo {
	t.Helper()
	dir := t.TempDir()
	r := &mspRepo{dir: dir, specs: filepath.Join(dir, "specs"), golden: filepath.Join(dir, "golden")}
	if err := os.MkdirAll(r.specs, 0o755); err != nil {
		t.Fatal(err)
	}
	subAddr, subCA := startScenario(t, "submission-ok")
	dsAddr, dsCA := startScenario(t, "directsend-ok")
	tokens := tokenserver.NewServer(tokenserver.App, warehouseSecret, tokenserver.Mint(tokenserver.AppOnly(time.Now())))
	t.Cleanup(tokens.Close)

	hq := siteSpec("hq-mfp", "submission", subAddr, subCA, "starttls", `  auth {
    username = "scanner@contoso.com"
    password = env("HQ_MFP_SMTP_PASSWORD")
  }
`)
	branch := siteSpec("branch-ds", "direct_send", dsAddr, dsCA, "starttls", "")
	warehouse := siteSpec("warehouse-oauth", "submission", subAddr, subCA, "starttls", `  client {
    helo = "mfp.contoso.com"
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "warehouse-scanner@contoso.com"
    oauth {
      tenant_id     = "`+tokenserver.Tenant+`"
      client_id     = "`+tokenserver.App+`"
      client_secret = env("WAREHOUSE_CLIENT_SECRET")
      token_url     = "`+tokens.TokenURL()+`"
    }
  }
  envelope {
    from = "warehouse-scanner@contoso.com"
    to   = ["orders@contoso.com"]
  }
`)
	r.write(t, "hq.hcl", hq)
	r.write(t, "branches.hcl", branch+"\n"+warehouse)
	cache := t.TempDir()
	job := func(kv ...string) map[string]string {
		m := map[string]string{"CI": "true", "SMTPSPEC_CACHE_DIR": cache}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	r.jobs = map[string]map[string]string{
		"hq-mfp":          job("HQ_MFP_SMTP_PASSWORD", hqPassword),
		"branch-ds":       job(),
		"warehouse-oauth": job("WAREHOUSE_CLIENT_SECRET", warehouseSecret),
	}
	return r
}

func (r *mspRepo) write(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(r.specs, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// job runs the CLI with site's job environment (plus extra variables).
func (r *mspRepo) job(t *testing.T, site string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, testGetenv(r.jobs[site]), append(args, "--golden", r.golden)...)
}

// everyone is an environment with every site's secrets, as on an
// engineer's laptop.
func (r *mspRepo) everyone() func(string) string {
	all := map[string]string{}
	for _, env := range r.jobs {
		for k, v := range env {
			all[k] = v
		}
	}
	delete(all, "CI")
	return testGetenv(all)
}

func (r *mspRepo) pending(site string) string { return filepath.Join(r.golden, site+".golden.new") }
func (r *mspRepo) goldenOf(site string) string {
	return filepath.Join(r.golden, site+".golden")
}

// mustContain fails unless s has every want.
func mustContain(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
