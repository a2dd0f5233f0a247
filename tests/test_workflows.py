"""Continuous integration: the workflows parse and do what matters; the hosted build has no broken link."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, make_project
from tests.linkcheck import broken_links

WORKFLOWS = REPO / ".github" / "workflows"
OFFICIAL = {"actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"}


def workflow(name: str) -> dict[str, Any]:
    """A workflow file, parsed; PyYAML reads the key ``on`` as True, put back under "on"."""
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step of every job."""
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def commands(data: dict[str, Any]) -> list[str]:
    """Every ``run`` command of the workflow."""
    return [step["run"] for step in steps(data) if "run" in step]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_workflows_parse_and_use_only_official_actions(name: str) -> None:
    data = workflow(name)
    assert data["name"] and data["on"] and data["jobs"]
    for step in steps(data):
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            action, _, version = step["uses"].partition("@")
            assert action in OFFICIAL and re.fullmatch(r"v\d+", version), step["uses"]
    assert {f.name for f in WORKFLOWS.iterdir()} == {"pull-request.yml", "deploy.yml"}


def test_pull_request_checks_with_annotations_then_runs_the_tests() -> None:
    data = workflow("pull-request.yml")
    assert "pull_request" in data["on"]
    assert data["permissions"] == {"contents": "read"}
    run = commands(data)
    assert "python build.py check --format github" in run
    assert "python build.py check --format github --require-recorded-urls" in run
    assert any(command.endswith("bash .ci/run") for command in run)  # the whole suite, as CI runs it
    tests = data["jobs"]["tests"]
    assert tests["container"].endswith("-bookworm")  # Debian's Chromium, as the browser tests expect
    assert any("chromium" in command and "default-jre-headless" in command and "libicu-dev" in command
               for command in run)
    assert any(command.startswith("python build.py build --base-url") for command in run)


def test_ci_runs_the_readme_command_in_a_clone_with_nothing_beside_it() -> None:
    """.ci/run clones the commit alone into an empty folder, then runs the README's test command there."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert command in readme and script.rstrip().endswith(command)
    assert 'git clone -q --no-local "$repo" "$work/chronicle"' in script and "test ! -e ../shared" in script


def test_deploy_publishes_to_pages_under_the_project_path() -> None:
    data = workflow("deploy.yml")
    assert data["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in data["on"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    uses = [step.get("uses", "").partition("@")[0] for step in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    pages = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/configure-pages"))
    run = [step["run"] for step in build["steps"] if "run" in step]
    assert "python build.py check --format github --require-recorded-urls" in run
    assert f'python build.py build --base-url "${{{{ steps.{pages["id"]}.outputs.base_url }}}}/"' in run
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].partition("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_pull_request_template_has_the_editors_checklist() -> None:
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", text, flags=re.MULTILINE)
    assert len(boxes) >= 8
    for needed in ("mot pour mot", "python build.py check", "python build.py serve", "--record-urls", "aliases",
                   "corrections", "date_note"):
        assert any(needed in box for box in boxes), needed


def test_build_under_a_sub_path_has_no_broken_link(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    out = tmp_path / "publie"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build",
                             "--base-url", "https://exemple.github.io/chronique", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert broken_links(files) == []
    assert b'<link rel="canonical" href="https://exemple.github.io/chronique/acteurs/mark-milley/">' in files[
        "acteurs/mark-milley/index.html"]
    assert b"https://exemple.github.io/chronique/evenements/" in files["flux.xml"]
    # Hosts that read _redirects serve the site from their root: no sub-path; Netlify's forced rule, then
    # Cloudflare Pages' plain one.
    rules = [line for line in files["_redirects"].decode("utf-8").splitlines() if not line.startswith("#")]
    assert rules == ["/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301!",
                     "/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301"]
    not_found = files["404.html"].decode("utf-8")
    assert not re.findall(r'href="/(?!chronique/)', not_found)  # absolute links keep the project path
