"""When each record was first published and last changed, read from the repository's history.

Like Hugo's ``enableGitInfo``: a record's file dates its page. The first commit that added the
file (followed through renames) is its publication, the last commit that touched it its update;
both are committer dates, so a build is the same for a given commit whatever the clock or the
checkout's file times. The pages not made of one record (home, lists, about) take the dates of
the whole of ``content/``.

Git runs isolated, since a repository's configuration can run programs (``core.fsmonitor``,
``diff.external``, pagers): from an empty temporary folder, with ``-C`` pointing at the project,
no system or global configuration, the risky keys of the repository's own configuration
overridden on the command line, and every option the output depends on given explicitly.

Fallback, outside git (no ``git``, not a repository, no commit yet, or a project in a sub-folder of
another project's repository) and for a file git does not
know yet (not committed): the dates given by ``SOURCE_DATE_EPOCH`` (the reproducible-builds
convention) when it is set, else none. A page without dates shows none, the sitemap gives no
``lastmod``, and the feed dates such an entry by its event. A shallow clone would date every
page by its last commit: the workflows fetch the whole history (``fetch-depth: 0``).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chronicle.dates import format_day

CONTENT = "content"
# The repository's own configuration cannot be switched off: these keys, which run programs or change
# the output parsed here, are overridden for the one command.
OVERRIDES = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.quotePath=false", "core.pager=cat",
             "diff.external=", "log.showSignature=false", "log.follow=false", "log.mailmap=false",
             "diff.renames=true", "color.ui=false", "safe.bareRepository=explicit")
TIMEOUT = 60  # seconds: a history of 100,000 commits reads in a few


@dataclass(frozen=True)
class Stamp:
    """A page's two dates, as POSIX seconds (UTC)."""

    published: int
    updated: int

    def view(self) -> dict[str, str]:
        """The dates as the templates use them: ISO 8601 in UTC, and in French words."""
        return {"published": iso(self.published), "updated": iso(self.updated),
                "published_day": iso(self.published)[:10], "updated_day": iso(self.updated)[:10],
                "published_text": french(self.published), "updated_text": french(self.updated),
                "changed": french(self.updated) != french(self.published)}


@dataclass(frozen=True)
class History:
    """The dates of every file of ``content/`` that git knows, and the fallback for the others."""

    files: dict[str, Stamp] = field(default_factory=dict)  # path under the project root -> dates
    fallback: Stamp | None = None
    whole: Stamp | None = None  # the whole of content/
    shallow: bool = False

    def of(self, *paths: str) -> Stamp | None:
        """The dates of the page made of ``paths``: the first publication and the last change among them."""
        if len(paths) == 1:  # an event's, an actor's page: asked 10,000 times by each plan of the feed
            return self.files.get(paths[0], self.fallback)
        known = [self.files[p] for p in paths if p in self.files]
        if not known:
            return self.fallback
        return Stamp(min(s.published for s in known), max(s.updated for s in known))

    def site(self) -> Stamp | None:
        """The dates of the pages not made of one record."""
        return self.whole or self.fallback


def iso(seconds: int) -> str:
    """``2024-11-27T14:05:00Z``."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def french(seconds: int) -> str:
    """``27 novembre 2024`` (``1er`` for the first of the month)."""
    return format_day(datetime.fromtimestamp(seconds, UTC).date())


def git_environment() -> dict[str, str]:
    """The environment git runs in: none of the caller's GIT_* variables, no system or global
    configuration, no prompt, no pager."""
    keep = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    keep.pop("PAGER", None)
    return {**keep, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


def run_git(root: Path, *arguments: str) -> str | None:
    """The output of ``git -C root arguments`` run isolated, or None if git is missing or fails."""
    command = ["git", "--no-pager", *(part for key in OVERRIDES for part in ("-c", key)), "-C", str(root.resolve()),
               *arguments]
    with tempfile.TemporaryDirectory(prefix="chronicle-git-") as empty:
        try:
            done = subprocess.run(command, cwd=empty, env=git_environment(), capture_output=True, timeout=TIMEOUT,
                                  stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def head_commit(root: Path) -> str:
    """The id of the commit checked out, or "" outside git (it keys the build cache: a new commit
    changes the pages' dates without changing a file).

    Only a project at the top of its own repository has a history: a project copied into a folder
    of another repository (the tests' fixture) is treated as outside git.
    """
    output = run_git(root, "rev-parse", "--show-toplevel", "--verify", "--quiet", "HEAD^{commit}")
    if output is None:
        return ""
    lines = output.splitlines()
    if len(lines) != 2 or Path(lines[0]).resolve() != root.resolve():
        return ""
    return lines[1].strip()


def source_date_epoch() -> Stamp | None:
    """The fallback dates: ``SOURCE_DATE_EPOCH`` when set to a number of seconds, else none."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return Stamp(int(value), int(value)) if value.isdigit() else None


def parse_log(output: str) -> tuple[dict[str, Stamp], list[int]]:
    """Dates per file from ``git log --name-status`` (newest commit first), renames followed.

    A commit starts with a line ``\\x01<committer seconds>``; each change is ``<status>\\t<path>``
    or ``R<score>\\t<old>\\t<new>``. Walking back in time, a rename makes the old path's earlier
    history that of the file's current path; a deletion ends the history of the path it deleted.
    """
    newest: dict[str, int] = {}
    oldest: dict[str, int] = {}
    now_called: dict[str, str | None] = {}  # a path at this point of history -> its path today (None: deleted)
    commits: list[int] = []
    when = 0
    for line in output.splitlines():
        if line.startswith("\x01"):
            when = int(line[1:])
            commits.append(when)
            continue
        status, _, paths = line.partition("\t")
        if not paths:
            continue
        parts = paths.split("\t")
        current = now_called.get(parts[-1], parts[-1])
        if status.startswith("D"):
            now_called[parts[-1]] = None
            continue
        if current is None:
            continue
        newest.setdefault(current, when)
        oldest[current] = when
        if status.startswith("R") and len(parts) == 2:  # a copy (C) leaves the old path its own history
            now_called[parts[0]] = current
    stamps = {path: Stamp(oldest[path], newest[path]) for path in newest}
    return stamps, commits


def read_history(root: Path) -> History:
    """The dates of ``root``'s records from its git history, or the fallback (see the module)."""
    fallback = source_date_epoch()
    if not head_commit(root):
        return History(fallback=fallback)
    output = run_git(root, "log", "--relative", "--no-merges", "--name-status", "-M", "--no-color",
                     "--no-ext-diff", "--no-textconv", "--no-show-signature", "--no-mailmap", "--format=%x01%ct",
                     "HEAD", "--", CONTENT)
    if output is None:
        return History(fallback=fallback)
    files, commits = parse_log(output)
    whole = Stamp(min(commits), max(commits)) if commits else None
    shallow = (run_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    return History(files, fallback, whole, shallow)
