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
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
)

const (
	module    = "github.com/smtpspec/smtpspec"
	stageType = module + "/transcript.Stage"
	// table is the one file allowed to spell stages.
	table = "transcript/stage.go"
)

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
	typed bool // it becomes a transcript.Stage
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

// goList lists the module's packages and the export data of everything
// they import.
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
// that spell a stage name or become a Stage.
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
			typed := isStage(info.Types[b].Type)
			if typed || slices.Contains(stageNames, v) {
				out = append(out, literal{pos: fset.Position(b.Pos()), value: v, typed: typed})
			}
			return true
		})
	}
	return out, nil
}

func isStage(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path()+"."+n.Obj().Name() == stageType
}

// report prints the counts (and with list every literal) and, with check,
// fails on a Stage literal outside the table.
func report(w io.Writer, root string, lits []literal, list, check bool) error {
	perFile := map[string]int{}
	var files []string
	names, typed, outside := 0, 0, 0
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
		if l.typed {
			typed++
			if rel != table {
				outside++
			}
		}
		if list || (check && l.typed && rel != table) {
			kind := "name"
			if l.typed {
				kind = "Stage"
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
	fmt.Fprintf(w, "literals of type transcript.Stage: %d, outside %s: %d\n", typed, table, outside)
	if check && outside > 0 {
		return fmt.Errorf("%d stage literals outside %s: name the stage by its constant", outside, table)
	}
	return nil
}
