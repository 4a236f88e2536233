"""第三十一条: a public, fair and verifiable order of allocation (配租), with priority groups.

第三十一条: “产业园区筹集的保障性租赁住房，可以优先面向本园区符合条件人员公开租赁；企事业单位利用自有土地自筹
资金建设的保障性租赁住房，可以优先面向符合条件的本企事业单位人员或指定条件人员租赁。…保障性租赁住房配租以
公开、公平、公正为原则。”

Procedure (how “公开、公平、公正” is read):

1. Before the draw the operator publishes the applicant list — each applicant key with its priority rank —
   together with ``commitment(seed)``, the SHA-256 of a secret seed made by :func:`new_seed`.
2. The draw orders applicants by (rank, HMAC-SHA256(key=seed, msg=applicant key)): rank 0 is the first
   priority group (e.g. the park's own staff), 1 the second, …; a large rank (1_000_000) means no priority.
   Within a group the order is the HMAC, which nobody can predict without the seed.
3. After the draw the operator publishes the seed and the order; anyone can :func:`verify` that the seed
   is the committed one and that the order recomputes from it and the published list.

Readings and limits:

* Who belongs to which priority group is the operator's decision under 第三十一条; the rule only orders ranks.
* Applicant keys must be unique (a duplicate raises ValueError in :func:`draw`); a tie of HMACs cannot happen
  in practice, and the key itself breaks it so the order is always total and reproducible.
* The commitment stops the operator changing the seed after publication; it does not stop an operator trying
  many seeds before publishing to pick a favourable one. Mixing in randomness that is unknown when the list is
  published (e.g. a later public lottery result) would close that gap; it is not part of this rule.
* No dated parameter enters the draw.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from rules.decision import Decision, Finding

ARTICLE = "第三十一条"


def commitment(seed: str) -> str:
    """SHA-256 hex of the seed (UTF-8), published before the draw."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def new_seed() -> str:
    """A fresh secret seed: 32 random bytes as 64 hex characters."""
    return secrets.token_hex(32)


def _ticket(seed: str, key: str) -> str:
    return hmac.new(seed.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def _duplicates(applicants: Sequence[tuple[str, int]]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for key, _ in applicants:
        if key in seen and key not in twice:
            twice.append(key)
        seen.add(key)
    return twice


def draw(seed: str, applicants: Sequence[tuple[str, int]]) -> list[str]:
    """Applicant keys in allocation order: by priority rank, then by HMAC-SHA256(seed, key)."""
    twice = _duplicates(applicants)
    if twice:
        raise ValueError(f"duplicate applicant keys: {', '.join(twice)}")
    ordered = sorted(applicants, key=lambda pair: (pair[1], _ticket(seed, pair[0]), pair[0]))
    return [key for key, _ in ordered]


def verify(seed: str, published_commitment: str, applicants: Sequence[tuple[str, int]],
           published_order: Sequence[str]) -> Decision:
    """Whether the revealed seed matches the commitment and the published order recomputes from it."""
    findings = []
    if commitment(seed) == published_commitment.strip().lower():
        findings.append(Finding(ARTICLE, "seed_matches", "公布的种子与摇号前公布的承诺值（SHA-256）一致",
                                ok=True, field="seed"))
    else:
        findings.append(Finding(ARTICLE, "seed_mismatch",
                                f"公布的种子的 SHA-256 为 {commitment(seed)}，与摇号前公布的承诺值 "
                                f"{published_commitment} 不一致", field="seed"))
    twice = _duplicates(applicants)
    if twice:
        findings.append(Finding(ARTICLE, "order_mismatch",
                                f"公布的申请人名单中 {'、'.join(twice)} 重复出现，无法重算配租顺序",
                                field="published_order"))
        return Decision.of(findings)
    expected = draw(seed, applicants)
    published = list(published_order)
    if published == expected:
        findings.append(Finding(ARTICLE, "order_matches",
                                f"按种子和公布的名单重算的顺序与公布的配租顺序一致（共 {len(expected)} 人）",
                                ok=True, field="published_order"))
    else:
        where = next((i for i, (a, b) in enumerate(zip(published, expected, strict=False)) if a != b),
                     min(len(published), len(expected)))
        got = published[where] if where < len(published) else "（无）"
        want = expected[where] if where < len(expected) else "（无）"
        findings.append(Finding(ARTICLE, "order_mismatch",
                                f"公布的配租顺序与重算结果不一致：第 {where + 1} 位公布为 {got}，"
                                f"重算应为 {want}",
                                field="published_order"))
    return Decision.of(findings)
