package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/smtpspec/smtpspec/report"
)

// version and commit are stamped by the release build
// (-ldflags "-X main.version=v1.2.3 -X main.commit=<sha>"); otherwise they
// come from the module version and VCS revision Go records in the binary.
var (
	version = ""
	commit  = ""
)

// buildInfo is what `smtpspec version` prints and every report records
// (report.Build: Version, Commit, Go; String "v1.2.3 (commit
// 0123456789ab, go1.26.8)").
type buildInfo = report.Build

// readBuildInfo reads the stamped values, falling back to what the Go
// toolchain recorded (go install of a tagged module, or a VCS checkout).
func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && b.Commit == "" {
				b.Commit = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if len(b.Commit) > 12 {
		b.Commit = b.Commit[:12]
	}
	return b
}

func cmdVersion(_ context.Context, e env, args []string) int {
	fs := newFlags("version", "", e)
	if rest, err := parse(fs, args); err != nil || len(rest) > 0 {
		if err == nil {
			errorf(e.stderr, "version takes no arguments")
		}
		return flagExit(e, fs, err)
	}
	fmt.Fprintf(e.stdout, "smtpspec %s %s/%s\n", readBuildInfo(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
