#!/usr/bin/env bash
# explain-score.sh: score `smtpspec explain --format json --transcript` on
# a labelled set of texts in the corpus format (explain/testdata/corpus):
# DIR/labels.tsv rows "file<TAB>categories<TAB>stages (* any)<TAB>yes", each
# file's "# Source:", "# Method:", "# Stated root cause:" and "# Notes:"
# header lines removed before the text is explained. Prints every miss and
# the accuracy on category and stage together.
#
#   ci/bench/explain-score.sh DIR [SMTPSPEC_BINARY]
#
# Needs Go (to build the binary when none is given) and jq.
set -euo pipefail
dir=${1:?usage: explain-score.sh DIR [SMTPSPEC_BINARY]}
bin=${2:-}
if [[ -z $bin ]]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$(dirname "$0")/../.." && go build -o "$tmp/smtpspec" ./cmd/smtpspec)
	bin="$tmp/smtpspec"
fi
pass=0
total=0
while IFS=$'\t' read -r f cats stages scored; do
	[[ -z $f || $f == \#* || $scored != yes ]] && continue
	total=$((total + 1))
	out=$(grep -v -E '^# (Source|Method|Stated root cause|Notes):' "$dir/$f" | "$bin" explain --format json --transcript - 2>/dev/null || true)
	cat_=$(jq -r '.verdict.category' <<<"$out" 2>/dev/null || echo none)
	st=$(jq -r '.verdict.stage' <<<"$out" 2>/dev/null || echo none)
	okc=0
	oks=0
	[[ ",$cats," == *",$cat_,"* ]] && okc=1
	[[ ",$stages," == *",*,"* || ",$stages," == *",$st,"* ]] && oks=1
	if [[ $okc == 1 && $oks == 1 ]]; then
		pass=$((pass + 1))
	else
		echo "MISS $f: got $cat_ at $st, want $cats at $stages"
	fi
done <"$dir/labels.tsv"
echo "accuracy: $pass/$total"
