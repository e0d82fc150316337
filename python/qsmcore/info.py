"""``qsmcore.backends()``: what this install can do, and why not."""

from __future__ import annotations

from typing import Any

from qsmcore import _backend, _core


def _devices_from_cuda_python() -> tuple[list[dict[str, Any]] | None, str]:
    """GPUs as the CUDA driver (through cuda-python) sees them, or (None, reason)."""
    try:
        from cuda.bindings import driver
    except ImportError:
        try:
            from cuda import cuda as driver  # cuda-python < 12.6
        except ImportError:
            return None, "cuda-python is not installed (pip install 'qsmcore[cuda]')"
    try:
        (err,) = driver.cuInit(0)
        if err != driver.CUresult.CUDA_SUCCESS:
            return [], f"cuInit failed: {err.name}"
        err, count = driver.cuDeviceGetCount()
        if err != driver.CUresult.CUDA_SUCCESS:
            return [], f"cuDeviceGetCount failed: {err.name}"
        attr = driver.CUdevice_attribute
        devices = []
        for i in range(count):
            _, dev = driver.cuDeviceGet(i)
            _, name = driver.cuDeviceGetName(256, dev)
            _, major = driver.cuDeviceGetAttribute(
                attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev
            )
            _, minor = driver.cuDeviceGetAttribute(
                attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev
            )
            _, sms = driver.cuDeviceGetAttribute(attr.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev)
            _, mem = driver.cuDeviceTotalMem(dev)
            devices.append(
                {
                    "index": i,
                    "name": name.split(b"\0", 1)[0].decode(),
                    "compute_capability": f"{major}.{minor}",
                    "total_memory": int(mem),
                    "multiprocessors": int(sms),
                }
            )
        return devices, "" if devices else "the CUDA driver reports no devices"
    except Exception as exc:  # a broken driver install must not break `qsm info`
        return [], f"cuda-python could not query the driver: {exc}"


def backends() -> dict[str, Any]:
    """Describe the CPU and CUDA backends of this install.

    Returns a JSON-friendly dict: ``version``; ``cpu`` (compiler, flags, SIMD the
    build may use and SIMD this CPU offers, default thread count); ``cuda``
    (whether ``qsmcore._cuda`` was built, whether it is usable, the GPUs found and
    how they were found, or the reason there are none).
    """
    build = _core.build_info()
    cpu = {
        "available": True,
        "compiler": build["compiler"],
        "build_type": build["build_type"],
        "flags": build["flags"],
        "simd_compiled": list(build["simd_compiled"]),
        "cpu_features": list(build["cpu_features"]),
        "simd_dispatch": build["simd_dispatch"],
        "threads": build["default_threads"],
        "hardware_threads": build["hardware_threads"],
    }
    module, reason = _backend.cuda_status()
    cuda: dict[str, Any] = {
        "built": bool(build["cuda_built"]),
        "available": module is not None,
        "reason": reason,
        "devices": [],
        "discovery": None,
    }
    if build["cuda_built"]:
        cuda["cuda_version"] = build["cuda_version"]
        cuda["architectures"] = build["cuda_architectures"]
    devices, why = _devices_from_cuda_python()
    if devices is not None:
        cuda["devices"], cuda["discovery"] = devices, "cuda-python"
        if not devices and not cuda["reason"]:
            cuda["reason"] = why
    elif module is not None:
        cuda["devices"], cuda["discovery"] = module.devices(), "qsmcore._cuda (CUDA runtime)"
    if module is not None or build["cuda_built"]:
        try:
            from qsmcore import _cuda

            cuda.update({k: v for k, v in _cuda.build_info().items() if k.endswith("_version")})
        except ImportError:
            pass
    if not cuda["available"] and devices is None and not cuda["reason"]:
        cuda["reason"] = why
    return {"version": build["version"], "cpu": cpu, "cuda": cuda}
