"""Write sacrebleu reference scores for src/metrics: tests/fixtures/bleu.json.

Run with `npm run fixtures:bleu` (installs sacrebleu into .venv first; `npm test` only reads the JSON).
"""
import json
import random
import sys

import sacrebleu
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

rng = random.Random(1124)
WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "in", "3.5", "3,50", "1-2", "2031", "km/h", "l'homme", "déjà",
         "naïve", "Straße", "(x)", "\"quoted\"", "it's", "U.S.", "e-mail", "&amp;", "&lt;tag&gt;", "每小时5公里",
         "法国、德国和西班牙", "dollars", "per", "hour", "and", "or", ".", ",", "!", "?", ";", ":", "—", "…"]


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def noisy(ref):
    toks = ref.split()
    out = [t for t in toks if rng.random() > 0.2]
    for _ in range(rng.randint(0, 2)):
        out.insert(rng.randint(0, len(out)), rng.choice(WORDS))
    return " ".join(out)


def score(hyps, refs, **kw):
    b = sacrebleu.corpus_bleu(hyps, [refs], **kw)
    return {"score": b.score, "counts": b.counts, "totals": b.totals, "precisions": b.precisions,
            "bp": b.bp, "sysLen": b.sys_len, "refLen": b.ref_len}


def main(path):
    corpora = []
    for i in range(25):
        refs = [sentence(rng.randint(1, 18)) for _ in range(rng.randint(1, 30))]
        hyps = [noisy(r) for r in refs]
        corpora.append({"name": f"random {i}", "hyps": hyps, "refs": refs})
    corpora += [
        {"name": "perfect", "hyps": ["the cat sat on the mat ."], "refs": ["the cat sat on the mat ."]},
        {"name": "empty hypothesis", "hyps": ["", "the cat"], "refs": ["a dog", "the cat sat"]},
        {"name": "all empty", "hyps": [""], "refs": ["the cat"]},
        {"name": "no 4-gram match", "hyps": ["the cat sat on a mat"], "refs": ["the cat sat in the mat"]},
        {"name": "no match at all", "hyps": ["x y z"], "refs": ["a b c"]},
        {"name": "longer than reference", "hyps": ["the the the cat cat sat"], "refs": ["the cat"]},
        {"name": "dates", "hyps": ["1994-02-03", "2031-10-26"], "refs": ["1994-02-03", "2031-10-27"]},
        {"name": "french", "hyps": ["dans 3 jours", "5 kilomètres par heure"], "refs": ["dans 3 jours", "5 kilomètres à l’heure"]},
        {"name": "chinese (13a leaves it whole)", "hyps": ["3天后", "每小时5公里"], "refs": ["3天后", "每小时50公里"]},
    ]
    for c in corpora:
        c["bleu"] = score(c["hyps"], c["refs"])
        c["sentences"] = [
            {"hyp": h, "ref": r, "score": sacrebleu.sentence_bleu(h, [r]).score} for h, r in list(zip(c["hyps"], c["refs"]))[:3]
        ]
    tok = Tokenizer13a()
    strings = sorted(set(WORDS + [c["hyps"][0] for c in corpora] + ["3.5.", "a,b", "1,000.5", "x-1-2", "tab\there", "<skipped> gone", "line-\nbreak"]))
    doc = {
        "generator": "scripts/make_bleu_fixtures.py",
        "sacrebleu": sacrebleu.__version__,
        "corpora": corpora,
        "tokenize13a": [{"text": s, "tokens": tok(s).split()} for s in strings],
    }
    with open(path, "w") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(corpora)} corpora to {path} (sacrebleu {sacrebleu.__version__})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/bleu.json")
