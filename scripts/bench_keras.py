"""Training steps in Keras/TensorFlow with tf.function, for `npm run bench`: `bench_keras.py STEPS [bahdanau|transformer]`.

bahdanau (default): the reference attention model, the library's Bahdanau GRU (reset_after=False, sigmoid gates):
batch 64, source 20, target 12, vocab 40, embedding 64, GRU 128, additive attention with 128 units, Adam,
clipping by global norm 5.
transformer: the library's Transformer (src/transformer): pre-LN, 2 encoder + 2 decoder layers, d 128, 4 heads,
feed-forward 512, sinusoidal positions, dropout 0.1, final layer norms, ε 1e-5; batch 64, source 20, target 12,
vocab 40; masked cross-entropy, Adam, clipping by global norm 5.
Prints one JSON line: {"msPerStep": median, "steps": n, "tensorflow": version, "keras": version}.
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

B, S, T, V, E, U = 64, 20, 12, 40, 64, 128
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
MODEL = sys.argv[2] if len(sys.argv) > 2 else "bahdanau"
if MODEL not in ("bahdanau", "transformer"):
    sys.exit(f"bench_keras.py: model must be bahdanau or transformer, not {MODEL!r}")

layers = tf.keras.layers
rng = tf.random.Generator.from_seed(1)
src = rng.uniform([B, S], 4, V, dtype=tf.int32)
tgt = rng.uniform([B, T], 4, V, dtype=tf.int32)
mask = tf.ones([B, S], tf.bool)
tmask = tf.ones([B, T], tf.float32)


def bahdanau():
    src_emb, tgt_emb = layers.Embedding(V, E), layers.Embedding(V, E)
    encoder = layers.GRU(U, return_sequences=True, return_state=True, reset_after=False, recurrent_activation="sigmoid")
    cell = layers.GRUCell(U, reset_after=False, recurrent_activation="sigmoid")
    wq, wk, v = layers.Dense(U, use_bias=False), layers.Dense(U, use_bias=False), layers.Dense(1, use_bias=False)
    out = layers.Dense(V)

    def forward(src, tgt_in, mask, training):
        enc_out, h = encoder(src_emb(src), mask=mask)  # [B, S, U], [B, U]
        keys = wk(enc_out)  # once per batch
        ys = tgt_emb(tgt_in)
        logits = []
        for t in range(T):
            e = tf.squeeze(v(tf.tanh(wq(h)[:, None, :] + keys)), -1)  # [B, S]
            a = tf.nn.softmax(tf.where(mask, e, -1e9))
            c = tf.einsum("bs,bsd->bd", a, enc_out)
            h, _ = cell(tf.concat([ys[:, t], c], -1), [h])
            logits.append(out(tf.concat([h, c], -1)))
        return tf.stack(logits, 1)

    return forward, (src_emb, tgt_emb, encoder, cell, wq, wk, v, out)


def transformer(d=128, heads=4, ff=512, n_enc=2, n_dec=2, rate=0.1):
    def sinusoids(n):
        p = tf.range(n, dtype=tf.float32)[:, None]
        j = tf.range(d)
        angle = p / tf.pow(10000.0, tf.cast(2 * (j // 2), tf.float32) / d)[None, :]
        return tf.where(j % 2 == 0, tf.sin(angle), tf.cos(angle))  # [n, d]

    norm = lambda: layers.LayerNormalization(epsilon=1e-5)  # noqa: E731
    mha = lambda: layers.MultiHeadAttention(heads, d // heads, dropout=0.0)  # noqa: E731
    ffn = lambda: [layers.Dense(ff, activation="relu"), layers.Dense(d)]  # noqa: E731
    drop = layers.Dropout(rate)
    src_emb, tgt_emb = layers.Embedding(V, d), layers.Embedding(V, d)
    enc = [dict(n1=norm(), att=mha(), n2=norm(), ffn=ffn()) for _ in range(n_enc)]
    dec = [dict(n1=norm(), self=mha(), n2=norm(), cross=mha(), n3=norm(), ffn=ffn()) for _ in range(n_dec)]
    enc_norm, dec_norm, out = norm(), norm(), layers.Dense(V)
    pos_s, pos_t = sinusoids(S), sinusoids(T)
    causal = tf.linalg.band_part(tf.ones([T, T], tf.bool), -1, 0)[None]  # [1, T, T]

    def ff_(f, x):
        return f[1](f[0](x))

    def forward(src, tgt_in, mask, training):
        x = drop(src_emb(src) * d**0.5 + pos_s, training=training)  # [B, S, d]
        pad = mask[:, None, :]  # [B, 1, S]
        for l in enc:
            h = l["n1"](x)
            x = x + drop(l["att"](h, h, attention_mask=pad, training=training), training=training)
            x = x + drop(ff_(l["ffn"], l["n2"](x)), training=training)
        memory = enc_norm(x)
        y = drop(tgt_emb(tgt_in) * d**0.5 + pos_t, training=training)  # [B, T, d]
        for l in dec:
            h = l["n1"](y)
            y = y + drop(l["self"](h, h, attention_mask=causal, training=training), training=training)
            y = y + drop(l["cross"](l["n2"](y), memory, attention_mask=pad, training=training), training=training)
            y = y + drop(ff_(l["ffn"], l["n3"](y)), training=training)
        return out(dec_norm(y))  # [B, T, V]

    parts = [src_emb, tgt_emb, enc_norm, dec_norm, out] + [m for l in enc + dec for v in l.values() for m in (v if isinstance(v, list) else [v])]
    return forward, parts


forward, parts = bahdanau() if MODEL == "bahdanau" else transformer()
opt = tf.keras.optimizers.Adam(0.005)
tgt_in = tf.concat([tf.ones([B, 1], tf.int32), tgt[:, :-1]], 1)
forward(src, tgt_in, mask, False)  # builds every layer
variables = [w for p in parts for w in p.trainable_weights]


@tf.function
def train_step(src, tgt_in, tgt_out, mask, tmask):
    with tf.GradientTape() as tape:
        logits = forward(src, tgt_in, mask, True)
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(tgt_out, logits)
        loss = tf.reduce_sum(ce * tmask) / tf.reduce_sum(tmask)
    grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables), 5.0)
    opt.apply_gradients(zip(grads, variables))
    return loss


for _ in range(5):
    train_step(src, tgt_in, tgt, mask, tmask).numpy()  # trace and warm up (as the library's rows: 5 steps)
times = []
for _ in range(STEPS):
    t0 = time.perf_counter()
    train_step(src, tgt_in, tgt, mask, tmask).numpy()
    times.append((time.perf_counter() - t0) * 1000)
import keras  # noqa: E402

print(json.dumps({"msPerStep": statistics.median(times), "steps": STEPS, "tensorflow": tf.__version__, "keras": keras.__version__}))
