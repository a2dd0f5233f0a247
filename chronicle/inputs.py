"""Read the project's inputs besides the records: never through a symbolic link, never unbounded.

``schema/``, ``templates/``, ``static/``, ``content/site.yaml`` and ``content/published-urls.txt``
come with a pull request like the records do. Each path is opened one folder at a time from
the project's root with ``O_NOFOLLOW``: a link anywhere inside the project (to ``/proc/self/environ``,
to ``..``, dangling or looping) is a problem at its path, never followed. Only regular files
are read (a FIFO would block the build), each under a size cap, and text files get the
records' character scan (``chronicle.load``).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from chronicle.load import _FORBIDDEN_IN_TEXT, _scan_characters, _too_big, decode_text, format_count
from chronicle.problems import Problem

MAX_TEXT = 1_000_000         # a template, a schema, site.yaml
MAX_URL_LIST = 10_000_000    # content/published-urls.txt: tens of thousands of lines at scale
MAX_STATIC = 10_000_000      # a file of static/ (an image, a font)
MAX_STATIC_TOTAL = 50_000_000
# Files of static/ read as text (UTF-8, the character scan); the others are published as bytes.
TEXT_SUFFIXES = frozenset({".css", ".js", ".mjs", ".svg", ".txt", ".html", ".json", ".xml", ".webmanifest",
                           ".map", ".md"})
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_FOLDER_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)

LINK = "les liens symboliques ne sont pas acceptés."
NOT_REGULAR = "seuls des fichiers ordinaires sont acceptés ici."


class InputError(Exception):
    """An input could not be read safely; carries the problem(s) to report."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.format() for problem in problems))
        self.problems = problems


def problem(path: str, message: str, hint: str = "") -> Problem:
    """A problem about the file ``path`` as a whole."""
    return Problem(path, 0, 0, "", message, hint)


def _link_problem(path: str) -> Problem:
    return problem(path, LINK)  # as ``load`` words it: one problem where both see the link (content/site.yaml)


def _is_link(name: str, folder: int) -> bool:
    """Whether ``name`` in the folder ``folder`` (a descriptor) is a symbolic link."""
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open(name: str, flags: int, folder: int, where: str) -> int:
    """``os.open`` of ``name`` in the folder ``folder`` (a descriptor), never through a link."""
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno == errno.ELOOP or _is_link(name, folder):  # O_DIRECTORY on a link: ENOTDIR
            raise InputError([_link_problem(where)]) from None
        if error.errno == errno.ENOENT:
            raise FileNotFoundError(where) from None
        if error.errno == errno.ENOTDIR:
            raise InputError([problem(where, "un dossier est attendu ici, pas un fichier.")]) from None
        raise InputError([problem(where, f"illisible ({error.strerror}).")]) from None


def open_folder(root: Path, relative: str) -> int:
    """A descriptor of the folder ``relative`` (``a/b``) under ``root``, no component a link.

    Raises FileNotFoundError (missing) or InputError. ``root`` itself is the user's choice, trusted.
    """
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    done: list[str] = []
    try:
        for part in [part for part in relative.split("/") if part]:
            done.append(part)
            inner = _open(part, _FOLDER_FLAGS, folder, "/".join(done))
            os.close(folder)
            folder = inner
    except BaseException:
        os.close(folder)
        raise
    return folder


def _read_descriptor(handle: int, where: str, limit: int) -> bytes:
    """All of the open file ``handle`` if it is a regular file of at most ``limit`` bytes."""
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        raise InputError([problem(where, NOT_REGULAR)])
    if info.st_size > limit:
        raise InputError([_too_large(where, info.st_size, limit)])
    with os.fdopen(os.dup(handle), "rb", buffering=0) as file:
        data = file.read(limit + 1)
    if len(data) > limit:  # grew meanwhile
        raise InputError([_too_large(where, len(data), limit)])
    return data


def _too_large(where: str, size: int, limit: int) -> Problem:
    if limit == MAX_TEXT:
        return _too_big(where, size)
    return problem(where, f"fichier trop volumineux ({format_count(size)} octets ; maximum {format_count(limit)}).")


def read_bytes(root: Path, relative: str, limit: int = MAX_TEXT) -> bytes:
    """The bytes of the regular file ``relative`` under ``root``, no component a link, at most ``limit``.

    Raises FileNotFoundError when it is missing, InputError for anything else.
    """
    parent, _, name = relative.rpartition("/")
    folder = open_folder(root, parent)
    try:
        handle = _open(name, _FILE_FLAGS, folder, relative)
    finally:
        os.close(folder)
    try:
        return _read_descriptor(handle, relative, limit)
    finally:
        os.close(handle)


def text_problems(where: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """``data`` decoded (UTF-8), and the characters the records refuse too (``load._scan_characters``)."""
    text, bad = decode_text(where, data)
    if text is None:
        return None, [bad] if bad else []
    return text, _scan_characters(where, text.replace("\r\n", "\n"), _FORBIDDEN_IN_TEXT)


def read_text(root: Path, relative: str, limit: int = MAX_TEXT) -> str:
    """``read_bytes`` decoded and scanned; raises InputError on any problem."""
    text, problems = text_problems(relative, read_bytes(root, relative, limit))
    if problems or text is None:
        raise InputError(problems)
    return text


def read_tree(root: Path, relative: str, limit: int, text: bool = True) -> tuple[dict[str, bytes], list[Problem]]:
    """Every regular file under the folder ``relative`` of ``root`` ({path from ``root``: bytes}), and
    every problem: links (at any depth, to anything), other special files, sizes, and for text
    files (all if ``text``, else those of ``TEXT_SUFFIXES``) bad UTF-8 and forbidden characters.
    Names starting with a dot are skipped (``.gitkeep``, editors' files). A missing folder is empty.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    try:
        folder = open_folder(root, relative)
    except FileNotFoundError:
        return files, problems
    except InputError as error:
        return files, error.problems
    _walk(folder, relative, limit, text, files, problems)
    total = sum(len(data) for data in files.values())
    if total > MAX_STATIC_TOTAL:
        problems.append(problem(relative, f"dossier trop volumineux ({format_count(total)} octets ; maximum "
                                          f"{format_count(MAX_STATIC_TOTAL)})."))
    return files, sorted(problems)


def _walk(folder: int, where: str, limit: int, text: bool, files: dict[str, bytes], problems: list[Problem]) -> None:
    """``read_tree``'s walk of the open folder ``folder`` (closed here) found at ``where``."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry.name, entry.is_symlink(), entry.is_dir(follow_symlinks=False))
                             for entry in listing)
    except OSError as error:
        os.close(folder)
        problems.append(problem(where, f"dossier illisible ({error.strerror})."))
        return
    try:
        for name, is_link, is_dir in entries:
            path = f"{where}/{name}"
            if name.startswith("."):
                continue
            if is_link:
                problems.append(_link_problem(path))
                continue
            try:
                handle = _open(name, _FOLDER_FLAGS if is_dir else _FILE_FLAGS, folder, path)
            except InputError as error:
                problems.extend(error.problems)
                continue
            except FileNotFoundError:
                continue  # removed meanwhile
            if is_dir:
                _walk(handle, path, limit, text, files, problems)
                continue
            try:
                data = _read_descriptor(handle, path, limit)
            except InputError as error:
                problems.extend(error.problems)
                continue
            finally:
                os.close(handle)
            if text or os.path.splitext(name)[1].lower() in TEXT_SUFFIXES:
                problems.extend(text_problems(path, data)[1])
            files[path] = data
    finally:
        os.close(folder)


def json_problems(path: str, data: bytes) -> list[Problem]:
    """A problem where ``data`` is not one JSON object (a schema), positioned."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return []  # reported by the character scan
    except json.JSONDecodeError as error:
        return [Problem(path, error.lineno, error.colno, "", "JSON invalide à cet endroit.",
                        "Corrigez la syntaxe de ce schéma (guillemets, virgules, accolades).")]
    if not isinstance(parsed, dict):
        return [problem(path, "un schéma JSON doit être un objet ({ … }).")]
    return []


def check_inputs(root: Path) -> list[Problem]:
    """Every problem of ``templates/``, ``static/`` and ``content/published-urls.txt``, without following
    any link (``content/site.yaml`` and ``schema/`` are ``config.load_config``'s)."""
    problems: list[Problem] = []
    for name in ("templates", "static"):
        problems += read_tree(root, name, MAX_STATIC if name == "static" else MAX_TEXT, text=name != "static")[1]
    try:
        read_text(root, "content/published-urls.txt", MAX_URL_LIST)
    except FileNotFoundError:
        pass
    except InputError as error:
        problems += error.problems
    return problems
