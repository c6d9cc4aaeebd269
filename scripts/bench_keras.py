"""The reference attention model's training step in Keras/TensorFlow with tf.function, for `npm run bench`.

Same model as the library's Bahdanau GRU (reset_after=False, sigmoid gates): batch 64, source 20, target 12,
vocab 40, embedding 64, GRU 128, additive attention with 128 units, Adam, clipping by global norm 5.
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

layers = tf.keras.layers
src_emb, tgt_emb = layers.Embedding(V, E), layers.Embedding(V, E)
encoder = layers.GRU(U, return_sequences=True, return_state=True, reset_after=False, recurrent_activation="sigmoid")
cell = layers.GRUCell(U, reset_after=False, recurrent_activation="sigmoid")
wq, wk, v = layers.Dense(U, use_bias=False), layers.Dense(U, use_bias=False), layers.Dense(1, use_bias=False)
out = layers.Dense(V)
opt = tf.keras.optimizers.Adam(0.005)

rng = tf.random.Generator.from_seed(1)
src = rng.uniform([B, S], 4, V, dtype=tf.int32)
tgt = rng.uniform([B, T], 4, V, dtype=tf.int32)
mask = tf.ones([B, S], tf.bool)
tmask = tf.ones([B, T], tf.float32)


@tf.function
def train_step(src, tgt_in, tgt_out, mask, tmask):
    with tf.GradientTape() as tape:
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
        logits = tf.stack(logits, 1)
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(tgt_out, logits)
        loss = tf.reduce_sum(ce * tmask) / tf.reduce_sum(tmask)
    variables = [w for l in (src_emb, tgt_emb, encoder, cell, wq, wk, v, out) for w in l.trainable_weights]
    grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables), 5.0)
    opt.apply_gradients(zip(grads, variables))
    return loss


tgt_in = tf.concat([tf.ones([B, 1], tf.int32), tgt[:, :-1]], 1)
for _ in range(5):
    train_step(src, tgt_in, tgt, mask, tmask).numpy()  # trace and warm up (as the library's rows: 5 steps)
times = []
for _ in range(STEPS):
    t0 = time.perf_counter()
    train_step(src, tgt_in, tgt, mask, tmask).numpy()
    times.append((time.perf_counter() - t0) * 1000)
import keras  # noqa: E402

print(json.dumps({"msPerStep": statistics.median(times), "steps": STEPS, "tensorflow": tf.__version__, "keras": keras.__version__}))
