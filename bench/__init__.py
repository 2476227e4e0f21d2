"""Benchmarks of the guide: how fast the reader gets an answer, and what the guide costs to build.

Run ``python -m bench`` from the repository root (``--quick`` for a short run, ``--runs N``).
It builds the site, serves it on 127.0.0.1 next to a blank "floor" page that boots only the same
Pyodide files, drives Debian's Chromium through Playwright, times ``mkdocs build`` with and
without the plugin and the engine's ``check``, prints one table and writes the figures as JSON
to ``bench/results/``. It is a measurement, not a test: nothing here passes or fails the build.
docs/performance.md explains every figure and records the last results.
"""
