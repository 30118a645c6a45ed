package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
)

const module = "github.com/smtpspec/smtpspec"

// homes are the vocabularies that are typed strings, each with the one
// file that may spell its values.
var homes = map[string]string{
	"transcript.Stage": "transcript/stage.go",
	"transcript.Kind":  "transcript/error.go",
}

// stageNames are the names the text count looks for: every stage and
// pseudo-stage the tree had when issue 14 began.
var stageNames = []string{"resolve", "connect", "banner", "ehlo", "starttls", "tls", "ehlo_tls", "auth",
	"mail", "rcpt", "data", "quit", "trace", "noop", "header", "trailer", "unknown", "whitespace"}

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	Module     *struct{ Path string }
}

// literal is one string literal the scan found.
type literal struct {
	pos   token.Position
	value string
	vocab string // the vocabulary type it becomes ("transcript.Stage"), "" for none
}

func run(list, check bool) error {
	pkgs, exports, err := goList()
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var lits []literal
	for _, p := range pkgs {
		found, err := scan(fset, imp, p)
		if err != nil {
			return err
		}
		lits = append(lits, found...)
	}
	return report(os.Stdout, root, lits, list, check)
}

// goList lists the module's packages (this command's aside) and the
// export data of everything they import.
func goList() ([]pkg, map[string]string, error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-json", "./...")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	var pkgs []pkg
	exports := map[string]string{}
	dec := json.NewDecoder(&out)
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, err
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Path == module && p.ImportPath != module+"/ci/vocab" {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, exports, nil
}

// scan type-checks one package's non-test files and returns its literals
// that spell a stage name or become a value of a vocabulary.
func scan(fset *token.FileSet, imp types.Importer, p pkg) ([]literal, error) {
	var files []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", p.ImportPath, err)
	}
	var out []literal
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			b, ok := n.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return true
			}
			v, _ := strconv.Unquote(b.Value)
			l := literal{pos: fset.Position(b.Pos()), value: v}
			// "" is no value, not a name: comparing with it is how a field
			// says "none".
			if v != "" {
				l.vocab = vocabulary(info.Types[b].Type)
			}
			if l.vocab != "" || slices.Contains(stageNames, v) {
				out = append(out, l)
			}
			return true
		})
	}
	return out, nil
}

// vocabulary names t when it is one of homes' types.
func vocabulary(t types.Type) string {
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	rel, ok := cutModule(n.Obj().Pkg().Path())
	name := rel + "." + n.Obj().Name()
	if _, home := homes[name]; !ok || !home {
		return ""
	}
	return name
}

func cutModule(path string) (string, bool) {
	if len(path) > len(module) && path[:len(module)+1] == module+"/" {
		return path[len(module)+1:], true
	}
	return "", false
}

// report prints the counts (and with list every literal) and, with check,
// fails on a vocabulary literal outside its home.
func report(w io.Writer, root string, lits []literal, list, check bool) error {
	perFile := map[string]int{}
	var files []string
	names, typed, outside := 0, map[string]int{}, 0
	for _, l := range lits {
		rel, _ := filepath.Rel(root, l.pos.Filename)
		rel = filepath.ToSlash(rel)
		if slices.Contains(stageNames, l.value) {
			names++
			if perFile[rel] == 0 {
				files = append(files, rel)
			}
			perFile[rel]++
		}
		stray := l.vocab != "" && rel != homes[l.vocab]
		if l.vocab != "" {
			typed[l.vocab]++
		}
		if stray {
			outside++
		}
		if list || (check && stray) {
			kind := "name"
			if l.vocab != "" {
				kind = l.vocab
			}
			fmt.Fprintf(w, "%s:%d:%d: %s %q\n", rel, l.pos.Line, l.pos.Column, kind, l.value)
		}
	}
	slices.SortStableFunc(files, func(a, b string) int { return perFile[b] - perFile[a] })
	if !check {
		for _, f := range files {
			fmt.Fprintf(w, "%4d %s\n", perFile[f], f)
		}
	}
	fmt.Fprintf(w, "literals spelling a stage name: %d in %d files (non-test code; a superset: \"tls\" is also an error kind)\n", names, len(files))
	for _, v := range slices.Sorted(maps.Keys(homes)) {
		fmt.Fprintf(w, "literals of type %s: %d (its home is %s)\n", v, typed[v], homes[v])
	}
	fmt.Fprintf(w, "vocabulary literals outside their home: %d\n", outside)
	if check && outside > 0 {
		return fmt.Errorf("%d vocabulary literals outside their home file: name the value by its constant", outside)
	}
	return nil
}
