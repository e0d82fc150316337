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
