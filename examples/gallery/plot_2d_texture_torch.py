"""
Texture classification with 2-D scattering and torch
====================================================

Textures are stationary: what identifies one is the statistics of its oscillations (their scale
and orientation), not where they are. Spatially averaged 2-D scattering coefficients are such
statistics, stable to small deformations, which makes a linear classifier on them enough.

This example synthesises four classes of random textures (two orientations times two scales,
buried in noise), computes :class:`kymatio.torch.Scattering2D` coefficients, and trains a tiny
torch model on them for a few epochs on the CPU; the same model on raw pixels stays at chance.

Needs ``kymatio-torch`` and matplotlib.
"""

# %%
# Random textures
# ---------------
# Each image is white noise filtered in the Fourier domain by an oriented band-pass: energy
# around one spatial frequency (0.15 or 0.3 cycles per pixel) and one orientation (horizontal or
# vertical). The phases are random, so two images of one class share no pixel pattern. Strong
# white noise is added on top.
import numpy as np
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
rng = np.random.default_rng(0)
M = 32
f_rows = np.fft.fftfreq(M)[:, None]
f_cols = np.fft.fftfreq(M)[None, :]
radius = np.hypot(f_rows, f_cols)
angle = np.arctan2(f_rows, f_cols)
classes = [(0.0, 0.15), (np.pi / 2, 0.15), (0.0, 0.3), (np.pi / 2, 0.3)]   # (orientation, frequency)
names = ["wide, 0 deg", "wide, 90 deg", "fine, 0 deg", "fine, 90 deg"]


def texture(orientation, frequency):
    off_angle = np.angle(np.exp(2j * (angle - orientation))) / 2   # angle to the orientation, mod pi
    band = (np.exp(-((radius - frequency) ** 2) / (2 * 0.04**2))
            * np.exp(-(off_angle**2) / (2 * 0.3**2)))
    image = np.real(np.fft.ifft2(np.fft.fft2(rng.standard_normal((M, M))) * band))
    return image / image.std()


labels = np.repeat(np.arange(len(classes)), 64)
images = np.stack([texture(*classes[c]) for c in labels])
images += 3.0 * rng.standard_normal(images.shape)
order = rng.permutation(len(labels))
x = torch.tensor(images[order], dtype=torch.float32)
y = torch.tensor(labels[order])
n_train = 192

fig, axes = plt.subplots(2, 4, figsize=(8, 4.2))
for c, column in enumerate(axes.T):
    clean = texture(*classes[c])
    column[0].imshow(clean, cmap="gray")
    column[0].set_title(names[c], fontsize=9)
    column[1].imshow(images[np.flatnonzero(labels == c)[0]], cmap="gray")
for ax in axes.flat:
    ax.set_axis_off()
axes[0, 0].text(-4, 16, "texture", rotation=90, va="center", ha="right")
axes[1, 0].text(-4, 16, "+ noise", rotation=90, va="center", ha="right")
fig.tight_layout()

# %%
# Scattering features
# -------------------
# :class:`kymatio.torch.Scattering2D` is a ``torch.nn.Module``: its filters are buffers, and it
# computes on whatever device it is moved to (``S.to("cuda")``). With ``J=2`` and ``L=8`` each
# 32 x 32 image gives 81 channels of 8 x 8 coefficients; averaging each channel over space leaves
# 81 translation-invariant numbers per image. The transform has no trainable weights, so the
# features are computed once, without gradients.
from kymatio.torch import Scattering2D

S = Scattering2D(J=2, shape=(M, M), L=8)
with torch.no_grad():
    Sx = S(x)                                           # (256, 81, 8, 8)
features = torch.log1p(Sx.abs() / 1e-2).mean(dim=(-2, -1))
print("coefficients", tuple(Sx.shape), "-> features", tuple(features.shape))

# %%
# A tiny model, trained a few epochs
# ----------------------------------
# Batch normalisation then one linear layer: 81 x 4 weights. Adam, 20 epochs of mini-batches of
# 32 on the 192 training images; the 64 others measure the accuracy.


def train(inputs, epochs=20, seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.BatchNorm1d(inputs.shape[1]),
                                torch.nn.Linear(inputs.shape[1], len(classes)))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    history = []
    for epoch in range(epochs):
        model.train()
        for start in range(0, n_train, 32):
            batch = slice(start, start + 32)
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(inputs[batch]), y[batch])
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(inputs[n_train:]).argmax(dim=1) == y[n_train:]).float().mean()
        history.append(float(accuracy))
    return model, history


model, scattering_history = train(features)
_, pixel_history = train(x.reshape(len(x), -1))
print(f"test accuracy: scattering {scattering_history[-1]:.2f}, raw pixels {pixel_history[-1]:.2f}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(range(1, 21), scattering_history, "o-", label="scattering features (81)")
ax.plot(range(1, 21), pixel_history, "s-", label="raw pixels (1024)")
ax.axhline(1 / len(classes), color="gray", ls=":", label="chance")
ax.set_xlabel("epoch")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1.05)
ax.legend()
fig.tight_layout()

# %%
# A linear model on pixels cannot do better than chance here: the classes differ in the
# statistics of random phases, and their mean image is zero. The scattering coefficients turn
# those statistics into numbers a linear layer can read. To train end to end (say, with a
# learnable layer *before* the transform), put ``S`` inside the model: its output is
# differentiable with respect to its input.
