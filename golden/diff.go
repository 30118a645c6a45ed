package golden

import (
	"fmt"
	"strings"
)

// UnifiedDiff returns a unified diff of a and b with ctx lines of context
// around each change ("-" lines only in a, "+" only in b). It uses the
// longest common subsequence, which is exact and fast for golden-sized
// inputs (hundreds of lines). Unlike go-cmp's reporter its output is
// stable, so it can itself be golden-tested.
func UnifiedDiff(a, b []string, ctx int) string {
	return formatDiff(diffLines(a, b, ctx))
}

// formatDiff writes lines as unified diff text, one per line.
func formatDiff(lines []DiffLine) string {
	var sb strings.Builder
	for _, l := range lines {
		if l.Op == '@' {
			sb.WriteString(l.Text)
		} else {
			sb.WriteByte(l.Op)
			sb.WriteString(l.Text)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// diffLines is the unified diff of a and b as data: hunk headers ('@'),
// context (' '), removals ('-', with their line in a) and additions ('+',
// with their line in b). Pair and Marks are left for pairLines.
func diffLines(a, b []string, ctx int) []DiffLine {
	ops := diffOps(a, b)
	var out []DiffLine
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from ctx lines before this change to ctx lines after the
		// last change that is within 2*ctx of the previous one.
		start := max(0, i-ctx)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		aStart, bStart, aLen, bLen := ops[start].ai, ops[start].bi, 0, 0
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		out = append(out, DiffLine{Op: '@', Text: fmt.Sprintf("@@ -%d,%d +%d,%d @@", aStart+1, aLen, bStart+1, bLen), Pair: -1})
		for _, op := range ops[start:end] {
			l := DiffLine{Op: op.kind, Text: op.text, Pair: -1}
			switch op.kind {
			case '-':
				l.Line = op.ai + 1
			case '+':
				l.Line = op.bi + 1
			default:
				l.Line = op.ai + 1
			}
			out = append(out, l)
		}
		i = end
	}
	return out
}

type diffOp struct {
	kind   byte // ' ', '-', '+'
	text   string
	ai, bi int // position in a and b before this op
}

func diffOps(a, b []string) []diffOp {
	// lcs[i][j] = length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], i, j})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', a[i], i, j})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], i, j})
			j++
		}
	}
	return ops
}
