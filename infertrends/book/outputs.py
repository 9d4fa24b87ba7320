"""Output folders a command may write into, and never anything else.

A command that writes (``run --out``, ``scenarios --out``) first *claims* its folder with
:func:`claim`: a new folder, an empty one, or one this package wrote before (it holds the marker
file :data:`MARKER`, which lists every file the last run left there). It refuses

* a path that resolves (symlinks followed) into the book, the published site, the data, the
  package, the tests, the build cache or the repository's git folder;
* a folder that already holds files it did not write (or a symlink), and a path that is not a folder;
* a folder it cannot create or write, in one line instead of a traceback.

Every sub-folder the command then writes is checked with :meth:`Owned.sub`: it must resolve to a
place inside the claimed folder (a symlink planted at ``DIR/site`` cannot redirect the write).
:meth:`Owned.seal` records what the run left, so the next run into the same folder may replace it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from infertrends.data import ROOT, data_dir

#: The file that marks a folder as written by this package (JSON: what wrote it, the files it left).
MARKER = ".infertrends-output.json"


class OutputError(RuntimeError):
    """An output folder this package may not write into (one line, naming the path and why)."""


def protected() -> dict[Path, str]:
    """Folders no command's output may resolve into, each with what it is."""
    places = {ROOT / "book" / "_build" / "html": "the published site", ROOT / "book": "the book's sources",
              data_dir(): "the data",
              ROOT / "data": "the data", ROOT / "infertrends": "the package's sources",
              ROOT / "tests": "the tests and their references", ROOT / "build": "the build's cache",
              ROOT / ".git": "the repository's history"}
    return {p.resolve(): what for p, what in places.items()}


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_protected(path: Path, what: str) -> Path:
    """``path`` resolved (symlinks followed), or :class:`OutputError` if it lands in a protected folder."""
    given = Path(os.path.abspath(path))
    resolved = given.resolve()
    where = [name for place, name in protected().items() if _inside(resolved, place)]
    if resolved == ROOT.resolve():
        where.append("the repository's root")
    if where:
        shown = f"{path} (which leads to {resolved})" if given != resolved else str(path)
        raise OutputError(f"refusing to write {what} into {shown}: it is inside {where[0]}; choose a folder outside "
                          "it, e.g. runs/")
    return resolved


def _files(folder: Path) -> list[str]:
    """Every file and symlink under ``folder`` (symlinks not followed), relative, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        links = [d for d in dirnames if (base / d).is_symlink()]
        out += [(base / n).relative_to(folder).as_posix() for n in filenames + links]
    return sorted(out)


@dataclass(frozen=True)
class Owned:
    """A folder this command may write into (resolved), and the kind of output it holds."""

    path: Path
    what: str

    def sub(self, name: str) -> Path:
        """``path / name``, refused if it resolves outside the folder (a planted symlink) or into a protected one."""
        target = self.path / name
        resolved = target.resolve()
        if not _inside(resolved, self.path):
            raise OutputError(f"refusing to write into {target}: it leads to {resolved}, outside the output folder "
                              f"{self.path}")
        refuse_protected(target, self.what)
        return resolved

    def seal(self) -> None:
        """Record every file now in the folder as this package's (the next run may replace them)."""
        files = [f for f in _files(self.path) if f != MARKER and not (self.path / f).is_symlink()]
        (self.path / MARKER).write_text(json.dumps({"written_by": "infertrends", "what": self.what, "files": files},
                                                   indent=1) + "\n", encoding="utf-8")


def check(folder: Path, what: str) -> Path:
    """``folder`` resolved if this command may make it its output folder, else :class:`OutputError` saying why not.
    Writes nothing: a command checks its folder first, so that a refusal comes before any work."""
    resolved = refuse_protected(folder, what)
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"cannot write {what} into {folder}: it is a file, not a folder")
    if resolved.is_dir() and any(resolved.iterdir()):
        marker = resolved / MARKER
        if not marker.is_file():
            raise OutputError(f"refusing to write {what} into {folder}: it already holds files this command did not "
                              "write; choose a new or empty folder")
        try:
            known = set(json.loads(marker.read_text(encoding="utf-8"))["files"])
        except (ValueError, KeyError, TypeError):
            raise OutputError(f"refusing to write {what} into {folder}: its marker {marker} is damaged; choose a new "
                              "or empty folder") from None
        foreign = [f for f in _files(resolved) if f != MARKER and f not in known]
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise OutputError(f"refusing to write {what} into {folder}: {resolved / foreign[0]}{more} were not "
                              "written by this command and would be replaced or deleted; move them or choose "
                              "another folder")
    return resolved


def claim(folder: Path, what: str) -> Owned:
    """Make ``folder`` this command's output folder, or raise :class:`OutputError` saying why not."""
    resolved = check(folder, what)
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        owned = Owned(resolved, what)
        if not (resolved / MARKER).exists():
            owned.seal()
    except OSError as err:
        raise OutputError(f"cannot write {what} into {folder}: {err.strerror or err}") from None
    return owned
