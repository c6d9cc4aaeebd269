"""Write subword-nmt reference merges and segmentations for src/data/bpe.ts: tests/fixtures/bpe.json.

Run with `npm run fixtures:bpe` (compiles the library, installs subword-nmt into .venv; `npm test` only
reads the JSON). The corpus is a bundled dataset split into words by the library's own word tokenizer
(through node, so both sides see the same words); subword-nmt learns merges on those words, one line per
sentence, and segments some sentences with them. The fixture keeps the corpus' description and SHA-256,
not its text: the test rebuilds it and checks the hash.
"""
import hashlib
import io
import json
import subprocess
import sys
from importlib.metadata import version

from subword_nmt.apply_bpe import BPE
from subword_nmt.learn_bpe import learn_bpe

DATASET = "phrases-fr"
# (word tokenizer options, --symbols, --min-frequency)
RUNS = [({}, 3000, 2), ({"lowercase": True}, 2500, 1)]
EVERY = 700  # segment every 700th corpus sentence, plus these unseen ones
UNSEEN = [
    "Zürich's naïve façade costs 12.5 €!",
    "lowest newer wider",
    "ｆｕｌｌ width, ÉTÉ et 日本語 ☃",
    "Sunday, Octobre 26, 2031 — dimanche 26 October 2031",
    "a aa aaa aaaa aaaaa",
]

# Prints, per run, the corpus sentences (each pair's source then target, in file order) and the
# unseen ones as space-joined words of the word tokenizer (its tokens without the ▁ marker).
NODE = r"""
const { loadDataset } = require('./build/src/data/datasets');
const { wordTokenizer, displayToken } = require('./build/src/data/tokenize');
const { dataset, runs, unseen } = JSON.parse(process.argv[1]);
const texts = loadDataset(dataset).pairs.flatMap((p) => [p.source, p.target]);
const out = runs.map((opts) => {
  const tok = wordTokenizer(opts);
  const words = (t) => tok.tokenize(t).map(displayToken).join(' ');
  return { texts, lines: texts.map(words), unseen: unseen.map(words) };
});
process.stdout.write(JSON.stringify(out));
"""


def main(path):
    arg = json.dumps({"dataset": DATASET, "runs": [r[0] for r in RUNS], "unseen": UNSEEN})
    corpora = json.loads(subprocess.run(["node", "-e", NODE, arg], check=True, capture_output=True, text=True).stdout)
    runs = []
    for (tokenizer, symbols, min_frequency), corpus in zip(RUNS, corpora):
        text = "\n".join(corpus["lines"]) + "\n"
        codes = io.StringIO()
        learn_bpe(io.StringIO(text), codes, symbols, min_frequency=min_frequency)
        lines = codes.getvalue().splitlines()
        assert lines[0] == "#version: 0.2", lines[0]
        merges = [line.split(" ") for line in lines[1:]]
        assert all(len(m) == 2 for m in merges)
        bpe = BPE(io.StringIO(codes.getvalue()))
        picked = [(corpus["texts"][i], corpus["lines"][i]) for i in range(0, len(corpus["lines"]), EVERY)]
        picked += list(zip(UNSEEN, corpus["unseen"]))
        words = [w for line in corpus["lines"] for w in line.split(" ") if w]
        runs.append({
            "tokenizer": tokenizer,
            "corpus": {"sentences": len(corpus["lines"]), "words": len(words), "types": len(set(words)),
                       "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()},
            "symbols": symbols,
            "minFrequency": min_frequency,
            "merges": merges,
            "segmented": [{"text": t, "words": w, "bpe": bpe.segment(w)} for t, w in picked],
        })
        print(f"{tokenizer}: {len(words)} words, {len(set(words))} types, {len(merges)} merges (asked {symbols}, min frequency {min_frequency})")
    # the paper's Algorithm 1 vocabulary, learned by subword-nmt (its own conventions: glued </w>, greatest pair on ties)
    paper = io.StringIO()
    learn_bpe(io.StringIO("low 5\nlower 2\nnewest 6\nwidest 3\n"), paper, 10, min_frequency=1, is_dict=True)
    doc = {
        "generator": "scripts/make_bpe_fixtures.py",
        "subwordNmt": version("subword-nmt"),
        "dataset": DATASET,
        "corpus": "each pair's source then target, in file order, as words of wordTokenizer(tokenizer) joined by spaces, one sentence a line (sha256 of the UTF-8 text with a final newline)",
        "runs": runs,
        "paper": [line.split(" ") for line in paper.getvalue().splitlines()[1:]],
    }
    with open(path, "w") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} (subword-nmt {doc['subwordNmt']})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/bpe.json")
