"""SciPy's pocketfft binding, for the backends that call it directly (the NumPy backend).

``scipy.fft``'s functions add a dispatch layer (about 4 us a call, a tenth of a 1-D transform of a
few hundred samples, which the 1-D and 2-D algorithms make hundreds of) and cannot write a
real-input transform into a caller's array. The binding is private to SciPy: :func:`load_pocketfft`
checks it once, on a small case of every call the backends make, and gives None if anything
differs, in which case they use the public functions.
"""
from __future__ import annotations

import numpy as np
import scipy.fft

__all__ = ["POCKETFFT", "load_pocketfft"]


def load_pocketfft():
    """The module ``scipy.fft._pocketfft.pypocketfft`` if its ``r2c``, ``c2c`` (also in place) and
    ``c2r`` give ``scipy.fft``'s results on a small case, else None."""
    try:
        from scipy.fft._pocketfft import pypocketfft as pocketfft

        x = np.arange(12.0).reshape(3, 4)
        full = np.zeros((3, 4), dtype=np.complex128)
        half = pocketfft.r2c(x, (0, 1), True, 0, full[:, :3], 1)
        spectrum = scipy.fft.fftn(x)
        ok = (np.shares_memory(half, full) and np.allclose(full[:, :3], spectrum[:, :3])
              and np.allclose(pocketfft.c2c(spectrum, (0, 1), False, 2, None, 1), x)
              and np.allclose(pocketfft.c2c(x + 0j, (1,), True, 0, None, 1), scipy.fft.fft(x))
              and np.allclose(pocketfft.c2r(spectrum[:, :3], (0, 1), 4, False, 2, None, 1), x))
        buffer = spectrum.copy()
        ok = ok and np.shares_memory(pocketfft.c2c(buffer, (0, 1), False, 2, buffer, 1), buffer)
        return pocketfft if ok and np.allclose(buffer, x) else None
    except Exception:  # any change of the private binding: the public functions
        return None


#: The checked binding, or None.
POCKETFFT = load_pocketfft()
