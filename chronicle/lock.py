"""One build at a time per project: ``build`` (``--record-urls`` included) and ``serve`` hold a lock.

Two builds of different content writing one ``site/`` and one ``.chronicle-cache/`` at once
could leave a site that neither built, which the no-op cache would then call up to date.
The lock is ``fcntl.flock`` on ``.chronicle.lock`` at the project's root (git-ignored): the
kernel releases it when its holder exits, however it exits (a killed build never leaves a
stale lock). A second command does not wait: ``serve`` holds the lock for hours, so it
exits at once (code 75, "try again later") with a French message naming the holder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".chronicle.lock"
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_HOLDER = re.compile(r"([0-9]{1,10}) (build|serve)\n")  # what a holder writes: its pid and its command


class ProjectBusyError(Exception):
    """Another command holds the project's lock."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder

    @property
    def message(self) -> str:
        """What the editor reads: who holds the lock, and what to do."""
        match = _HOLDER.fullmatch(self.holder)
        who = (f"« python build.py {match.group(2)} » (processus {match.group(1)})" if match
               else "une autre commande « python build.py build » ou « serve »")
        return (f"{LOCK_FILE}: {who} travaille déjà sur ce projet ; rien n'a été modifié. Attendez qu'il "
                "finisse, ou arrêtez-le (Ctrl+C dans son terminal), puis relancez.")


class LockFileError(Exception):
    """``.chronicle.lock`` is not a regular file (a link, a folder…): it cannot be used safely."""

    @property
    def message(self) -> str:
        """The positioned problem, and what to do."""
        return (f"{LOCK_FILE}: ce verrou n'est pas un fichier ordinaire ({self.args[0]}) ; rien n'a été "
                f"modifié. Supprimez {LOCK_FILE} (il n'a pas sa place dans le dépôt), puis relancez.")


def _open_lock(root: Path) -> int | None:
    """A descriptor of the lock file, created if need be; None where the project cannot be written to."""
    try:
        fd = os.open(root / LOCK_FILE, _FLAGS, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW: a link, never followed, whatever it points to
            raise LockFileError("lien symbolique") from None
        if error.errno in (errno.EISDIR, errno.ENXIO, errno.ENOTDIR):
            raise LockFileError(error.strerror) from None
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return None  # a read-only checkout: the cache is never written there either
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or a device opened without blocking
        os.close(fd)
        raise LockFileError("fichier spécial")
    return fd


@contextmanager
def project_lock(root: Path, command: str) -> Iterator[None]:
    """Hold the lock of the project ``root`` for ``command`` ("build" or "serve") while the block runs.

    Raises ProjectBusyError at once if another process holds it, LockFileError if the lock file is
    not a regular file. In a project that cannot be written to, runs unlocked.
    """
    fd = _open_lock(root)
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProjectBusyError(os.pread(fd, 64, 0).decode("ascii", "replace")) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)  # for the message of the one refused
        yield
    finally:
        os.close(fd)  # releases the lock (forked workers of the build are gone by then)
