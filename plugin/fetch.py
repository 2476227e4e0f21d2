"""``advisor-runtime fetch``: the pinned Pyodide runtime without npm or a package.json.

It downloads exactly the npm tarball the guide is pinned to, refuses it unless its SHA-512
matches the integrity recorded here (the same value npm keeps in package-lock.json), unpacks
only the files a site serves, and checks each against the SHA-256 in runtime-manifest.json.
The tarball is kept in a cache folder, so a second fetch, on this machine, needs no network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

from .runtime import BOOT_FILES, LOCK_FILE, MANIFEST, private_part, sha256_file

#: The npm package the guide is pinned to, and npm's integrity value for its tarball
#: (tests/engines/test_fetch.py keeps both in step with package-lock.json and the manifest).
PACKAGE = "pyodide"
VERSION = "314.0.7"
INTEGRITY = (
    "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A=="
)
REGISTRY = "https://registry.npmjs.org"

#: What the plugin reads from the runtime folder: the boot files, the lock file and
#: package.json (for the version). Nothing else of the 14 files is unpacked.
WANTED = (*BOOT_FILES, LOCK_FILE, "package.json")

#: Where the runtime goes when no folder is given: where the plugin looks by default
#: (``runtime_dir`` unset), beside mkdocs.yml when run from the site's folder.
DEFAULT_DIR = Path("node_modules") / PACKAGE

COMMAND = "advisor-runtime fetch"


class FetchError(Exception):
    """The runtime could not be fetched or did not verify; the message says why and the fix."""


def tarball_name() -> str:
    return f"{PACKAGE}-{VERSION}.tgz"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "advisor-runtime"


def integrity_of(data: bytes) -> str:
    """npm's ``integrity`` string for ``data`` (SHA-512, base64)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _manifest_files() -> dict[str, str]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    if manifest["version"] != VERSION:
        raise FetchError(
            f"plugin/runtime-manifest.json records Pyodide {manifest['version']} but "
            f"plugin/fetch.py is pinned to {VERSION}. Fix: update both together."
        )
    files: dict[str, str] = manifest["files"]
    return files


def verified(target: Path) -> bool:
    """Whether ``target`` already holds every wanted file, each matching the manifest."""
    files = _manifest_files()
    if not all((target / name).is_file() for name in WANTED):
        return False
    try:
        version = json.loads((target / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return False
    return version == VERSION and all(
        sha256_file(target / name) == files[name] for name in (*BOOT_FILES, LOCK_FILE)
    )


def _download(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read()
    except (urllib.error.URLError, OSError) as error:
        raise FetchError(
            f"could not download {url}: {getattr(error, 'reason', error)}. Fix: check the "
            f"network (or pass --registry with your npm mirror), or copy {tarball_name()} "
            f"into the cache folder (--cache) and run `{COMMAND}` again."
        ) from None
    return data


def _tarball(cache_dir: Path, registry: str, timeout: float) -> tuple[bytes, bool]:
    """The verified tarball and whether it came from the network."""
    cached = cache_dir / tarball_name()
    if cached.is_file():
        data = cached.read_bytes()
        if integrity_of(data) == INTEGRITY:
            return data, False
        cached.unlink()  # damaged or replaced: fetch it again
    url = f"{registry.rstrip('/')}/{PACKAGE}/-/{tarball_name()}"
    data = _download(url, timeout)
    if integrity_of(data) != INTEGRITY:
        raise FetchError(
            f"{url} does not match the integrity recorded for {PACKAGE} {VERSION} "
            f"({INTEGRITY[:20]}...): the download was damaged or the registry served other "
            f"bytes, and it is not used. Fix: run `{COMMAND}` again; if it persists, check "
            f"--registry."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = private_part(cached)
    part.write_bytes(data)
    part.replace(cached)
    return data, True


def fetch(
    target: Path,
    *,
    cache_dir: Path | None = None,
    registry: str = REGISTRY,
    timeout: float = 120.0,
) -> str:
    """Put the verified runtime into ``target``; return what was done, in one sentence."""
    if verified(target):
        return f"Pyodide {VERSION} in {target} is already complete and verified."
    data, downloaded = _tarball(cache_dir or default_cache_dir(), registry, timeout)
    files = _manifest_files()
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in WANTED:
            try:
                member = archive.getmember(f"package/{name}")
                source = archive.extractfile(member)
            except KeyError:
                source = None
            if source is None:
                raise FetchError(
                    f"{tarball_name()} has no file '{name}'. Fix: delete the cache folder "
                    f"and run `{COMMAND}` again."
                )
            content = source.read()
            if name in files and hashlib.sha256(content).hexdigest() != files[name]:
                raise FetchError(
                    f"'{name}' in {tarball_name()} does not match the SHA-256 in "
                    f"plugin/runtime-manifest.json. Fix: delete the cache folder and run "
                    f"`{COMMAND}` again."
                )
            part = private_part(target / name)
            part.write_bytes(content)
            part.replace(target / name)
    where = "downloaded" if downloaded else "unpacked from the cache"
    return f"Pyodide {VERSION} {where}, verified and written to {target}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="advisor-runtime",
        description="Get the Pyodide runtime the advisor quiz is pinned to, verified.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser(
        "fetch",
        help=f"download (once) and verify Pyodide {VERSION} into a folder",
        description=(
            f"Download the npm tarball of {PACKAGE} {VERSION}, check it against the recorded "
            "SHA-512 integrity and each file against runtime-manifest.json, and unpack the "
            "files the site serves. Offline once the tarball is in the cache."
        ),
    )
    get.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=DEFAULT_DIR,
        help=f"where to put the runtime (default: {DEFAULT_DIR}, where the plugin looks)",
    )
    get.add_argument("--cache", type=Path, default=None, help="cache folder for the tarball")
    get.add_argument("--registry", default=REGISTRY, help="npm registry (or mirror) base URL")
    args = parser.parse_args(argv)
    try:
        print(fetch(args.dir, cache_dir=args.cache, registry=args.registry))
    except FetchError as error:
        print(f"advisor-runtime: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
