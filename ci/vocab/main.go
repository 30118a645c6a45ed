// Command vocab counts the project's vocabulary written as raw text
// instead of named once (STYLE.md lesson 11): string literals in non-test
// Go code that spell a stage name, and, with type information, every
// literal that becomes a transcript.Stage outside the stage table
// (transcript/stage.go), a misspelled one included.
//
//	go run ./ci/vocab          # counts per file, then the total
//	go run ./ci/vocab -list    # every literal with its position
//	go run ./ci/vocab -check   # exit 1 when a Stage literal is outside the table
//
// The name count is a superset: "tls" is also an error kind and a
// category, "auth" and "trace" are HCL block names. The typed count has
// no false positives; CI runs -check (.ci/run). It reads the module's
// packages with `go list -export`, so it needs the go command.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	list := flag.Bool("list", false, "print every literal with its position")
	check := flag.Bool("check", false, "fail when a literal of type transcript.Stage stands outside the stage table")
	flag.Parse()
	if err := run(*list, *check); err != nil {
		fmt.Fprintln(os.Stderr, "vocab:", err)
		os.Exit(1)
	}
}
