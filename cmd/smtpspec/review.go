package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// reviewFlags are the flags of `smtpspec review`.
type reviewFlags struct {
	golden      string
	acceptAll   bool
	rejectAll   bool
	accept      bool // the sites --site names
	reject      bool
	interactive bool
	sites       multiFlag
}

// cmdReview shows each pending golden (<name>.golden.new, written by a run
// that drifted or met a new site) as a diff and accepts or rejects it:
// interactively on a terminal, with --site GLOB --accept / --reject or
// --accept-all / --reject-all otherwise. Nothing is probed: accepting a
// drift needs no second AUTH attempt. Without a decision, off a terminal,
// it only lists and exits 1 while changes are pending, like `git diff
// --exit-code`.
func cmdReview(_ context.Context, e env, args []string) int {
	var f reviewFlags
	fs := newFlags("review", "[--golden DIR] [--site GLOB [--accept | --reject]] [--accept-all | --reject-all]", e)
	fs.StringVar(&f.golden, "golden", "golden", "folder of golden transcripts (`DIR`), as given to run")
	fs.BoolVar(&f.accept, "accept", false, "accept the pending goldens of the sites --site names")
	fs.BoolVar(&f.reject, "reject", false, "reject (delete) the pending goldens of the sites --site names")
	fs.BoolVar(&f.acceptAll, "accept-all", false, "accept every pending golden")
	fs.BoolVar(&f.rejectAll, "reject-all", false, "reject (delete) every pending golden")
	fs.BoolVar(&f.interactive, "interactive", false, "ask for each change even when stdin is not a terminal")
	fs.Var(&f.sites, "site", "only sites whose name matches `GLOB` (repeatable)")
	rest, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	d, err := f.decision()
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("review takes no arguments (got %q); name sites with --site", rest)
	}
	var globs siteGlobs
	if err == nil {
		globs, err = parseSiteGlobs(f.sites)
	}
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	store := golden.Store{Dir: f.golden}
	all, err := store.Changes()
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitFail
	}
	changes := matching(all, globs)
	if len(changes) == 0 {
		return nothingPending(e, f, all, d)
	}
	rv := reviewer{e: e, store: store, color: isTerminal(e.stdout, e.getenv)}
	switch {
	case d != skip:
		rv.all(changes, d)
	case f.interactive || readsTerminal(e.stdin):
		rv.ask(changes)
	default:
		for _, c := range changes {
			rv.show(c)
		}
		fmt.Fprintf(e.stdout, "\n%d pending golden(s) in %s. Accept with: smtpspec review%s --site NAME --accept "+
			"(or --accept-all), reject with --reject (or --reject-all), or run review on a terminal to decide "+
			"one by one.\n", len(changes), f.golden, goldenArg(f.golden))
		return exitFail
	}
	return rv.summary(f.golden)
}

// decision is what the flags decide without asking: accept, reject, or
// skip (ask, or only list). --accept and --reject decide for the sites
// --site names, so that a report's "accept with" line never accepts more.
func (f reviewFlags) decision() (decision, error) {
	n := 0
	for _, set := range []bool{f.accept, f.reject, f.acceptAll, f.rejectAll} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		return skip, fmt.Errorf("give at most one of --accept, --reject, --accept-all and --reject-all")
	case (f.accept || f.reject) && len(f.sites) == 0:
		return skip, fmt.Errorf("--accept and --reject decide for the sites --site names " +
			"(smtpspec review --site NAME --accept); for every pending golden use --accept-all or --reject-all")
	case f.accept || f.acceptAll:
		return accept, nil
	case f.reject || f.rejectAll:
		return reject, nil
	}
	return skip, nil
}

// nothingPending explains an empty selection. Asked to accept or reject a
// site that has no pending golden, it fails: the pending file is perhaps
// in a CI artifact not downloaded yet, or in another golden folder.
func nothingPending(e env, f reviewFlags, all []golden.Change, d decision) int {
	if len(f.sites) == 0 || len(all) == 0 {
		fmt.Fprintf(e.stdout, "no pending goldens in %s\n", f.golden)
	} else {
		names := make([]string, len(all))
		for i, c := range all {
			names[i] = c.Name
		}
		fmt.Fprintf(e.stdout, "no pending golden in %s matches --site %s (pending: %s)\n",
			f.golden, strings.Join(f.sites, " --site "), strings.Join(names, ", "))
	}
	if d == skip {
		return exitOK
	}
	verb := "accept"
	if d == reject {
		verb = "reject"
	}
	errorf(e.stderr, "nothing to %s: a run writes <site>.golden.new when it drifts or meets a new site "+
		"(in CI, download it from the job's artifacts into %s first)", verb, f.golden)
	return exitFail
}

// matching keeps the changes whose site globs selects; a control's
// golden (<site>.control) goes with its site, as AcceptCommand promises.
func matching(changes []golden.Change, globs siteGlobs) []golden.Change {
	var out []golden.Change
	for _, c := range changes {
		if globs.Match(c.Name) || globs.Match(strings.TrimSuffix(c.Name, specs.ControlSuffix)) {
			out = append(out, c)
		}
	}
	return out
}

func goldenArg(dir string) string {
	if dir == "golden" {
		return ""
	}
	return " --golden " + dir
}

type decision int

const (
	skip decision = iota
	accept
	reject
)

// reviewer applies decisions and counts them.
type reviewer struct {
	e                  env
	store              golden.Store
	color              bool
	accepted, rejected int
	left               int
	failed             bool
}

func (rv *reviewer) all(changes []golden.Change, d decision) {
	for _, c := range changes {
		rv.apply(c, d)
	}
}

func (rv *reviewer) apply(c golden.Change, d decision) {
	var err error
	switch d {
	case accept:
		if err = rv.store.Accept(c.Name); err == nil {
			rv.accepted++
			fmt.Fprintf(rv.e.stdout, "accepted %s -> %s\n", c.Name, rv.store.Path(c.Name))
		}
	case reject:
		if err = rv.store.RemovePending(c.Name); err == nil {
			rv.rejected++
			fmt.Fprintf(rv.e.stdout, "rejected %s (kept %s)\n", c.Name, describeOld(rv.store, c))
		}
	default:
		rv.left++
	}
	if err != nil {
		errorf(rv.e.stderr, "%v", err)
		rv.failed = true
		rv.left++
	}
}

func describeOld(s golden.Store, c golden.Change) string {
	if c.IsNew() {
		return "no golden"
	}
	return s.Path(c.Name)
}

// show prints one pending change: which site, what changed, the diff.
func (rv *reviewer) show(c golden.Change) {
	w := rv.e.stdout
	switch {
	case c.IsNew():
		fmt.Fprintf(w, "\n%s: new golden %s\n", c.Name, rv.store.PendingPath(c.Name))
	case len(c.Drift.Stages) == 0:
		fmt.Fprintf(w, "\n%s: pending golden equals the stored one\n", c.Name)
	default:
		fmt.Fprintf(w, "\n%s: %s changed (- %s, + %s)\n", c.Name, transcript.JoinStages(c.Drift.Stages, ", "),
			rv.store.Path(c.Name), rv.store.PendingPath(c.Name))
	}
	for _, l := range strings.Split(strings.TrimSuffix(c.Drift.Diff, "\n"), "\n") {
		if l == "" {
			continue
		}
		switch {
		case !rv.color:
		case strings.HasPrefix(l, "-"):
			l = "\x1b[31m" + l + "\x1b[0m"
		case strings.HasPrefix(l, "+"):
			l = "\x1b[32m" + l + "\x1b[0m"
		case strings.HasPrefix(l, "@@"):
			l = "\x1b[36m" + l + "\x1b[0m"
		}
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// maxPrompts bounds how often one change is asked about when the answers
// make no sense, so a stuck input cannot loop forever.
const maxPrompts = 5

// ask decides each change from the user's answers on stdin.
func (rv *reviewer) ask(changes []golden.Change) {
	in := bufio.NewReader(rv.e.stdin)
	var sticky decision = skip
	for i, c := range changes {
		if sticky != skip {
			rv.apply(c, sticky)
			continue
		}
		rv.show(c)
		d, all, quit := rv.prompt(in, i+1, len(changes))
		if quit {
			for _, rest := range changes[i:] {
				rv.apply(rest, skip)
			}
			return
		}
		if all {
			sticky = d
		}
		rv.apply(c, d)
	}
}

// prompt reads one answer: a accept, r reject, s skip, A accept this and
// all the rest, R reject all the rest, q quit (the rest stay pending).
// End of input is quit.
func (rv *reviewer) prompt(in *bufio.Reader, n, total int) (d decision, all, quit bool) {
	for range maxPrompts {
		fmt.Fprintf(rv.e.stdout, "[%d/%d] accept (a), reject (r), skip (s), accept all (A), reject all (R), quit (q)? ", n, total)
		line, err := in.ReadString('\n')
		answer := strings.TrimSpace(line)
		switch answer {
		case "a", "y", "accept":
			return accept, false, false
		case "r", "n", "reject":
			return reject, false, false
		case "s", "skip", "":
			if err == nil {
				return skip, false, false
			}
		case "A":
			return accept, true, false
		case "R":
			return reject, true, false
		case "q", "quit":
			return skip, false, true
		}
		if err != nil { // io.EOF or a broken stdin: stop asking
			fmt.Fprintln(rv.e.stdout)
			return skip, false, true
		}
		fmt.Fprintf(rv.e.stdout, "%q is not an answer.\n", answer)
	}
	return skip, false, false
}

// summary prints the counts; exit 0 only when nothing is left pending.
func (rv *reviewer) summary(dir string) int {
	fmt.Fprintf(rv.e.stdout, "\n%d accepted, %d rejected, %d left pending in %s\n", rv.accepted, rv.rejected, rv.left, dir)
	if rv.failed || rv.left > 0 {
		return exitFail
	}
	return exitOK
}

// readsTerminal says whether r is a terminal a person types answers into.
func readsTerminal(r io.Reader) bool { return isTTY(r) }
