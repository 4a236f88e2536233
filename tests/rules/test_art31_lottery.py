import hashlib
import hmac

import pytest

from rules.art31_lottery import commitment, draw, new_seed, verify

ART = "第三十一条"
SEED = "5f0c1e2d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5"
NO_PRIORITY = 1_000_000
APPLICANTS = [("A001", NO_PRIORITY), ("A002", 0), ("A003", NO_PRIORITY), ("A004", 1), ("A005", 0),
              ("A006", NO_PRIORITY)]


def ticket(seed: str, key: str) -> str:
    return hmac.new(seed.encode(), key.encode(), hashlib.sha256).hexdigest()


def test_commitment_is_the_sha256_of_the_seed() -> None:
    assert commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert commitment("摇号") == hashlib.sha256("摇号".encode()).hexdigest()


def test_new_seeds_are_64_hex_characters_and_differ() -> None:
    a, b = new_seed(), new_seed()
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != b


def test_the_same_seed_gives_the_same_order() -> None:
    assert draw(SEED, APPLICANTS) == draw(SEED, list(reversed(APPLICANTS)))
    assert sorted(draw(SEED, APPLICANTS)) == sorted(k for k, _ in APPLICANTS)


def test_priority_groups_are_drawn_first() -> None:
    order = draw(SEED, APPLICANTS)
    assert set(order[:2]) == {"A002", "A005"}      # rank 0
    assert order[2] == "A004"                      # rank 1
    assert set(order[3:]) == {"A001", "A003", "A006"}


def test_within_a_group_the_order_is_the_hmac_of_the_key() -> None:
    order = draw(SEED, APPLICANTS)
    no_priority = order[3:]
    assert no_priority == sorted(no_priority, key=lambda key: ticket(SEED, key))


def test_another_seed_gives_another_order() -> None:
    many = [(f"A{i:03d}", NO_PRIORITY) for i in range(20)]
    assert draw(SEED, many) != draw("another seed", many)


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="A001"):
        draw(SEED, [("A001", 0), ("A001", 1)])


def test_a_correct_draw_verifies() -> None:
    decision = verify(SEED, commitment(SEED).upper(), APPLICANTS, draw(SEED, APPLICANTS))
    assert decision.ok
    assert [(f.article, f.code, f.field) for f in decision.findings] == [
        (ART, "seed_matches", "seed"), (ART, "order_matches", "published_order")]


def test_a_wrong_seed_fails() -> None:
    published = commitment(SEED)
    decision = verify("a different seed", published, APPLICANTS, draw(SEED, APPLICANTS))
    assert not decision.ok
    first = decision.violations[0]
    assert (first.article, first.code, first.field) == (ART, "seed_mismatch", "seed")
    assert published in first.message


def test_a_wrong_seed_that_still_reorders_the_list_fails_both() -> None:
    many = [(f"A{i:03d}", NO_PRIORITY) for i in range(20)]
    decision = verify("a different seed", commitment(SEED), many, draw(SEED, many))
    assert [f.code for f in decision.violations] == ["seed_mismatch", "order_mismatch"]


def test_a_swapped_order_fails() -> None:
    order = draw(SEED, APPLICANTS)
    order[0], order[1] = order[1], order[0]
    decision = verify(SEED, commitment(SEED), APPLICANTS, order)
    (finding,) = decision.violations
    assert (finding.article, finding.code, finding.field) == (ART, "order_mismatch", "published_order")
    assert f"第 1 位公布为 {order[0]}，重算应为 {order[1]}" in finding.message


def test_a_published_order_missing_an_applicant_fails() -> None:
    order = draw(SEED, APPLICANTS)[:-1]
    (finding,) = verify(SEED, commitment(SEED), APPLICANTS, order).violations
    assert finding.code == "order_mismatch"
    assert "第 6 位公布为 （无）" in finding.message


def test_a_changed_rank_after_publication_fails() -> None:
    order = draw(SEED, APPLICANTS)
    promoted = [(key, 0 if key == "A006" else rank) for key, rank in APPLICANTS]
    assert [f.code for f in verify(SEED, commitment(SEED), promoted, order).violations] == ["order_mismatch"]


def test_a_duplicate_in_the_published_list_fails_verify() -> None:
    decision = verify(SEED, commitment(SEED), [("A001", 0), ("A001", 0)], ["A001", "A001"])
    (finding,) = decision.violations
    assert finding.code == "order_mismatch" and "A001" in finding.message
