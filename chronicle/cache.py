"""Skip a build whose inputs and output are exactly as the last build left them.

The key (``Inputs``) covers everything a page depends on: the files of content/, templates/, static/
and schema/, the generator's own code, and the build's options. Files are compared by the
SHA-256 of their bytes: an edit that keeps a file's size and modification time (``cp -p``,
``rsync -t``, an archive, ``touch -r``) is rebuilt all the same. Inside those folders no
symbolic link is followed (the link itself is part of the key) and only regular files are
read. The output is checked too, so a hand-edited or deleted ``site/`` is rebuilt. CI starts
without the cache and always builds in full.

``.chronicle-cache/`` is the build's own, but it lies in a checkout that a pull request
fills: everything in it is opened relative to a descriptor of the folder, never through a
link, only when the folder is a real one; whatever is odd there (a file or a link in its
place, a folder where a record should be, a record of the wrong shape) means "build in
full", never a crash, and nothing is written through a link.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CACHE_DIR = ".chronicle-cache"
BUILD_RECORD = "build.json"
INPUTS = ("content", "templates", "static", "schema")
GENERATOR = Path(__file__).resolve().parent
MAX_RECORD = 1_000_000        # bytes of ``build.json`` (a few hundred in practice)
MAX_SCANNED = 200_000         # entries under the inputs: ten times the largest chronology planned
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO must not block the build
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def digest(path: str) -> str:
    """The SHA-256 of the regular file at ``path``, opened without following a link; else what it is."""
    try:
        fd = os.open(path, _READ)
    except OSError as error:  # a link put in its place since it was listed, or unreadable: the build says why
        return f"unreadable:{error.errno}"
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder or a FIFO put in its place
        os.close(fd)
        return "special"
    with os.fdopen(fd, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def scan(folder: str, lines: list[str], budget: list[int]) -> None:
    """Append "path, what it holds" for every entry under ``folder``, in a stable order.

    Links are listed with their target, never followed (a link to ``/`` is one line); a
    tree of more than ``MAX_SCANNED`` entries is cut short (``budget``) with a line no later
    scan repeats, so that it is built in full, and the build says what is wrong.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        lines.append(f"{folder}\0unlistable:{error.errno}")
        return
    for entry in entries:
        budget[0] -= 1
        if budget[0] < 0:
            lines.append(f"{folder}\0too many entries\0{os.urandom(16).hex()}")
            return
        try:
            if entry.is_symlink():
                lines.append(f"{entry.path}\0link\0{os.readlink(entry.path)}")
            elif entry.is_dir(follow_symlinks=False):
                scan(entry.path, lines, budget)
            elif entry.is_file(follow_symlinks=False):
                lines.append(f"{entry.path}\0{digest(entry.path)}")
            else:
                lines.append(f"{entry.path}\0special")
        except OSError as error:  # removed while listed
            lines.append(f"{entry.path}\0unreadable:{error.errno}")


def tree_fingerprint(folders: list[Path]) -> str:
    """A digest of the names and bytes of every file under ``folders`` (each followed if it is itself a link)."""
    lines: list[str] = []
    budget = [MAX_SCANNED]
    for folder in folders:
        lines.append(f"\0{folder}")
        scan(str(folder), lines, budget)
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def output_fingerprint(out_dir: Path) -> str:
    """The output folder as the last build left it: its own entries and their times.

    ``site/`` is never edited by hand (DESIGN.md); a build replaces it whole, which changes
    these, so a deleted or swapped output is noticed without reading 20,000 files.
    """
    try:
        entries = sorted((entry.name, entry.stat().st_mtime_ns) for entry in os.scandir(out_dir))
        own = out_dir.stat()
    except OSError:
        return ""
    return hashlib.sha256(repr((own.st_ino, own.st_mtime_ns, entries)).encode("utf-8", "surrogateescape")).hexdigest()


def content_files(root: Path) -> dict[str, str]:
    """Every entry under ``root/content``, by path from ``root``: the digest of its bytes (or what it is)."""
    lines: list[str] = []
    scan(str(root / "content"), lines, [MAX_SCANNED])
    start = len(str(root)) + 1  # the paths scanned begin with "<root>/content/"
    files = {}
    for line in lines:
        path, _, what = line.partition("\0")
        files[path[start:]] = what
    return files


@dataclass(frozen=True)
class Inputs:
    """What a build depends on, as it stands: to be taken before the build reads any of it (a file
    saved while the build runs then differs from what is recorded, and the next build redoes it)."""

    settings: str                # templates/, static/, schema/, the generator's code, the options
    content: dict[str, str]      # ``content_files``

    @property
    def key(self) -> str:
        """One fingerprint of them all."""
        listing = "\n".join(f"{path}\0{what}" for path, what in self.content.items())
        return hashlib.sha256(f"{self.settings}\n{listing}".encode("utf-8", "surrogateescape")).hexdigest()


def read_inputs(root: Path, out_dir: Path, options: dict[str, object]) -> Inputs:
    """The ``Inputs`` of a build of ``root`` into ``out_dir`` with ``options``, now."""
    files = tree_fingerprint([root / name for name in INPUTS if name != "content"] + [GENERATOR])
    settings = json.dumps({**options, "out": str(out_dir)}, sort_keys=True, default=str)
    return Inputs(hashlib.sha256(f"{files}{settings}".encode("utf-8", "surrogateescape")).hexdigest(),
                  content_files(root))


# --- .chronicle-cache/, never through a link --------------------------------------------------------


@contextmanager
def cache_folder(root: Path, create: bool = False) -> Iterator[int | None]:
    """A descriptor of ``root/.chronicle-cache`` if it is a real folder (made if ``create``), else None."""
    fd: int | None = None
    try:
        parent = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            if create:
                with suppress(FileExistsError):
                    os.mkdir(CACHE_DIR, 0o755, dir_fd=parent)
            fd = os.open(CACHE_DIR, _FOLDER, dir_fd=parent)
        finally:
            os.close(parent)
    except OSError:
        fd = None  # absent, a link, a file, unreadable: nothing is read there, nothing written
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def cache_anomaly(root: Path) -> str | None:
    """What is wrong with ``.chronicle-cache`` if it exists and is not a real folder, in French."""
    try:
        mode = os.lstat(root / CACHE_DIR).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return None
    what = "un lien symbolique" if stat.S_ISLNK(mode) else "un fichier"
    return (f"{CACHE_DIR}: c'est {what}, pas un dossier : il n'est ni lu ni écrit, et chaque construction est "
            f"complète. Supprimez-le pour retrouver les constructions rapides.")


def open_cached(root: Path, name: str) -> BinaryIO | None:
    """The regular file ``name`` of the cache, open for reading; None if absent or anything else."""
    with cache_folder(root) as folder:
        if folder is None:
            return None
        try:
            fd = os.open(name, _READ, dir_fd=folder)
        except OSError:
            return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a FIFO (opened without blocking)
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def read_cached(root: Path, name: str, limit: int) -> bytes | None:
    """The bytes of the cache's ``name`` if it is a regular file of at most ``limit`` bytes."""
    file = open_cached(root, name)
    if file is None:
        return None
    with file:
        data = file.read(limit + 1)
    return data if len(data) <= limit else None


def _clear(folder: int, name: str) -> None:
    """Remove ``name`` from the cache, whatever it is (a folder: its tree, never following a link)."""
    try:
        os.unlink(name, dir_fd=folder)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):  # Linux says EISDIR, others EPERM, for a folder
        shutil.rmtree(name, dir_fd=folder)


def write_cached(root: Path, name: str, write: Callable[[BinaryIO], None]) -> bool:
    """Write the cache's ``name`` whole (``write`` given the file), or leave it as it was; True if done.

    Written beside it then renamed; whatever stood at ``name`` (a folder, a link) is replaced,
    never written through. False where the cache cannot be written (a read-only checkout, an
    odd ``.chronicle-cache``): the next build is then a full one, slower, never wrong.
    """
    temporary = f".{name}.{os.getpid()}.tmp"
    with cache_folder(root, create=True) as folder:
        if folder is None:
            return False
        try:
            _clear(folder, temporary)
            with os.fdopen(os.open(temporary, _WRITE, 0o644, dir_fd=folder), "wb") as file:
                write(file)
            try:
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as error:
                if error.errno not in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
                    raise
                _clear(folder, name)  # a folder where the file should be
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            return True
        except BaseException as error:  # an interrupted write leaves nothing behind
            with suppress(OSError):
                _clear(folder, temporary)
            if isinstance(error, OSError):
                return False
            raise


def remove_cached(root: Path, name: str) -> None:
    """Remove the cache's ``name`` if it is there (never through a link)."""
    with cache_folder(root) as folder:
        if folder is not None:
            with suppress(OSError):
                _clear(folder, name)


def sweep_cache(root: Path) -> None:
    """Remove what killed builds left in the cache (its temporaries: their names start with a dot).

    Called under the project's lock (``chronicle.lock``): no other build is writing them.
    """
    with cache_folder(root) as folder:
        if folder is None:
            return
        with suppress(OSError):
            for name in os.listdir(folder):
                if name.startswith("."):
                    with suppress(OSError):
                        _clear(folder, name)


# --- the no-op build ----------------------------------------------------------------------------------


def is_up_to_date(root: Path, out_dir: Path, inputs: str) -> bool:
    """True when neither the inputs (``Inputs.key``, now) nor the output changed since the last recorded build."""
    data = read_cached(root, BUILD_RECORD, MAX_RECORD)
    try:
        recorded = json.loads(data) if data is not None else None
    except ValueError:
        return False
    return out_dir.is_dir() and recorded == {"inputs": inputs, "output": output_fingerprint(out_dir)}


def remember_build(root: Path, out_dir: Path, inputs: str) -> None:
    """Record a build that has just succeeded: its ``Inputs.key``, and its output as it now stands."""
    record = json.dumps({"inputs": inputs, "output": output_fingerprint(out_dir)}).encode()

    def write(file: BinaryIO) -> None:
        file.write(record)

    write_cached(root, BUILD_RECORD, write)


def forget_build(root: Path) -> None:
    """Drop the record, so that the next build runs in full."""
    remove_cached(root, BUILD_RECORD)
