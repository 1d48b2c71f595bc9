"""JAX frontends of kymatio: transforms that are pure functions of a ``jax.Array``.

``jax.jit``, ``jax.vmap`` and ``jax.grad`` trace them; :func:`scattering_fn` and
:func:`scattering_apply` give the functional form.

>>> import jax, jax.numpy as jnp
>>> from kymatio.jax import Scattering1D
>>> S = Scattering1D(J=4, shape=256, Q=4)
>>> jax.jit(S)(jnp.zeros((2, 256))).shape
(2, 29, 16)
"""
from __future__ import annotations

from kymatio.core.plugins import lazy_exports
from typing import TYPE_CHECKING

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering",
           "scattering_fn", "scattering_apply"]

# Imported on first access so that the plugin registry, which imports ``kymatio.jax._plugin`` (and
# therefore this package), never imports JAX.
_LAZY = {
    "Scattering1D": "kymatio.jax._scattering1d",
    "Scattering2D": "kymatio.jax._scattering2d",
    "HarmonicScattering3D": "kymatio.jax._scattering3d",
    "TimeFrequencyScattering": "kymatio.jax._scattering_jtfs",
    "scattering_fn": "kymatio.jax._functional",
    "scattering_apply": "kymatio.jax._functional",
}

if TYPE_CHECKING:
    from ._functional import scattering_apply, scattering_fn
    from ._scattering1d import Scattering1D
    from ._scattering2d import Scattering2D
    from ._scattering3d import HarmonicScattering3D
    from ._scattering_jtfs import TimeFrequencyScattering


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
