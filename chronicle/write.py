"""Write the site atomically: stage beside ``site/``, swap it in only when all is written.

A failed or interrupted build leaves the previous ``site/`` exactly as it was, and no
staging directory behind. The site a build replaces is removed by a detached process
(``discard``): with tens of thousands of files that takes seconds the command need not wait.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from types import FrameType

# Written into every site Chronicle makes: only a folder holding it (or an empty one) is ever replaced.
SITE_MARKER = ".chronicle-site"
MARKER_TEXT = ("Ce dossier est construit par Chronicle (python build.py build) et remplacé en entier à chaque "
               "construction : n'y mettez rien.\n").encode()
# Never an output: the project's inputs and what it keeps beside them.
PROJECT_FOLDERS = ("content", "templates", "static", "schema", "chronicle", "tests", ".git", ".github",
                   ".chronicle-cache")


class UnsafePathError(ValueError):
    """A file would be written outside the output directory."""


class OutputError(Exception):
    """The output folder is not Chronicle's own to replace (``output_refused``): nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Terminated(KeyboardInterrupt):
    """SIGTERM while writing: unwinds like Ctrl-C, so that the staging directory is removed."""


@contextmanager
def interruptions_unwind() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise once (KeyboardInterrupt, Terminated), then are
    ignored until the cleanup is done; the previous handlers come back after. Main thread only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if not fired:
            fired.append(signum)
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM ignored while inside (main thread only): for the last cleanup step."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def safe_relative(path: str) -> PurePosixPath:
    """``path`` as a relative path that stays inside the output directory."""
    pure = PurePosixPath(path)
    if (pure.is_absolute() or not pure.parts or any(part in ("..", ".", "") for part in pure.parts)
            or "\\" in path or "\x00" in path):
        raise UnsafePathError(f"chemin refusé hors de site/ : {path!r}")
    return pure


def relative_parts(path: str) -> tuple[str, ...]:
    """``safe_relative(path).parts``, without making a path object for a plain one (no empty, ``.`` or
    ``..`` part, no backslash, no NUL: its parts are its pieces between slashes), the others through
    ``safe_relative``, which refuses them or reads them as it always did (a build checks 34,000 paths
    at 10,000 events, some twice)."""
    parts = path.split("/")
    if "" in parts or "." in parts or ".." in parts or "\\" in path or "\x00" in path:
        return safe_relative(path).parts
    return tuple(parts)


def make_folders(paths: Iterable[str], directory: Path) -> None:
    """Check that every path of ``paths`` stays under ``directory``, then make their folders, in sorted order.

    Made in one known order before any file is written, the folders list the same way on every
    run even where a folder lists its entries in the order they were made (tmpfs): Pagefind
    numbers the pages in the order it finds them.
    """
    folders = {relative_parts(path)[:-1] for path in paths}
    folders |= {parts[:end] for parts in folders for end in range(1, len(parts))}  # their parents
    for parts in sorted(folders):  # each after its parent, siblings by name
        if parts:
            folder = os.path.join(directory, *parts)
            try:
                os.mkdir(folder)
            except FileExistsError:
                if not os.path.isdir(folder):
                    raise


def link_or_copy(source: str, target: str) -> None:
    """A hard link from ``target`` to ``source``, or a copy where the file system refuses."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path, skip: str = "") -> None:
    """Hard-link every file under ``source`` into the empty ``target``, but those of the top folder
    ``skip``. Folders are made first, each after its parent and before its later siblings by name,
    as ``make_folders`` makes them; then the files, in sorted order.

    The files are shared, not copied: they must be replaced (``os.replace``), never written into.
    Plain strings and ``os.scandir``: at 10,000 events this links 24,000 files in 14,000 folders.
    """
    files: list[tuple[str, str]] = []

    def walk(folder: str, into: str, where: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            path = f"{where}{entry.name}"
            if not entry.is_dir(follow_symlinks=False):
                files.append((path, entry.path))
            elif path != skip:
                os.mkdir(os.path.join(into, entry.name))
                walk(entry.path, os.path.join(into, entry.name), f"{path}/")

    walk(str(source), str(target), "")
    for path, found in sorted(files):
        link_or_copy(found, os.path.join(target, path))


def write_pages(pages: Iterable[tuple[str, bytes]], directory: Path, marker: bytes) -> list[str]:
    """Write each page of ``pages`` ((path, bytes), as ``render.render_stream`` yields them) under
    ``directory`` as it comes, their paths checked and their folders made (``make_folders``); the paths of
    those whose bytes contain ``marker``, sorted."""
    marked = []
    for path, body in pages:
        with open(os.path.join(directory, path), "wb") as file:
            file.write(body)
        if marker in body:
            marked.append(path)
    return sorted(marked)


def replace_file(directory: Path, path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` under ``directory`` atomically: beside it, then renamed over it (a reader
    never sees half a file; a hard link to another site's file is replaced, never written into).
    Its folders are made if missing; the temporary's name is this thread's own."""
    replace_target(directory.joinpath(*safe_relative(path).parts), data)


def replace_target(target: Path, data: bytes) -> None:
    """``replace_file`` at ``target``, a path already checked."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.edit")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_changed(directory: Path, path: str, data: bytes) -> bool:
    """``replace_file``, unless the file at ``path`` holds ``data`` already; whether it was written. Reading a
    page costs a fifth of writing it again, and most of the pages an edit renders again may be the same:
    an actor's new alias renders every searchable page, whose bytes change only where his spellings show."""
    target = directory.joinpath(*safe_relative(path).parts)  # checked once, for the reading and the writing
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    replace_target(target, data)
    return True


def write_tree(files: Mapping[str, bytes], directory: Path) -> None:
    """Write ``files`` ({relative path: bytes}) under ``directory``, in sorted order."""
    make_folders(files, directory)  # every path checked
    for path in sorted(files):
        write_file(os.path.join(directory, *relative_parts(path)), files[path])


def write_file(path: str, data: bytes) -> None:
    """``data`` written at ``path`` (no path object made: 20,000 data files at 10,000 events, their paths
    checked by ``make_folders``; with ``relative_parts``, 0.44 -> 0.23 s of CPU for them all)."""
    with open(path, "wb") as file:
        file.write(data)


class SiteFiles(Mapping[str, bytes]):
    """The files of a site written under ``directory``: {relative path: bytes}, each read when asked for."""

    def __init__(self, directory: Path, paths: Iterable[str]) -> None:
        self.directory = directory
        self.paths = tuple(sorted(set(paths)))
        self.known = frozenset(self.paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self.known:
            raise KeyError(path)
        return self.directory.joinpath(*safe_relative(path).parts).read_bytes()

    def __contains__(self, path: object) -> bool:
        return path in self.known

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def write_site(files: Mapping[str, bytes], out_dir: Path) -> None:
    """Replace ``out_dir`` by exactly ``files``; on any failure ``out_dir`` is untouched.

    Ctrl-C (SIGINT) and SIGTERM while writing are failures like any other: the previous
    site stays, the staging directory goes, and the interruption goes on up.
    """
    with staged_site(out_dir) as staging:
        write_tree(files, staging)


# The folders made beside the site, by what they hold, each named ``.site{role}-XXXXXXXX`` (``beside``):
# a build's staging folder, a replaced site being removed, ``serve``'s search bundle being made. One rule for
# their names, which ``discard`` and ``recover_output`` find them by.
STAGING, TRASH, SEARCH_STAGING = "", ".old", ".search"


def beside(out: Path, role: str) -> Path:
    """A new, empty folder beside the site ``out`` for ``role`` (``STAGING``, ``TRASH``, ``SEARCH_STAGING``)."""
    return Path(tempfile.mkdtemp(prefix=f".{out.name}{role}-", dir=out.parent))


@contextmanager
def staged_site(out_dir: Path) -> Iterator[Path]:
    """An empty folder beside ``out_dir`` to write the new site into, swapped in for ``out_dir`` at the end.

    If the block fails or is interrupted (SIGINT and SIGTERM unwind, see ``interruptions_unwind``),
    ``out_dir`` is left as it was. Either way the staging folder ``.site-*`` is gone afterwards;
    the site replaced goes on being removed in the background (``discard``).
    Whatever the block starts (processes, threads) must be stopped when it exits.
    """
    with interruptions_unwind():
        out = output_path(out_dir)  # never resolved through a link at ``out_dir`` itself
        out.parent.mkdir(parents=True, exist_ok=True)
        refused = output_refused(out)
        if refused:
            raise OutputError(refused)
        staging: Path | None = None
        try:
            staging = beside(out, STAGING)
            (staging / "new").mkdir()
            (staging / "new" / SITE_MARKER).write_bytes(MARKER_TEXT)
            yield staging / "new"
            if out.exists():
                os.rename(out, staging / "old")
            os.rename(staging / "new", out)
        except BaseException:
            if staging is not None and not out.exists() and (staging / "old").exists():
                os.rename(staging / "old", out)
            raise
        finally:
            if staging is not None:
                with signals_held():  # a signal now must not leave half a staging directory behind
                    if (staging / "old").exists():  # the site just replaced (a failure has put it back)
                        discard(staging / "old", out)
                    shutil.rmtree(staging, ignore_errors=True)


SWEEPERS: list[subprocess.Popen[bytes]] = []  # held until they end (``serve`` makes many), then reaped
SWEEP = "import shutil, sys\nfor path in sys.argv[1:]:\n    shutil.rmtree(path, ignore_errors=True)\n"


def discard(folder: Path, out: Path) -> None:
    """Remove ``folder``, the site that ``out`` replaced, without waiting for it.

    It is moved into a new ``.site.old-*`` folder beside ``out`` (so no longer under the staging
    folder) and removed there by a detached process, with any such folder that an earlier one
    did not finish (the machine stopped). Removing a site of 24,000 files takes 1 to 4 s, mostly
    waiting on the disk. Where it cannot be moved or no process can be started, it is removed
    here. Never raises: the new site is in place already.
    """
    trash: Path | None = None
    try:
        trash = beside(out, TRASH)
        os.rename(folder, trash / "site")
    except OSError:
        for path in (folder, trash):
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
        return
    trashed = sorted(out.parent.glob(f".{glob.escape(out.name)}{TRASH}-*"))
    try:
        if not sys.executable:
            raise OSError("no Python executable to start")
        SWEEPERS[:] = [sweeper for sweeper in SWEEPERS if sweeper.poll() is None]
        SWEEPERS.append(subprocess.Popen([sys.executable, "-I", "-S", "-c", SWEEP, *map(str, trashed)],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True,
                                         cwd=tempfile.gettempdir()))  # isolated: never the project's folder
    except OSError:
        for path in trashed:
            shutil.rmtree(path, ignore_errors=True)


def output_path(out_dir: Path) -> Path:
    """``out_dir`` made absolute with its parent resolved, but not itself: a link there stays a link."""
    if out_dir.name in ("", ".", ".."):  # names a folder by a path through it, never a link
        return out_dir.resolve()
    return out_dir.parent.resolve() / out_dir.name


def output_refused(out: Path) -> str | None:
    """Why the output folder ``out`` (``output_path``) is not Chronicle's to replace, if it is not:
    a symbolic link (the build would replace what it points to), something else than a folder, or
    a folder with files in it but no ``SITE_MARKER`` (Chronicle did not make it)."""
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "c'est un lien symbolique : Chronicle ne remplace jamais ce vers quoi il pointe."
    if not stat.S_ISDIR(info.st_mode):
        return "ce n'est pas un dossier."
    names = os.listdir(out)
    if names and not (SITE_MARKER in names and stat.S_ISREG(os.lstat(out / SITE_MARKER).st_mode)):
        return (f"ce dossier n'est pas vide et Chronicle ne l'a pas construit (il n'a pas de fichier "
                f"{SITE_MARKER}) : il serait remplacé en entier.")
    return None


def within(folder: Path, path: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (both absolute)."""
    return path == folder or folder in path.parents


def check_output(root: Path, out_dir: Path) -> str | None:
    """Why ``out_dir`` cannot be the output of the project ``root`` (resolved), in French, if it cannot:
    it is or holds the project or one of its folders (``content/``, ``templates/``…), it lies in one,
    or ``output_refused``."""
    lexical = Path(os.path.abspath(out_dir))
    if within(root, lexical):  # inside the project: no folder on the way may be a link (``build`` -> /)
        for parent in [*reversed(lexical.parents), lexical][len(root.parts):-1]:
            if parent.is_symlink():
                return f"le dossier « {parent.relative_to(root).as_posix()} » sur son chemin est un lien symbolique."
    out = output_path(out_dir)
    if within(out, root):
        return "il contient le projet lui-même : la construction le remplacerait."
    for name in PROJECT_FOLDERS:
        folder = root / name
        if within(out, folder) or within(folder, out):
            return f"il est, contient ou se trouve dans le dossier « {name} » du projet."
    return output_refused(out)


def recover_output(out_dir: Path) -> None:
    """Put back the site a killed build left aside, then remove the staging folders killed builds left.

    The swap is two renames (``staged_site``): a build killed between them leaves no ``out_dir``,
    the previous site in ``.site-XXXXXXXX/old``. Run at start, with the project locked, so that
    no staging folder found belongs to a live build (nor a ``.pagefind-XXXXXXXX`` folder, where
    Pagefind works beside the site: ``search.indexing``, nor a ``.site.search-XXXXXXXX`` folder, where
    ``serve``'s background index writes: ``serve.PendingSearch``; both left by a ``serve`` killed while
    Pagefind ran). Nothing is followed: a link named like a staging folder is not one (left alone).
    """
    out = output_path(out_dir)
    shape = re.compile(rf"\.(?:{re.escape(out.name)}(?:{re.escape(SEARCH_STAGING)})?|pagefind)-[A-Za-z0-9_]{{8}}")
    try:
        staging = [out.parent / name for name in sorted(os.listdir(out.parent)) if shape.fullmatch(name)]
        staging = [path for path in staging if stat.S_ISDIR(os.lstat(path).st_mode)]
    except OSError:
        return
    aside = [path / "old" for path in staging if path.name.startswith(f".{out.name}{STAGING}-")
             and os.path.isdir(path / "old") and not os.path.islink(path / "old")]
    if aside and not os.path.lexists(out):
        os.rename(max(aside, key=lambda path: os.lstat(path).st_mtime_ns), out)
    for path in staging:
        shutil.rmtree(path, ignore_errors=True)
