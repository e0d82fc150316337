"""Key records: how sketches that report keys (heavy hitters, LSH) store them.

One record per key: a tag uint8, then 0: int in [0, 2⁶⁴) as uint64;
1: negative int as int64; 2: float as float64; 3: str as uint32 length + UTF-8;
4: bytes as uint32 length + bytes; 5: bool as uint8. Readers treat the records
as hostile: every length is checked against the bytes that are there.
"""

from __future__ import annotations

import numbers
import struct

import numpy as np

Key = int | float | str | bytes | bool

_TAG = struct.Struct("<B")
_U32 = struct.Struct("<I")
_FIXED = {0: struct.Struct("<Q"), 1: struct.Struct("<q"), 2: struct.Struct("<d")}


def encode_keys(keys: list[Key]) -> bytes:
    parts = []
    for key in keys:
        if isinstance(key, bool | np.bool_):
            parts.append(_TAG.pack(5) + _TAG.pack(int(key)))
        elif isinstance(key, numbers.Integral):
            v = int(key)
            parts.append(
                _TAG.pack(0) + _FIXED[0].pack(v) if v >= 0 else _TAG.pack(1) + _FIXED[1].pack(v)
            )
        elif isinstance(key, float | np.floating):
            parts.append(_TAG.pack(2) + _FIXED[2].pack(float(key)))
        elif isinstance(key, str):
            data = key.encode("utf-8")
            parts.append(_TAG.pack(3) + _U32.pack(len(data)) + data)
        else:
            data = bytes(key)
            parts.append(_TAG.pack(4) + _U32.pack(len(data)) + data)
    return b"".join(parts)  # fmt: skip


def decode_keys(view: memoryview, n: int, name: str) -> tuple[list[Key], int]:
    """Parse ``n`` key records from ``view``; return (keys, bytes consumed)."""
    keys: list[Key] = []
    pos = 0
    size = view.nbytes
    for _ in range(n):
        if pos + 1 > size:
            raise ValueError(f"{name}: key records are truncated")
        (tag,) = _TAG.unpack_from(view, pos)
        pos += 1
        if tag in _FIXED:
            if pos + 8 > size:
                raise ValueError(f"{name}: key records are truncated")
            (value,) = _FIXED[tag].unpack_from(view, pos)
            if tag == 1 and value >= 0:
                raise ValueError(f"{name}: a negative-int key record holds {value}")
            pos += 8
            keys.append(value)
        elif tag == 5:
            if pos + 1 > size or view[pos] > 1:
                raise ValueError(f"{name}: bad bool key record")
            keys.append(bool(view[pos]))
            pos += 1
        elif tag in (3, 4):
            if pos + 4 > size:
                raise ValueError(f"{name}: key records are truncated")
            (length,) = _U32.unpack_from(view, pos)
            pos += 4
            if pos + length > size:
                raise ValueError(f"{name}: key records are truncated")
            raw = bytes(view[pos : pos + length])
            pos += length
            keys.append(
                raw.decode("utf-8") if tag == 3 else raw
            )  # UnicodeDecodeError is a ValueError
        else:
            raise ValueError(f"{name}: unknown key record tag {tag}")
    return keys, pos


def check_encodable(keys: list[object], name: str) -> None:
    """TypeError naming the first key that has no record form."""
    for key in keys:
        if not isinstance(key, numbers.Integral | float | np.floating | str | bytes | bool):
            raise TypeError(
                f"{name}: key {key!r} ({type(key).__name__}) cannot be stored; "
                "to_bytes stores int, float, str, bytes and bool keys"
            )
