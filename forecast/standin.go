package forecast

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

// secretAttrs are the attributes whose env() is a secret (specs reads
// them with secretRef): the forecast never reads their variables.
var secretAttrs = map[string]bool{"password": true, "token": true, "client_secret": true, "key": true}

// standIns are what the forecast loads specs with instead of their
// secrets: a made-up value per secret variable, one private key for
// every client certificate, and for each certificate a stand-in with the
// same names and validity, signed by the forecast's CA (which the
// simulator's certificate connector trusts). None of it is ever printed:
// the values are secrets of the sites as far as redaction goes.
//
// Until the loader can resolve env() for some sites only (i13), this is
// done in two passes: the first parses the files to learn what each
// variable is for (roles), the second decodes with the stand-ins.
type standIns struct {
	ca     *sim.CA
	key    *ecdsa.PrivateKey
	keyPEM string
	getenv func(string) string          // the real environment, read for non-secret values only
	read   func(string) ([]byte, error) // the file system, or the caller's
	roles  map[string]string            // variable -> "block.attribute" of its first use
	secret map[string]bool              // variables used for a secret
	certs  map[string]bool              // files named by client.certificate
	sites  map[string]map[string]bool   // site ("" for a file's defaults) -> variables it reads
	mu     sync.Mutex                   // guards values and made
	values map[string]string            // variable -> stand-in or value
	made   map[string]stand             // certificate path -> stand-in
}

type stand struct {
	pem []byte
	err error
}

func newStandIns(ca *sim.CA, getenv func(string) string, read func(string) ([]byte, error)) (*standIns, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("forecast: stand-in key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("forecast: stand-in key: %w", err)
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &standIns{ca: ca, key: key, getenv: getenv, read: read,
		keyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		roles:  map[string]string{}, secret: map[string]bool{}, certs: map[string]bool{},
		values: map[string]string{}, made: map[string]stand{},
		sites: map[string]map[string]bool{}}, nil
}

// scan learns, from parsed files, what every env() variable is for and
// which files are client certificates.
func (st *standIns) scan(files map[string]*hcl.File) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names) // first use in file order, for stable messages
	for _, n := range names {
		if body, ok := files[n].Body.(*hclsyntax.Body); ok {
			st.scanBody(body, "", "", filepath.Dir(n))
		}
	}
}

func (st *standIns) scanBody(b *hclsyntax.Body, block, site, dir string) {
	for _, attr := range b.Attributes {
		st.scanAttr(attr, block, site, dir)
	}
	for _, blk := range b.Blocks {
		s := site
		if blk.Type == "site" && len(blk.Labels) == 1 {
			s = blk.Labels[0]
		}
		st.scanBody(blk.Body, blk.Type, s, dir)
	}
}

func (st *standIns) scanAttr(attr *hclsyntax.Attribute, block, site, dir string) {
	hclsyntax.VisitAll(attr.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok || len(call.Args) != 1 {
			return nil
		}
		v, diags := call.Args[0].Value(nil)
		if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			return nil
		}
		arg := v.AsString()
		switch {
		case call.Name == "env":
			if _, seen := st.roles[arg]; !seen {
				st.roles[arg] = strings.TrimPrefix(block+"."+attr.Name, ".")
			}
			st.secret[arg] = st.secret[arg] || secretAttrs[attr.Name]
			if st.sites[site] == nil {
				st.sites[site] = map[string]bool{}
			}
			st.sites[site][arg] = true
		case call.Name == "file" && attr.Name == "certificate" && block == "client":
			if !filepath.IsAbs(arg) {
				arg = filepath.Join(dir, arg)
			}
			st.certs[filepath.Clean(arg)] = true
		}
		return nil
	})
}

// env is the loader's getenv: a stand-in for every secret, the real value
// of anything else when it is set, a stand-in otherwise.
func (st *standIns) env(name string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if v, ok := st.values[name]; ok {
		return v
	}
	v := ""
	switch {
	case st.secret[name] && st.roles[name] == "client.key":
		v = st.keyPEM
	case st.secret[name]:
		v = "standin-" + randomHex()
	default:
		if v = st.getenv(name); v == "" {
			v = placeholder(name, st.roles[name])
		}
	}
	st.values[name] = v
	return v
}

// unsetFor lists the non-secret variables site reads that are not set
// here (the forecast used a stand-in for each), as "NAME (role)".
func (st *standIns) unsetFor(site string) []string {
	var out []string
	for name := range st.sites[site] {
		if !st.secret[name] && st.getenv(name) == "" {
			out = append(out, fmt.Sprintf("env(%q) for %s", name, st.roles[name]))
		}
	}
	for name := range st.sites[""] { // the file's defaults
		if !st.secret[name] && st.getenv(name) == "" {
			out = append(out, fmt.Sprintf("env(%q) for %s", name, st.roles[name]))
		}
	}
	sort.Strings(out)
	return out
}

// placeholder stands in for an unset non-secret variable: an address
// where the spec wants one (auth.username, envelope.from/to), a word
// otherwise.
func placeholder(name, role string) string {
	word := "standin-" + strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	switch role {
	case "auth.username", "envelope.from", "envelope.to":
		return word + "@stand-in.invalid"
	}
	return word
}

// readFile is the loader's file(): a client certificate is replaced by
// its stand-in; any other file is read as it is.
func (st *standIns) readFile(p string) ([]byte, error) {
	if !st.certs[filepath.Clean(p)] {
		return st.read(p)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.made[p]; ok {
		return s.pem, s.err
	}
	b, err := st.read(p)
	if err == nil {
		b = st.standInCert(b)
	}
	st.made[p] = stand{b, err}
	return b, err
}

// standInCert returns the stand-in of the first certificate in b, or b
// itself when it holds none (the loader then reports the file).
func (st *standIns) standInCert(b []byte) []byte {
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			return b
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return b
		}
		out, err := st.ca.IssueLike(cert, st.key)
		if err != nil {
			return b
		}
		return out
	}
}

func randomHex() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// load reads the specs at paths with stand-ins, in one load: the loader
// shows the parsed files to scan (what each variable is for) before it
// reads the first env(). files are for rendering diagnostics.
func (st *standIns) load(paths []string) ([]*specs.Site, hcl.Diagnostics, map[string]*hcl.File) {
	l := specs.NewLoader(st.env)
	l.SetParsed(st.scan)
	if st.read == nil {
		st.read = readSpecFile
	}
	l.SetReadFile(st.readFile)
	sites, diags := l.LoadPaths(paths...)
	return sites, diags, l.Files()
}

// maxSpecFile bounds what file() reads, as specs does: certificates are
// a few KB.
const maxSpecFile = 1 << 20

// readSpecFile reads what a spec's file() names.
func readSpecFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s (a relative path is found from the spec file's directory): %w", p, errors.Unwrap(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSpecFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", p, err)
	case len(b) > maxSpecFile:
		return nil, fmt.Errorf("%s is larger than %d bytes; file() is for certificates and similar small files", p, maxSpecFile)
	}
	return b, nil
}
