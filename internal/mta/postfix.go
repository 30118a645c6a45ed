//go:build linux

package mta

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// PostfixConfig is what a private Postfix instance does.
type PostfixConfig struct {
	Hostname string // myhostname: the banner's and EHLO's name
	Banner   string // smtpd_banner after the host name
	Certs    *Certs // STARTTLS with this certificate; nil: no TLS
	// SASL is Dovecot's auth socket: AUTH (PLAIN, LOGIN) after STARTTLS
	// only (smtpd_tls_auth_only). "": no AUTH.
	SASL string
	// Domains are the accepted recipient domains (relay_domains); mail to
	// them goes to the discard transport.
	Domains []string
	// RecipientAccess maps an address or domain to a Postfix access
	// action such as "550 5.4.1 text" (check_recipient_access).
	RecipientAccess map[string]string
	// RelayAccess is checked for clients that did not authenticate, before
	// the relay check (smtpd_relay_restrictions): an action for a domain
	// here answers in place of Postfix's own "Relay access denied".
	RelayAccess map[string]string
	// ClientAccess maps a client address or CIDR to an action
	// (check_client_access, applied at RCPT TO as smtpd_delay_reject does).
	ClientAccess map[string]string
	// ClientCAFile makes smtpd ask every TLS client for a certificate
	// (smtpd_tls_ask_ccert) and verify it against these roots
	// (smtpd_tls_CAfile); "": no certificate is asked for. It needs Certs.
	ClientCAFile string
	// RelayCerts maps the SHA-256 fingerprint of a verified client
	// certificate (Fingerprint) to an access action, checked before the
	// relay check (check_ccert_access): "OK" lets that certificate relay,
	// as a certificate connector does. Others get Postfix's own
	// "554 5.7.1 <x>: Relay access denied".
	RelayCerts map[string]string
	// Policy is a policy server (Postfix's SMTPD_POLICY_README protocol,
	// "inet:127.0.0.1:port") asked at RCPT TO and at the end of DATA
	// (check_policy_service): the test's server answers with actions whose
	// texts it makes up per request. "": none.
	Policy string
	// RelayHost ("host:port") makes Postfix's own SMTP client send every
	// accepted message on to it instead of discarding it: Postfix plays a
	// device (or an on-premises relay) in front of the server under test.
	// ClientSettings tune that client (smtp_tls_protocols,
	// smtp_tls_ciphers, smtp_sasl_mechanism_filter, ...), and
	// ClientPasswords is its smtp_sasl_password_maps ("[host]:port" to
	// "user:password").
	RelayHost       string
	ClientSettings  map[string]string
	ClientPasswords map[string]string
}

// Postfix is a running private instance.
type Postfix struct {
	Addr string // 127.0.0.1:port
	Dir  string
	log  *logBuffer
}

// Log is what the instance logged so far (maillog_file is its stdout).
func (p *Postfix) Log() string { return p.log.String() }

// StartPostfix runs a private Postfix under dir (config, queue and data
// folders of its own) on a free loopback port until the test ends. Every
// message it accepts goes to the discard transport: nothing is delivered.
func StartPostfix(t testing.TB, dir string, cfg PostfixConfig) *Postfix {
	t.Helper()
	port, err := freePort()
	must(t, err)
	p := &Postfix{Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: dir}
	conf, queue, data := filepath.Join(dir, "conf"), filepath.Join(dir, "queue"), filepath.Join(dir, "data")
	for _, d := range []string{dir, conf, queue, data} {
		must(t, mkdirAll(d, 0o755)) // perm.go: smtpd reads conf as postfix
	}
	owner, err := user.Lookup("postfix")
	if err != nil {
		t.Fatalf("postfix user: %v", err)
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	must(t, os.Chown(data, uid, gid)) // master's lock file lives here

	maps := map[string]map[string]string{"recipients": cfg.RecipientAccess, "clients": cfg.ClientAccess, "relay": cfg.RelayAccess,
		"ccerts": cfg.RelayCerts, "clientpasswords": cfg.ClientPasswords}
	for name, m := range maps {
		must(t, writeFile(filepath.Join(conf, name), []byte(accessMap(m)), 0o644))
	}
	must(t, writeFile(filepath.Join(conf, "main.cf"), []byte(mainCF(cfg, conf, queue, data)), 0o644))
	must(t, writeFile(filepath.Join(conf, "master.cf"), []byte(fmt.Sprintf(masterCF, p.Addr)), 0o644))

	// postfix check creates the queue folders with their owners and modes.
	if out, err := command(PostfixCmd, "-c", conf, "check").CombinedOutput(); err != nil {
		t.Fatalf("postfix check: %v\n%s", err, out)
	}
	// master -d stays in the foreground: the test owns the process.
	p.log = daemon(t, "postfix", command(PostfixMaster, "-d", "-c", conf))
	must(t, waitListening(p.Addr, p.log))
	return p
}

// accessMap renders a texthash access table, sorted for stable files.
func accessMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %s\n", k, m[k])
	}
	return b.String()
}

func mainCF(cfg PostfixConfig, conf, queue, data string) string {
	var b strings.Builder
	set := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	set("compatibility_level", "3.6")
	set("queue_directory", queue)
	set("data_directory", data)
	set("command_directory", "/usr/sbin")
	set("daemon_directory", "/usr/lib/postfix/sbin")
	set("meta_directory", "/etc/postfix")
	set("shlib_directory", "/usr/lib/postfix")
	set("mail_owner", "postfix")
	set("setgid_group", "postdrop")
	set("multi_instance_enable", "no")
	set("maillog_file", "/dev/stdout")
	set("myhostname", cfg.Hostname)
	set("mydomain", "contoso.test")
	set("myorigin", "contoso.test")
	set("mydestination", "")
	set("mynetworks", "127.0.0.1/32")
	set("alias_maps", "")
	set("alias_database", "")
	set("inet_interfaces", "127.0.0.1")
	set("inet_protocols", "ipv4")
	set("smtpd_banner", "$myhostname "+cfg.Banner)
	// No tarpit after errors: the tests provoke them on purpose.
	set("smtpd_error_sleep_time", "0")
	set("smtpd_soft_error_limit", "100")
	// No inflow throttle: smtpd takes a token per MAIL FROM, and only
	// delivered mail returns tokens. Probes stop after RCPT TO, so after
	// a few dozen of them every MAIL FROM waited in_flow_delay (1 s):
	// measured by ci/bench as +20 RTT at 50 ms for smtpspec and swaks alike.
	set("in_flow_delay", "0")
	set("relay_domains", strings.Join(cfg.Domains, ", "))
	// Nothing is ever delivered: every transport is discard, unless
	// RelayHost sends it on.
	next := "discard:smtpspec test"
	if cfg.RelayHost != "" {
		host, port, _ := net.SplitHostPort(cfg.RelayHost)
		next = "smtp:[" + host + "]:" + port
	}
	set("default_transport", next)
	set("relay_transport", next)
	set("local_transport", "discard:smtpspec test")
	set("smtpd_client_restrictions", "check_client_access texthash:"+filepath.Join(conf, "clients"))
	ccert := ""
	if cfg.ClientCAFile != "" && cfg.RelayCerts != nil {
		// Only a verified certificate is looked up (postconf(5)).
		ccert = "check_ccert_access texthash:" + filepath.Join(conf, "ccerts") + ", "
	}
	set("smtpd_relay_restrictions", "permit_sasl_authenticated, "+ccert+"check_recipient_access texthash:"+
		filepath.Join(conf, "relay")+", reject_unauth_destination")
	policy := ""
	if cfg.Policy != "" {
		policy = "check_policy_service " + cfg.Policy + ", "
		set("smtpd_end_of_data_restrictions", "check_policy_service "+cfg.Policy)
	}
	set("smtpd_recipient_restrictions", "check_recipient_access texthash:"+filepath.Join(conf, "recipients")+", "+policy+"permit")
	if cfg.Certs != nil {
		set("smtpd_tls_security_level", "may")
		set("smtpd_tls_chain_files", cfg.Certs.KeyFile+", "+cfg.Certs.CertFile)
		set("smtpd_tls_session_cache_database", "")
		if cfg.ClientCAFile != "" {
			set("smtpd_tls_ask_ccert", "yes")
			set("smtpd_tls_CAfile", cfg.ClientCAFile)
			set("smtpd_tls_fingerprint_digest", "sha256")
			set("smtpd_tls_loglevel", "1") // logs the client certificate's verification
		}
	}
	if cfg.RelayHost != "" {
		set("smtp_sasl_password_maps", "texthash:"+filepath.Join(conf, "clientpasswords"))
		keys := make([]string, 0, len(cfg.ClientSettings))
		for k := range cfg.ClientSettings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			set(k, cfg.ClientSettings[k])
		}
	}
	if cfg.SASL != "" {
		set("smtpd_sasl_auth_enable", "yes")
		set("smtpd_sasl_type", "dovecot")
		set("smtpd_sasl_path", cfg.SASL)
		set("smtpd_tls_auth_only", "yes")
	}
	return b.String()
}

// masterCF runs smtpd on the instance's address and the few services a
// message needs on its way to discard; no pickup, no local delivery.
const masterCF = `%s inet n - n - - smtpd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
smtp      unix - - n - - smtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`
