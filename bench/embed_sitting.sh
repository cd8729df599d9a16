#!/usr/bin/env bash
# The local embedder's quoted figures, in one sitting, as JSON lines on standard output:
#   1. sentences per second at batch 32 and 1 and the p50 of a 10-word query, for
#      `vajra bench embed` and for PyTorch (bench_torch.py) on the same model folder and the
#      same SciFact passages, 2 threads, float32: PyTorch as Debian's python3-torch runs it
#      (its BLAS) and with its products through oneDNN; $RUNS rounds, engines interleaved;
#   2. the time to index SciFact (5,183 passages) with the model, and its peak RSS;
#   3. the memory the model takes: peak RSS of `vajra embed` on one line with the model and
#      with the committed tiny model (2 layers, hidden 64), and the weights' bytes;
#   then the median of every figure over the rounds ("median": true; RUNS should be odd).
# MODEL is a full-size folder written by internal/embed/bert/testdata/make_reference.py model.
# Usage: MODEL=DIR bench/embed_sitting.sh  (env: SHARED, OUT, RUNS, THREADS, PASSAGES,
#        PASSAGES_B1, QUERIES, TORCH_BACKENDS)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MODEL:?set MODEL to a model folder (make_reference.py model --out DIR)}"
SHARED=${SHARED:-${VAJRA_SHARED:-../shared}}
OUT=${OUT:-out/embed-sitting}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
PASSAGES=${PASSAGES:-64}
PASSAGES_B1=${PASSAGES_B1:-16}
QUERIES=${QUERIES:-50}
TORCH_BACKENDS=${TORCH_BACKENDS:-blas onednn}
SCIFACT=$SHARED/data/scifact
TINY=internal/embed/bert/testdata/tiny
PY=/usr/bin/python3

mkdir -p "$OUT"
go build -o "$OUT/vajra" ./cmd/vajra
V=$OUT/vajra
RAW=$OUT/raw.jsonl
: > "$RAW"
log() { echo "== $*" >&2; }
# emit prints a JSON line and keeps it for the medians, tagged with its round.
emit() { jq -c --argjson run "$1" '. + {run: $run}' | tee -a "$RAW"; }

for run in $(seq "$RUNS"); do
	log "round $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg)"
	"$V" bench embed --model "$MODEL" -c "$SCIFACT" --threads "$THREADS" --passages "$PASSAGES" \
		--passages-b1 "$PASSAGES_B1" --queries "$QUERIES" --json 2>/dev/null | jq -c 'del(.embedder)' | emit "$run"
	for backend in $TORCH_BACKENDS; do
		"$PY" internal/embed/bert/testdata/bench_torch.py --model "$MODEL" --corpus "$SCIFACT/corpus.jsonl" \
			--threads "$THREADS" --passages "$PASSAGES" --passages-b1 "$PASSAGES_B1" --queries "$QUERIES" \
			--backend "$backend" | jq -c 'del(.model)' | emit "$run"
	done
	log "round $run/$RUNS: index SciFact"
	rm -rf "$OUT/scifact-idx"
	/usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$V" index --embedder local --model "$MODEL" -c "$SCIFACT" \
		-o "$OUT/scifact-idx" --threads "$THREADS" > "$OUT/index.txt" 2>/dev/null
	read -r wall kb < "$OUT/time.txt"
	docs=$(sed -n 's/^indexed \([0-9]*\) documents.*/\1/p' "$OUT/index.txt")
	jq -nc --argjson s "$wall" --argjson kb "$kb" --argjson docs "$docs" --argjson t "$THREADS" \
		'{engine: "vajra", bench: "index", corpus: "scifact", docs: $docs, threads: $t, seconds: $s,
		  docs_per_s: (($docs / $s) * 100 | round / 100), peak_rss_mb: (($kb / 1024) * 10 | round / 10)}' | emit "$run"
	for which in model tiny; do
		m=$MODEL
		[ "$which" = tiny ] && m=$TINY
		echo "a short sentence to embed" | /usr/bin/time -f '%M' -o "$OUT/time.txt" "$V" embed --model "$m" > /dev/null
		jq -nc --arg m "$which" --argjson kb "$(cat "$OUT/time.txt")" \
			--argjson bytes "$(stat -c %s "$m/model.safetensors")" \
			'{engine: "vajra", bench: "embed_rss", model: $m, peak_rss_mb: (($kb / 1024) * 10 | round / 10),
			  safetensors_bytes: $bytes}' | emit "$run"
	done
done

log "medians over $RUNS rounds"
jq -sc 'group_by([.engine, .backend, .bench, .batch, .model])[] |
	. as $g | ($g[0] | del(.run, .version, .torch)) as $first |
	reduce ($first | to_entries[] | select(.value | type == "number") | .key) as $k ($first;
		.[$k] = ([$g[] | .[$k]] | sort | .[(length - 1) / 2 | floor])) + {median: true, runs: ($g | length)}' "$RAW"
