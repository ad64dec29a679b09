"""Push planning: the pre-push input lines and the commits a push brings to the remote."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.gitcall import git_output, resolve_commit, run_git

# SHA-1 ids have 40 hex digits, SHA-256 ids 64; git writes an all-zero id of
# the repository's length for a ref that does not exist on one side.
_OBJECT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")

NEW_HISTORY_LIMIT = 100
"""Maximum commits reviewed when it is unknown which commits the remote already has."""


class PushInputError(ValueError):
    """Pre-push input or a range argument that git would not accept."""


@dataclass(frozen=True, slots=True)
class PlanNote:
    """A fact about the plan worth a line in the output, as a message key and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PushUpdate:
    """One line of pre-push input: `<local ref> <local id> <remote ref> <remote id>`."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        """True when the push deletes `remote_ref` (the local id is all zeros)."""
        return is_zero_id(self.local_sha)

    @property
    def creates(self) -> bool:
        """True when `remote_ref` does not exist on the remote yet."""
        return is_zero_id(self.remote_sha)


@dataclass(slots=True)
class PushPlan:
    """The commits to review for a push, as `git log` revision arguments."""

    revisions: tuple[str, ...]
    """Empty when the push brings no commits (only deletions, or nothing at all)."""
    tips: tuple[str, ...] = ()
    """Commit ids the push sends, tags peeled."""
    notes: list[PlanNote] = field(default_factory=list)
    limited: bool = False
    """True when only the newest `NEW_HISTORY_LIMIT` commits are reviewed."""
    label: str = ""
    """Short name of what is reviewed for headings: pushed refs, a range, or `HEAD`."""

    @property
    def empty(self) -> bool:
        return not self.revisions


def is_zero_id(sha: str) -> bool:
    """Return True for git's all-zero object id of either length (SHA-1 or SHA-256)."""
    return len(sha) in (40, 64) and set(sha) == {"0"}


def parse_push_input(text: str) -> list[PushUpdate]:
    """Parse the lines git writes to a pre-push hook's stdin; blank lines are skipped."""
    updates: list[PushUpdate] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue

        # Ref names cannot contain whitespace, so a valid line splits into exactly four fields.
        fields = line.split()
        if len(fields) != 4:
            raise PushInputError(f"pre-push input line {number} has {len(fields)} fields, expected 4: {line!r}")
        local_ref, local_sha, remote_ref, remote_sha = fields
        for sha in (local_sha, remote_sha):
            if not _OBJECT_ID.match(sha):
                raise PushInputError(f"pre-push input line {number} has an invalid object id: {sha!r}")

        updates.append(PushUpdate(local_ref, local_sha, remote_ref, remote_sha))
    return updates


def has_remote_tracking_refs(repo: Path) -> bool:
    """Return True when the repository has at least one ref under `refs/remotes/`."""
    return bool(git_output(repo, "for-each-ref", "--count=1", "--format=%(refname)", "refs/remotes/"))


def short_ref(ref: str) -> str:
    """Return `ref` without `refs/heads/`, `refs/tags/` or `refs/remotes/`, for display."""
    for prefix in ("refs/heads/", "refs/tags/", "refs/remotes/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def plan_push(repo: Path, updates: Sequence[PushUpdate]) -> PushPlan:
    """Work out which commits `updates` bring to the remote.

    A deleted ref brings nothing. A tag is peeled to its commit. Commits that
    the remote already has are excluded: the old remote id of every updated
    ref that exists locally, and everything on a remote-tracking ref
    (`--not --remotes`), so a new branch never reviews the whole history.
    """
    tips: list[str] = []
    known_on_remote: list[str] = []
    notes: list[PlanNote] = []

    for update in updates:
        if update.deletes:
            notes.append(PlanNote("push.deleted", {"ref": update.remote_ref}))
            continue

        tip = resolve_commit(repo, update.local_sha)
        if tip is None:
            # A tag of a tree or a blob carries no commit to review.
            notes.append(PlanNote("push.not_commit", {"ref": update.local_ref}))
            continue
        if tip not in tips:
            tips.append(tip)

        # The remote id may be missing here when someone else pushed since our last fetch.
        if not update.creates:
            remote_commit = resolve_commit(repo, update.remote_sha)
            if remote_commit is not None and remote_commit not in known_on_remote:
                known_on_remote.append(remote_commit)

    label = ", ".join(short_ref(update.remote_ref) for update in updates)
    if not tips:
        return PushPlan(revisions=(), notes=notes, label=label)
    plan = _plan_tips(repo, tuple(tips), known_on_remote, notes)
    plan.label = label
    return plan


def plan_pre_commit(repo: Path, environ: Mapping[str, str]) -> PushPlan | None:
    """Plan the review from the variables the pre-commit framework sets at stage pre-push.

    pre-commit passes the first pushed ref as `PRE_COMMIT_FROM_REF` (what the
    remote has, or the parent of the first new commit) and `PRE_COMMIT_TO_REF`
    (the pushed commit). When the push carries the root commit it sets neither,
    only `PRE_COMMIT_LOCAL_BRANCH` and `PRE_COMMIT_REMOTE_NAME`. Returns None when
    none of these is set.
    """
    from_ref = environ.get("PRE_COMMIT_FROM_REF", "").strip()
    to_ref = environ.get("PRE_COMMIT_TO_REF", "").strip()
    local_branch = environ.get("PRE_COMMIT_LOCAL_BRANCH", "").strip()
    remote_name = environ.get("PRE_COMMIT_REMOTE_NAME", "").strip()
    if not (from_ref or to_ref or local_branch):
        return None

    tip = resolve_commit(repo, to_ref or local_branch)
    if tip is None:
        return PushPlan(revisions=(), notes=[PlanNote("push.not_commit", {"ref": to_ref or local_branch})])

    known_on_remote: list[str] = []
    if from_ref:
        base = resolve_commit(repo, from_ref)
        if base is not None:
            known_on_remote.append(base)
    plan = _plan_tips(repo, (tip,), known_on_remote, [], remote_name=remote_name or None)
    plan.label = short_ref(environ.get("PRE_COMMIT_REMOTE_BRANCH", "").strip() or local_branch or to_ref[:12])
    return plan


def plan_default(repo: Path) -> PushPlan:
    """Plan a review of what `git push` of the current branch would send.

    With an upstream that is `@{upstream}..HEAD`; without one, the commits of
    HEAD that no remote-tracking ref contains.
    """
    head = resolve_commit(repo, "HEAD")
    if head is None:
        return PushPlan(revisions=(), notes=[PlanNote("push.no_head")])

    upstream = run_git(repo, "rev-parse", "--verify", "--quiet", "--symbolic-full-name", "@{upstream}", check=False)
    if upstream.returncode == 0 and upstream.stdout.strip():
        upstream_name = upstream.stdout.strip()
        label = f"{short_ref(upstream_name)}..HEAD"
        return PushPlan(revisions=(f"{upstream_name}..HEAD",), tips=(head,), label=label)
    plan = _plan_tips(repo, (head,), [], [])
    plan.label = "HEAD"
    return plan


def plan_range(repo: Path, text: str) -> PushPlan:
    """Plan a review of a range the user gave (`A..B`, `A...B` or one revision).

    One revision means its commits that no remote-tracking ref contains, like
    a push of that revision would send.
    """
    if text.startswith("-"):
        # git would read it as an option, so it cannot name a revision here.
        raise PushInputError(f"range must not start with '-': {text!r}")

    if ".." in text:
        return PushPlan(revisions=(text,), label=text)

    tip = resolve_commit(repo, text)
    if tip is None:
        raise PushInputError(f"revision not found: {text!r}")
    plan = _plan_tips(repo, (tip,), [], [])
    plan.label = text
    return plan


def _plan_tips(
    repo: Path,
    tips: tuple[str, ...],
    known_on_remote: list[str],
    notes: list[PlanNote],
    remote_name: str | None = None,
) -> PushPlan:
    """Build the revision arguments for `tips` minus what the remote is known to have."""
    remote_refs = f"--remotes={remote_name}" if remote_name else "--remotes"
    if has_remote_tracking_refs(repo):
        return PushPlan(revisions=(*tips, "--not", *known_on_remote, remote_refs), tips=tips, notes=notes)
    if known_on_remote:
        return PushPlan(revisions=(*tips, "--not", *known_on_remote), tips=tips, notes=notes)

    # With no remote-tracking refs and no old remote id, it is unknown what the
    # remote has, so everything reachable counts as new. The cap keeps the first
    # push of a long history quick, and --no-walk shows exactly the listed commits.
    newest = git_output(repo, "rev-list", f"--max-count={NEW_HISTORY_LIMIT + 1}", *tips).split()
    if len(newest) <= NEW_HISTORY_LIMIT:
        return PushPlan(revisions=tips, tips=tips, notes=notes)
    notes.append(PlanNote("push.limited", {"count": NEW_HISTORY_LIMIT}))
    return PushPlan(revisions=("--no-walk", *newest[:NEW_HISTORY_LIMIT]), tips=tips, notes=notes, limited=True)
