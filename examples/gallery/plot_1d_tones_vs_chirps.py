"""
Tones or chirps? 1-D scattering with scikit-learn
=================================================

A pure tone and a linear chirp can have the same power in the same frequency band: what tells
them apart is how that power moves in time. First-order scattering coefficients measure the
power in each band (averaged over time); second-order coefficients measure how the envelope in
each band fluctuates, which is where a chirp, sweeping through the bands one after the other,
differs from a steady tone.

This example builds a :class:`kymatio.sklearn.Scattering1D` transformer into a scikit-learn
pipeline and classifies noisy tones against noisy chirps at random frequencies, then compares with
first-order coefficients alone.

Needs ``kymatio-sklearn`` and matplotlib.
"""

# %%
# Synthetic signals
# -----------------
# Each signal has 1024 samples. A tone has one frequency drawn between 0.02 and 0.2 cycles per
# sample; a chirp sweeps linearly between two such frequencies, up or down. Amplitudes and phases
# are random, and every signal gets white noise.
import numpy as np
import matplotlib.pyplot as plt

rng = np.random.default_rng(0)
N = 1024
n_signals = 300
t = np.arange(N)


def tone():
    frequency = rng.uniform(0.02, 0.2)
    return np.cos(2 * np.pi * frequency * t + rng.uniform(0, 2 * np.pi))


def chirp():
    f_start, f_end = rng.uniform(0.02, 0.2, size=2)
    phase = 2 * np.pi * (f_start * t + (f_end - f_start) * t**2 / (2 * N))
    return np.cos(phase + rng.uniform(0, 2 * np.pi))


y = rng.integers(0, 2, n_signals)            # 0: tone, 1: chirp
X = np.stack([chirp() if label else tone() for label in y])
X = X * rng.uniform(0.5, 2.0, size=(n_signals, 1)) + 0.3 * rng.standard_normal((n_signals, N))
X = X.astype(np.float32)                     # float32 in, float32 features out

fig, axes = plt.subplots(2, 1, figsize=(7, 4), sharex=True)
for ax, label, name in zip(axes, (0, 1), ("tone", "chirp")):
    ax.plot(X[np.flatnonzero(y == label)[0], :300], lw=0.8)
    ax.set_title(f"a noisy {name} (first 300 samples)")
axes[-1].set_xlabel("sample")
fig.tight_layout()

# %%
# The pipeline
# ------------
# ``T="global"`` sums each coefficient over the whole signal: one number per path, whatever the
# time position. ``J=8`` lets second-order wavelets reach envelope fluctuations of up to
# ``2**8 = 256`` samples, about how long a chirp stays in one band. The coefficients span several
# orders of magnitude, so they are log-compressed before standardisation (order 0, a sum of the
# signal, may be negative: the log is taken of the absolute value).
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from kymatio.sklearn import Scattering1D


def log_compress(S):
    return np.log1p(np.abs(S) / 1e-3)


def classifier(max_order):
    return make_pipeline(
        Scattering1D(J=8, Q=4, T="global", max_order=max_order),
        FunctionTransformer(log_compress),
        StandardScaler(),
        LogisticRegression(C=0.1, max_iter=2000),
    )


X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0,
                                                    stratify=y)
pipe = classifier(max_order=2).fit(X_train, y_train)
accuracy = pipe.score(X_test, y_test)
print(f"orders 0-2: test accuracy {accuracy:.2f}")

first_order_only = classifier(max_order=1).fit(X_train, y_train)
print(f"orders 0-1: test accuracy {first_order_only.score(X_test, y_test):.2f}")

# %%
# With first-order coefficients only, the classifier sees how much power each band holds, which
# a tone at one frequency and a chirp through several bands can share; the second order adds how
# that power varies in time, and the accuracy rises.
#
# What the features are
# ---------------------
# After ``fit``, ``scattering_`` is the :class:`kymatio.numpy.Scattering1D` that computes the
# features and ``meta()`` describes its channels: here, the centre frequency ``xi`` of the
# first-order wavelet of each channel. The mean log-features of each class, per first-order
# channel, show the tones' power concentrated where the chirps' is spread, and the chirps'
# second-order energy.
scattering = pipe[0].scattering_
meta = scattering.meta()
features = log_compress(pipe[0].transform(X_test))
first = meta["order"] == 1
second = meta["order"] == 2

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
for label, name in ((0, "tones"), (1, "chirps")):
    ax1.plot(meta["xi"][first, 0], features[y_test == label][:, first].mean(axis=0), "o-",
             ms=3, label=name)
    ax2.hist(features[y_test == label][:, second].mean(axis=1), bins=15, alpha=0.6, label=name)
ax1.set_xscale("log")
ax1.set_xlabel("xi of the first-order wavelet (cycles per sample)")
ax1.set_ylabel("mean log coefficient")
ax1.set_title("order 1")
ax2.set_xlabel("mean log second-order coefficient of a signal")
ax2.set_title("order 2")
ax1.legend()
ax2.legend()
fig.tight_layout()
