"""qsmcore.backends(), QSM_NUM_THREADS and the `qsm` command line."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import qsmcore
from qsmcore.cli import app

runner = CliRunner()


def test_backends_describes_the_install():
    b = qsmcore.backends()
    assert b["version"] == qsmcore.__version__
    cpu, cuda = b["cpu"], b["cuda"]
    assert cpu["available"] and cpu["threads"] >= 1 and cpu["hardware_threads"] >= 1
    assert "-O3" in cpu["flags"] and cpu["build_type"] == "Release"
    assert cpu["compiler"]
    assert isinstance(cuda["built"], bool)
    if not cuda["available"]:
        assert cuda["reason"], "an unusable CUDA backend must say why"
    json.dumps(b)  # JSON-friendly


def test_qsm_num_threads_sets_the_default():
    code = "import qsmcore; print(qsmcore.backends()['cpu']['threads'])"
    env = dict(os.environ, QSM_NUM_THREADS="3")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "3", out.stderr


def test_cuda_backend_without_a_gpu_says_why():
    if qsmcore.backends()["cuda"]["available"]:
        pytest.skip("a GPU is usable here")
    with pytest.raises(RuntimeError, match="not available"):
        qsmcore.hash64([1, 2, 3], backend="cuda")
    # "auto" falls back to the CPU and gives the same answer.
    assert qsmcore.hash64([1, 2, 3], backend="auto").tolist() == qsmcore.hash64([1, 2, 3]).tolist()


def test_qsm_info():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    assert f"qsmcore {qsmcore.__version__}" in result.output
    assert "CUDA usable" in result.output
    result = runner.invoke(app, ["info", "--json"])
    assert json.loads(result.output)["version"] == qsmcore.__version__


def test_qsm_hash_prints_xxh3():
    xxhash = pytest.importorskip("xxhash")
    result = runner.invoke(app, ["hash", "hello", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert str(xxhash.xxh3_64_intdigest(b"hello", seed=7)) in result.output


def test_qsm_sample():
    result = runner.invoke(app, ["sample", "lognormal:mean=1,scv=4", "-n", "10000"])
    assert result.exit_code == 0, result.output
    assert "mean" in result.output and "SCV" in result.output
    bad = runner.invoke(app, ["sample", "bogus:1"])
    assert bad.exit_code == 2 and "error" in bad.output


def test_qsm_tour_runs_every_section():
    result = runner.invoke(app, ["tour"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "hash64" in text and "split invariance" in text
    assert "[0,1000): True; 1 thread == all threads: True" in text


def test_console_script_is_installed():
    out = subprocess.run(["qsm", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "tour" in out.stdout


def _fake_cuda_driver(count, init_ok=True):
    """A stand-in for cuda-python's driver module, enough for device discovery."""
    import enum
    from types import SimpleNamespace

    class CUresult(enum.Enum):
        CUDA_SUCCESS = 0
        CUDA_ERROR_NO_DEVICE = 100

    ok = CUresult.CUDA_SUCCESS
    attr = SimpleNamespace(
        CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR=1,
        CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR=2,
        CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT=3,
    )
    return SimpleNamespace(
        CUresult=CUresult,
        CUdevice_attribute=attr,
        cuInit=lambda flags: (ok if init_ok else CUresult.CUDA_ERROR_NO_DEVICE,),
        cuDeviceGetCount=lambda: (ok, count),
        cuDeviceGet=lambda i: (ok, i),
        cuDeviceGetName=lambda size, dev: (ok, b"NVIDIA H100 80GB HBM3" + b"\0" * 11),
        cuDeviceGetAttribute=lambda a, dev: (ok, {1: 9, 2: 0, 3: 132}[a]),
        cuDeviceTotalMem=lambda dev: (ok, 85_000_000_000),
    )


def _install_fake_driver(monkeypatch, driver):
    from types import ModuleType

    bindings = ModuleType("cuda.bindings")
    bindings.driver = driver
    cuda = ModuleType("cuda")
    cuda.bindings = bindings
    monkeypatch.setitem(sys.modules, "cuda", cuda)
    monkeypatch.setitem(sys.modules, "cuda.bindings", bindings)
    monkeypatch.setitem(sys.modules, "cuda.bindings.driver", driver)


def test_gpu_discovery_through_cuda_python(monkeypatch):
    from qsmcore.info import _devices_from_cuda_python

    _install_fake_driver(monkeypatch, _fake_cuda_driver(2))
    devices, reason = _devices_from_cuda_python()
    assert reason == "" and len(devices) == 2
    assert devices[1] == {
        "index": 1,
        "name": "NVIDIA H100 80GB HBM3",
        "compute_capability": "9.0",
        "total_memory": 85_000_000_000,
        "multiprocessors": 132,
    }
    cuda = qsmcore.backends()["cuda"]
    assert cuda["discovery"] == "cuda-python" and len(cuda["devices"]) == 2


def test_gpu_discovery_failure_is_a_reason_not_a_crash(monkeypatch):
    from qsmcore.info import _devices_from_cuda_python

    _install_fake_driver(monkeypatch, _fake_cuda_driver(0, init_ok=False))
    devices, reason = _devices_from_cuda_python()
    assert devices == [] and "CUDA_ERROR_NO_DEVICE" in reason
    _install_fake_driver(monkeypatch, _fake_cuda_driver(0))
    assert _devices_from_cuda_python() == ([], "the CUDA driver reports no devices")


def test_every_sketch_family_is_built():
    import qsmcore.sketch

    for name in qsmcore.sketch.__all__:
        assert isinstance(getattr(qsmcore.sketch, name), type), name
