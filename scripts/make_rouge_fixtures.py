"""Write rouge-score reference scores for src/metrics/rouge.ts: tests/fixtures/rouge.json.

Run with `npm run fixtures:rouge` (installs the pinned rouge-score and its nltk into .venv first; `npm test` only
reads the JSON). Pairs: hand-picked edge cases, multi-line texts for ROUGE-Lsum, and a lead baseline on
datasets/debian-summaries (reference = synopsis, prediction = first 12 words of the description paragraph).
Also the stems of a sample of the dataset's words, from the stemmer rouge-score uses (nltk's PorterStemmer()).
"""
import gzip
import importlib.metadata
import json
import random
import sys

import nltk
import numpy as np
from nltk.stem import porter
from rouge_score import rouge_scorer, scoring, tokenize

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
DATA = "datasets/debian-summaries/data.tsv.gz"

EDGE = [
    ("", ""),
    ("", "the cat"),
    ("the cat", ""),
    ("...", "!!! ???"),
    ("the cat", "..."),
    ("the cat sat on the mat", "the cat sat on the mat"),
    ("the cat sat on the mat", "the mat sat on the cat"),
    ("the the the the", "the the"),
    ("the the", "the the the the cat"),
    ("a b a b a", "b a b"),
    ("The Quick Brown Fox", "the QUICK brown fox"),
    ("The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log."),
    ("version 2.0.1 released in 2023", "released 2023, version 2 0 1"),
    ("3.5 km/h", "3,5 km per h"),
    ("it's a dog's life", "its a dogs life"),
    ("e-mail client for X11", "email client for x11"),
    ("déjà vu in l'hôtel naïve café", "deja vu in l hotel naive cafe"),
    ("Straße über München", "strasse uber munchen"),
    ("每小时5公里", "5 公里"),
    ("İstanbul KELVIN \u212a sign", "istanbul kelvin k sign"),
    ("tab\tand\nnewline  spaces", "tab and newline spaces"),
    ("running runs ran runner", "run running ran runs"),
    ("caresses ponies ties caress cats", "caress poni tie cares cat"),
    ("relational conditional rational", "relate condition rationale"),
    ("happy happiness enjoy enjoyment", "happily happier enjoying enjoyed"),
    ("generalization generalizations generalize", "general generally generalized"),
    ("dying lying tying skies news innings", "die lie tie sky new inning"),
    ("agreed feed plastered bled motoring sing", "agree feeding plaster bleed motor singing"),
    ("hopping tanned falling hissing fizzed failing filing", "hop tan fall hiss fizz fail file"),
    ("analogously fully logically electrical formalize", "analogous full logic electric formal"),
    ("library libraries utility utilities", "librari utiliti library utility"),
    ("cried dried died tied", "cry dry die tie"),
    ("one two three", "one two"),
    ("one two five six", "seven eight"),
    ("w x y z", "z y x w"),
    ("a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3, "z y x w v u t s r q p o n m l k j i h g f e d c b a " * 2),
    # ROUGE-Lsum: sentences are lines
    ("the cat sat\non the mat", "on the mat\nthe cat sat"),
    ("the cat sat on the mat", "the cat sat\non the mat"),
    ("a b c\nd e f", "a b\nc d\ne f"),
    ("w1 w2 w3 w4 w5\nw6 w7 w8 w9 w10", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"),
    ("the the cat\nthe dog", "the the the\ncat the dog the"),
    ("\n\nthe cat\n\n", "the\n\ncat\n"),
    ("line one\n \nline two", " \n line two \n"),
    ("police killed the gunman\nthe gunman was shot", "the gunman police killed\npolice kill the gunman"),
]


def read_pairs():
    rows = []
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def triple(s):
    return [s.precision, s.recall, s.fmeasure]


def main(path):
    rows = read_pairs()
    rng = random.Random(1313)
    test = [r for r in rows if r["split"] == "test"]
    pairs = [{"name": f"edge {i}", "ref": r, "pred": p} for i, (r, p) in enumerate(EDGE)]
    for r in rng.sample(test, 300):
        pairs.append({"name": r["package"], "ref": r["synopsis"], "pred": " ".join(r["description"].split()[:12])})
    # ROUGE-Lsum on several lines: the paragraph's sentences, one per line, against the synopsis split at commas.
    for r in rng.sample(test, 20):
        pred = "\n".join(s.strip() for s in r["description"].split(". ")[:3])
        pairs.append({"name": r["package"] + " (lines)", "ref": r["synopsis"].replace(", ", "\n"), "pred": pred})

    scorers = {stem: rouge_scorer.RougeScorer(TYPES, use_stemmer=stem) for stem in (False, True)}
    means = {}
    bootstrap = {}
    for stem, key in ((False, "off"), (True, "on")):
        agg = scoring.BootstrapAggregator()
        np.random.seed(13)
        for p in pairs:
            s = scorers[stem].score(p["ref"], p["pred"])
            p[key] = [triple(s[t]) for t in TYPES]
            agg.add_scores(s)
        # plain mean, summed in order like corpusRouge; and rouge-score's bootstrap "mid" for comparison
        means[key] = [[sum(p[key][t][k] for p in pairs) / len(pairs) for k in range(3)] for t in range(len(TYPES))]
        result = agg.aggregate()
        bootstrap[key] = [triple(result[t].mid) for t in TYPES]
        for p in pairs:
            p.setdefault("tokens", {})[key] = [tokenize.tokenize(p["ref"], scorers[stem]._tokenizer._stemmer),
                                               tokenize.tokenize(p["pred"], scorers[stem]._tokenizer._stemmer)]
    # token lists only for the hand-picked cases, to keep the file small
    for p in pairs[len(EDGE):]:
        del p["tokens"]

    # Stems: every word where nltk's modes disagree, plus a random sample, from the whole dataset's vocabulary.
    modes = {m: porter.PorterStemmer(m) for m in ("NLTK_EXTENSIONS", "MARTIN_EXTENSIONS", "ORIGINAL_ALGORITHM")}
    vocab = set()
    for r in rows:
        vocab.update(t for t in tokenize.tokenize(r["description"] + " " + r["synopsis"], None) if len(t) > 3)
    for a, b in EDGE:
        vocab.update(tokenize.tokenize(a + " " + b, None))
    vocab = sorted(vocab)
    special = [w for w in vocab if len({s.stem(w) for s in modes.values()}) > 1]
    rest = sorted(set(vocab) - set(special))
    chosen = sorted(set(special) | set(rng.sample(rest, 2500)) | {"a", "ab", "sky", "ies", "eed"})
    rouge_stemmer = scorers[True]._tokenizer._stemmer
    assert rouge_stemmer.mode == porter.PorterStemmer.NLTK_EXTENSIONS
    stems = [[w, rouge_stemmer.stem(w)] for w in chosen]

    doc = {
        "generator": "scripts/make_rouge_fixtures.py",
        "rougeScore": importlib.metadata.version("rouge-score"),
        "nltk": nltk.__version__,
        "stemmerMode": rouge_stemmer.mode,
        "types": TYPES,
        "pairs": pairs,
        "mean": means,
        "bootstrapMid": bootstrap,
        "stems": stems,
    }
    with open(path, "w") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(pairs)} pairs and {len(stems)} stems ({len(special)} where nltk's modes differ) to {path} "
          f"(rouge-score {doc['rougeScore']}, nltk {doc['nltk']})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/rouge.json")
