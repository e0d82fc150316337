"""qsmcore benchmarks: the asv suite, pytest-benchmark files and ``compare.py``.

A package so that asv (which imports it as ``benchmarks``) and pytest can share
the data makers and peer implementations in ``_data.py`` and ``_peers.py``.
"""
