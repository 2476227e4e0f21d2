"""Reproducible: two clean builds of one commit give byte-identical sites, whatever Python's
hash seed, the time of the build or the modification times and permissions of the sources."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import zipfile
from pathlib import Path
from unittest import mock

from plugin.runtime import ZIP_EPOCH, build_archive
from tests.sitetools import ROOT, build_site


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_clean_builds_are_identical(built_site: Path, site_url: str, tmp_path: Path) -> None:
    """The session's build of the guide (made earlier, with a random hash seed) against a
    second clean build for the same address with a fixed seed."""
    site = tmp_path / "site"
    with mock.patch.dict(os.environ, {"PYTHONHASHSEED": "1"}):
        result = build_site(site, site_url=site_url)
    assert result.returncode == 0, result.stderr
    first, second = digests(built_site), digests(site)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []
    assert any(name.startswith("assets/advisor/advisor-") for name in first)


def test_the_engine_archive_has_fixed_times_order_and_permissions(built_site: Path) -> None:
    archive = next((built_site / "assets" / "advisor").glob("advisor-*.zip"))
    members = zipfile.ZipFile(io.BytesIO(archive.read_bytes())).infolist()
    assert [m.filename for m in members] == sorted(m.filename for m in members)
    for member in members:
        assert member.date_time == ZIP_EPOCH, member.filename
        assert member.external_attr == 0o644 << 16, member.filename
        assert member.extra == b"", member.filename


def test_the_archive_ignores_source_times_and_permissions(tmp_path: Path) -> None:
    copy = tmp_path / "advisor"
    shutil.copytree(ROOT / "advisor", copy)
    later = time.time() + 86_400
    for path in copy.glob("*.py"):
        os.utime(path, (later, later))
        path.chmod(0o600)
    assert build_archive(copy) == build_archive(ROOT / "advisor")


def test_models_are_written_canonically(built_site: Path) -> None:
    for path in (built_site / "assets" / "advisor" / "models").glob("*.json"):
        raw = path.read_bytes()
        data = json.loads(raw)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert raw == canonical.encode("utf-8"), path.name
