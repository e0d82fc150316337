"""The byte format every qsmcore sketch is stored in (``to_bytes``/``from_bytes``,
pickle).

All integers little-endian::

    offset      size  field
    0           4     magic b"QSMS"
    4           4     kind: 4 ASCII bytes naming the structure (b"HLL ", b"CMS ", ...)
    8           2     version of that kind's layout (uint16)
    10          2     flags (uint16, reserved, 0)
    12          4     H: header length (uint32), the kind's parameters
    16          8     P: payload length (uint64), the kind's state
    24          H     header (documented by each kind)
    24 + H      P     payload (documented by each kind)
    24 + H + P  8     checksum: qsmcore.hash64 (XXH3-64, seed 0) of bytes [0, 24 + H + P)

A reader treats its input as hostile: every length is checked against the
actual size before anything is allocated, and the checksum before anything is
parsed, so corrupted or truncated bytes raise ``ValueError``, never crash.
"""

from __future__ import annotations

import struct
from typing import Any

from qsmcore.hashing import hash64

MAGIC = b"QSMS"
_FIXED = struct.Struct("<4s4sHHIQ")  # magic, kind, version, flags, H, P
_CHECKSUM = struct.Struct("<Q")
OVERHEAD = _FIXED.size + _CHECKSUM.size  # 32 bytes around header and payload


def pack(kind: bytes, version: int, header: bytes, payload: bytes | memoryview) -> bytes:
    """Frame ``header`` and ``payload`` of a sketch of ``kind`` (4 bytes) as stored bytes."""
    if len(kind) != 4:
        raise ValueError(f"kind must be 4 bytes, got {kind!r}")
    payload = memoryview(payload).cast("B")
    body = b"".join(
        [_FIXED.pack(MAGIC, kind, version, 0, len(header), payload.nbytes), header, payload]
    )
    return body + _CHECKSUM.pack(hash64(body))


def unpack(data: Any, kind: bytes, versions: tuple[int, ...]) -> tuple[int, bytes, memoryview]:
    """Check framing and checksum of stored bytes; return ``(version, header, payload)``.

    Raises ``TypeError`` for a non-bytes-like input and ``ValueError`` for anything
    that is not an intact sketch of ``kind`` in one of ``versions``.
    """
    try:
        view = memoryview(data).cast("B")
    except TypeError:
        raise TypeError(
            f"data must be bytes-like (bytes, bytearray, memoryview), got {type(data).__name__}"
        ) from None
    name = kind.decode().strip()
    if view.nbytes < OVERHEAD:
        raise ValueError(f"not a qsmcore {name} sketch: {view.nbytes} bytes is too short")
    magic, got_kind, version, flags, h, p = _FIXED.unpack_from(view)
    if magic != MAGIC:
        raise ValueError(f"not a qsmcore sketch: bad magic {bytes(magic)!r}")
    if got_kind != kind:
        raise ValueError(f"these bytes hold a {got_kind!r} sketch, not a {kind!r} sketch")
    if version not in versions:
        raise ValueError(
            f"{name} format version {version} is not supported (this qsmcore reads {versions})"
        )
    if flags != 0:
        raise ValueError(f"{name}: unknown flags {flags:#x}")
    end = _FIXED.size + h + p
    if end + _CHECKSUM.size != view.nbytes:
        raise ValueError(
            f"{name}: lengths do not add up (header {h}, payload {p}, total {view.nbytes} bytes)"
        )
    (checksum,) = _CHECKSUM.unpack_from(view, end)
    if hash64(view[:end]) != checksum:
        raise ValueError(f"{name}: checksum mismatch: the bytes are corrupted")
    header = bytes(view[_FIXED.size : _FIXED.size + h])
    return version, header, view[_FIXED.size + h : end]
