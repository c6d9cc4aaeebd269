"""Write Keras reference outputs for the attention layers: tests/fixtures/keras-attention.json.

Run with `npm run fixtures:keras` (installs tensorflow-cpu into .venv first; `npm test` itself only
reads the committed JSON). Each case holds random inputs, masks and weights, the Keras layer's
output and its attention scores (the softmax weights), for inference (training=False).

Keras and this library differ on purpose in one corner: a query row whose keys are ALL masked gets
uniform weights from keras.layers.Attention (scores - 1e9 everywhere) and zero weights here; the
cases below never mask every key of a row for Attention/AdditiveAttention.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

rng = np.random.default_rng(20261124)
B, TQ, TV, D = 2, 3, 4, 4


def arr(*shape):
    return rng.normal(size=shape).astype("float32")


def tolist(x):
    return np.asarray(x, dtype="float32").round(7).tolist()


VALUE_MASK = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=bool)  # never a fully masked row
QUERY_MASK = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)


def record(name, layer_name, config, causal, qvk, masks, layer, out, scores, attention_mask=None):
    """One fixture case: inputs, masks (the key mask, for MultiHeadAttention, equals the value mask), weights, outputs."""
    q, v, k = qvk
    given = {"query": QUERY_MASK, "value": VALUE_MASK, "key": VALUE_MASK}
    return {
        "name": name,
        "layer": layer_name,
        "config": config,
        "useCausalMask": causal,
        "inputs": {"query": tolist(q), "value": tolist(v), **({"key": tolist(k)} if k is not None else {})},
        "masks": {
            **{m: given[m].tolist() for m in ("query", "value", "key") if m in masks},
            **({"attention": attention_mask.tolist()} if attention_mask is not None else {}),
        },
        "weights": [tolist(w) for w in layer.get_weights()],
        "output": tolist(out),
        "scores": tolist(scores),
    }


def attention_case(name, layer_cls, config, use_key, masks, causal, weights):
    q, v = arr(B, TQ, D), arr(B, TV, D)
    k = arr(B, TV, D) if use_key else None
    inputs = [q, v] + ([k] if use_key else [])
    layer = layer_cls(**config)
    layer.build([x.shape for x in inputs])
    if weights is not None:
        layer.set_weights([np.asarray(w, dtype="float32") for w in weights])
    mask = None
    if masks:
        mask = [QUERY_MASK if "query" in masks else None, VALUE_MASK if "value" in masks else None]
    out, scores = layer(inputs, mask=mask, return_attention_scores=True, use_causal_mask=causal, training=False)
    return record(name, layer_cls.__name__, config, causal, (q, v, k), masks, layer, out, scores)


def mha_case(name, config, use_key, masks, causal, attention_mask=False):
    q, v = arr(B, TQ, 5), arr(B, TV, 6)
    k = arr(B, TV, 7) if use_key else None
    layer = keras.layers.MultiHeadAttention(**config)
    layer.build(q.shape, v.shape, k.shape if use_key else None)
    layer.set_weights([arr(*w.shape) * 0.5 for w in layer.weights])
    am = np.array([[[1, 0, 1, 1]] * TQ, [[1, 1, 1, 0]] * TQ], dtype=bool) if attention_mask else None
    query = keras.ops.convert_to_tensor(q)
    if "query" in masks:
        # Keras 3.15 ignores the query_mask argument and reads the query's Keras mask (what an
        # Embedding(mask_zero=True) or Masking layer attaches); attach it the same way.
        keras.src.backend.set_keras_mask(query, keras.ops.convert_to_tensor(QUERY_MASK))
    out, scores = layer(
        query, v, k,
        value_mask=VALUE_MASK if "value" in masks else None,
        key_mask=VALUE_MASK if "key" in masks else None,
        attention_mask=am,
        use_causal_mask=causal,
        return_attention_scores=True,
        training=False,
    )
    return record(name, "MultiHeadAttention", config, causal, (q, v, k), masks, layer, out, scores, am)


def main(path):
    A, AA = keras.layers.Attention, keras.layers.AdditiveAttention
    cases = [
        attention_case("dot", A, {}, False, [], False, None),
        attention_case("dot, key, value mask", A, {}, True, ["value"], False, None),
        attention_case("dot, use_scale, query+value masks", A, {"use_scale": True}, True, ["query", "value"], False, [0.7]),
        attention_case("dot, causal", A, {}, False, [], True, None),
        attention_case("dot, causal + value mask", A, {"use_scale": True}, True, ["value"], True, [1.3]),
        attention_case("concat", A, {"score_mode": "concat"}, False, [], False, None),
        attention_case("concat, use_scale, masks", A, {"score_mode": "concat", "use_scale": True}, True, ["query", "value"], False, [0.6, 1.4]),
        attention_case("additive", AA, {}, False, [], False, [arr(D).tolist()]),
        attention_case("additive, key, masks", AA, {}, True, ["query", "value"], False, [arr(D).tolist()]),
        attention_case("additive, no scale, causal", AA, {"use_scale": False}, True, ["value"], True, None),
        mha_case("mha 2 heads", {"num_heads": 2, "key_dim": 3}, False, [], False),
        mha_case("mha value_dim, output_shape, key", {"num_heads": 2, "key_dim": 3, "value_dim": 4, "output_shape": 8}, True, [], False),
        mha_case("mha no bias, masks", {"num_heads": 3, "key_dim": 2, "use_bias": False}, True, ["query", "value", "key"], False),
        mha_case("mha causal, attention_mask", {"num_heads": 2, "key_dim": 3}, False, ["value"], True, attention_mask=True),
    ]
    for c in cases:
        c["config"] = {k: v for k, v in c["config"].items()}
    doc = {"generator": "scripts/make_keras_fixtures.py", "keras": keras.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path} (keras {keras.__version__})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/keras-attention.json")
