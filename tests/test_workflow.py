"""The GitHub Actions workflow is hardened: every action is pinned to a full commit SHA (a tag can be
moved) with its release in a comment, checkout leaves no token in .git/config for the code installed
from PyPI afterwards, and no concurrency setting can cancel a run of a push to main or a Pages
deployment in flight; only superseded pull-request runs are cancelled."""

from __future__ import annotations

import re

import pytest
import yaml

WORKFLOW = ".github/workflows/book.yml"

# owner/repo[/path]@<40 hex>, then a comment naming the release, e.g. `# v4.2.2`
PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")
RELEASE_COMMENT = re.compile(r"#\s*v\d+(?:\.\d+)*\b")

PUSH_TO_MAIN = {"github.event_name": "push", "github.ref": "refs/heads/main"}
PULL_REQUEST = {"github.event_name": "pull_request", "github.ref": "refs/pull/1/merge"}


@pytest.fixture(scope="module")
def text(root) -> str:
    return (root / WORKFLOW).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wf(text) -> dict:
    return yaml.safe_load(text)


def steps(wf: dict) -> list[dict]:
    return [s for job in wf["jobs"].values() for s in job.get("steps", [])]


def used(wf: dict) -> list[str]:
    """Every `uses:` of the workflow: of steps, and of jobs that call a reusable workflow."""
    return [s["uses"] for s in steps(wf) if "uses" in s] + [j["uses"] for j in wf["jobs"].values() if "uses" in j]


def unpinned(text: str, wf: dict) -> list[str]:
    """The `uses:` that are not `owner/repo@<40 hex> # vN...` (local `./` actions need no pin)."""
    lines = [m for m in map(USES_LINE.match, text.splitlines()) if m]
    bad = [u for u in used(wf) if not u.startswith("./") and not PINNED.fullmatch(u)]
    bad += [m.group(0).strip() for m in lines if not m.group("ref").startswith("./")
            and not (m.group("comment") and RELEASE_COMMENT.match(m.group("comment")))]
    if len(lines) != len(used(wf)):  # a `uses` the line check cannot see (flow style, quoting)
        bad.append(f"{len(used(wf))} uses in the YAML, {len(lines)} `uses:` lines")
    return bad


def expression(value, context: dict[str, str]):
    """Evaluate `${{ ... }}` as GitHub does for the little it needs: github.event_name and github.ref,
    string literals, true/false, ==, !=, !, &&, || and parentheses (string comparison ignores case)."""
    m = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", value, flags=re.S)
    assert m, f"not an expression: {value!r}"
    out = []
    for tok in re.findall(r"\s+|==|!=|&&|\|\||!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.-]*|.", m.group(1)):
        if tok.isspace():
            continue
        if tok in ("==", "!=", "(", ")"):
            out.append(tok)
        elif tok in ("&&", "||", "!"):
            out.append({"&&": " and ", "||": " or ", "!": " not "}[tok])
        elif tok in ("true", "false"):
            out.append(str(tok == "true"))
        elif tok.startswith("'"):
            out.append(repr(tok[1:-1].replace("''", "'").casefold()))
        elif tok in context:
            out.append(repr(context[tok].casefold()))
        else:
            pytest.fail(f"cannot tell when {value!r} is true: unknown {tok!r}; keep the expression simple")
    return eval("".join(out), {"__builtins__": {}}, {})  # only the literals and operators above


def cancels(concurrency, context: dict[str, str]) -> bool:
    """Whether a run in this context cancels the run in progress of its group."""
    if concurrency is None or isinstance(concurrency, str):  # a bare group never cancels
        return False
    flag = concurrency.get("cancel-in-progress", False)
    if isinstance(flag, bool):
        return flag
    return bool(expression(flag, context))


def test_every_action_is_pinned_to_a_commit_sha_with_its_release_in_a_comment(text, wf):
    assert used(wf), "the workflow uses no action: is this the right file?"
    assert unpinned(text, wf) == []


def test_every_checkout_keeps_the_token_out_of_git_config(wf):
    checkouts = [s for s in steps(wf) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step
    build = wf["jobs"]["build"]["steps"]
    assert next(s for s in build if "uses" in s)["with"]["fetch-depth"] == 0  # the footer's commit and date


def test_no_concurrency_cancels_a_push_to_main_only_superseded_pull_requests(wf):
    top = wf.get("concurrency")
    assert top is not None, "the workflow-level group keeps one run per ref"
    flag = top.get("cancel-in-progress", False) if isinstance(top, dict) else False
    assert flag is False or isinstance(flag, str), f"cancel-in-progress: {flag!r}"
    assert not cancels(top, PUSH_TO_MAIN), "a push to main may be deploying: never cancel it"
    if isinstance(flag, str):
        assert cancels(top, PULL_REQUEST), "an expression here should cancel superseded pull-request runs"
    for name, job in wf["jobs"].items():
        assert not cancels(job.get("concurrency"), PUSH_TO_MAIN), f"job {name} can cancel a push to main"


def test_the_deploy_job_has_its_own_group_that_never_cancels(wf):
    group = wf["jobs"]["deploy"].get("concurrency")
    assert isinstance(group, dict) and group.get("group"), "the deploy job needs its own concurrency group"
    assert group.get("cancel-in-progress") is False  # said explicitly, not left to the default
    top = wf["concurrency"]
    assert group["group"] != (top["group"] if isinstance(top, dict) else top)  # a shared group would deadlock


def test_the_checks_can_fail():
    old = "jobs:\n  b:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: a/b@" + "0" * 40 + "\n"
    assert len(unpinned(old, yaml.safe_load(old))) == 3  # a tag; two uses without a release comment
    sha = "      - uses: actions/checkout@" + "a" * 40 + "  # v4.2.2\n"
    good = "jobs:\n  b:\n    steps:\n" + sha
    assert unpinned(good, yaml.safe_load(good)) == []
    assert cancels({"group": "g", "cancel-in-progress": True}, PUSH_TO_MAIN)
    assert cancels({"group": "g", "cancel-in-progress": "${{ github.ref != 'refs/heads/dev' }}"}, PUSH_TO_MAIN)
    pr_only = {"group": "g", "cancel-in-progress": "${{ github.event_name == 'Pull_Request' }}"}
    assert not cancels(pr_only, PUSH_TO_MAIN) and cancels(pr_only, PULL_REQUEST)
    assert not cancels("g", PUSH_TO_MAIN) and not cancels({"group": "g"}, PUSH_TO_MAIN)
