"""What of ``docs_dir`` the plugin keeps out of the site, with a warning where the author should
act:

- symbolic links that loop (a link to itself, or a folder link that leads back to a folder that
  holds it): MkDocs lists the files below such a folder again at every level and then stops
  with an ``OSError`` traceback when it copies them;
- model files: the guide publishes what is built from a model (its pages and the JSON the quiz
  reads), not the YAML itself with its comments, unless ``publish_models: true``; a YAML file
  in a models folder that ``plugins.advisor.models`` does not list is named, since it is
  neither checked nor shown.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mkdocs.structure.files import File, Files

from . import log

MODEL_SUFFIXES = (".yml", ".yaml")


def _looping_link(docs_dir: Path, src_uri: str, memo: dict[Path, bool]) -> Path | None:
    """The first link on the way to ``src_uri`` that loops, if any."""
    current = docs_dir
    for part in PurePosixPath(src_uri).parts:
        current = current / part
        loops = memo.get(current)
        if loops is None:
            loops = False
            if current.is_symlink():
                try:
                    target = current.resolve(strict=True)
                    here = current.parent.resolve(strict=True)
                except (OSError, RuntimeError):  # a link that leads back to itself
                    loops = True
                else:
                    loops = target.is_dir() and (target == here or target in here.parents)
            memo[current] = loops
        if loops:
            return current
    return None


def without_link_loops(files: Files, docs_dir: Path) -> Files:
    """``files`` without those reached through a looping link; one warning per link."""
    memo: dict[Path, bool] = {}
    warned: set[Path] = set()
    for file in list(files):
        if file.generated_by is not None or file.abs_src_path is None:
            continue
        link = _looping_link(docs_dir, file.src_uri, memo)
        if link is None:
            continue
        files.remove(file)
        if link not in warned:
            warned.add(link)
            shown = f"{docs_dir.name}/{link.relative_to(docs_dir).as_posix()}"
            log.warning(
                "advisor: %s is a symbolic link loop (it leads back to itself or to a folder "
                "that holds it); what lies under it is left out of the site. Fix: remove the "
                "link, or point it at a file or a folder outside its own path.", shown)
    return files


def _is_model_file(file: File, folders: set[PurePosixPath]) -> bool:
    path = PurePosixPath(file.src_uri)
    return path.suffix in MODEL_SUFFIXES and path.parent in folders


def model_files(files: Files, docs_dir: Path, listed: list[str], *, publish: bool) -> Files:
    """Warn about model files the config does not list; leave every YAML file of the models'
    folders out of the site unless ``publish``."""
    folders = {PurePosixPath(uri).parent for uri in listed}
    for file in list(files):
        if file.generated_by is not None or not _is_model_file(file, folders):
            continue
        if file.src_uri not in listed:
            folder = PurePosixPath(file.src_uri).parent
            log.warning(
                "advisor: %s/%s is in a models folder but not listed under "
                "plugins.advisor.models, so it is not checked and has no pages and no quiz%s. "
                "Fix: add '%s' to plugins.advisor.models in mkdocs.yml, or move it out of "
                "%s/%s/.", docs_dir.name, file.src_uri,
                "" if publish else ", and it is not published", file.src_uri, docs_dir.name,
                folder)
        if not publish:
            files.remove(file)
    return files


