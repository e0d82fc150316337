"""Skip markers for tests that need the CUDA backend."""

import pytest

from qsmcore import _backend

_cuda, _reason = _backend.cuda_status()

requires_gpu = pytest.mark.skipif(_cuda is None, reason=f"no usable GPU: {_reason}")
