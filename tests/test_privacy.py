"""Pseudonymisation: stable keyed hashes across number spellings; masks that hide the person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipelines.privacy import author_key, mask_label, mask_phones_in_text, normalised_identity, tenant_key


def test_one_person_one_key_across_spellings() -> None:
    key = tenant_key(b"master", "toko-a")
    spellings = ["+62 812-3456-7890", "6281234567890", "081234567890", "\u202a+62\u00a0812-3456-7890\u202c"]
    assert len({author_key(key, s) for s in spellings}) == 1
    assert author_key(key, "Bu Rina") == author_key(key, "  bu   rina ")


def test_keys_differ_between_tenants_and_hide_the_input() -> None:
    a, b = tenant_key(b"master", "toko-a"), tenant_key(b"master", "toko-b")
    assert author_key(a, "Bu Rina") != author_key(b, "Bu Rina")
    assert "rina" not in author_key(a, "Bu Rina")
    assert author_key(a, None) is None and author_key(a, "  ") is None


@pytest.mark.parametrize(("raw", "label"), [
    ("Bu Rina Wati", "Bu R***"),
    ("Rina Wati", "R*** W***"),
    ("+62 857-1234-5678", "+62 857-****-78"),
    ("0812 3456 7878", "+62 812-****-78"),
    ("~ Budi", "B***"),
    ("Kak Sari", "Kak S***"),
])
def test_labels(raw: str, label: str) -> None:
    assert mask_label(raw) == label


def test_phone_numbers_inside_text_are_masked() -> None:
    out = mask_phones_in_text("wa aku 0812-3456-7890 atau +62 857 1234 5678 ya, pesan 2 liter")
    assert "3456" not in out and "1234" not in out and "2 liter" in out


def test_identity_normalisation() -> None:
    assert normalised_identity("+62 812-3456-7890") == "tel:6281234567890"
    assert normalised_identity("Toko Kopi") == "name:toko kopi"


@pytest.mark.parametrize(("text", "masked"), [
    ("hubungi (0812) 3456-7890 ya", "hubungi +62 812-****-90 ya"),
    ("+62 (812) 3456 7890", "+62 812-****-90"),
    ("0812 345 678 90", "+62 812-****-90"),
    ("kantor 021-5551234.", "kantor +62 21-****-34."),
    ("(021) 555-1234 atau (0274) 512345", "+62 21-****-34 atau +62 274-****-45"),
    ("wa 081234567890,085712345678", "wa +62 812-****-90,+62 857-****-78"),
    ("(+62) 812 3456 7890", "+62 812-****-90"),
    ("+62 0812 3456 7890", "+62 812-****-90"),
    ("0062 812 3456 7890", "+62 812-****-90"),
    ("0812.3456.7890", "+62 812-****-90"),
    ("call +44 20 7946 0958", "call +44 20-****-58"),
])
def test_the_phone_forms_people_write_are_masked(text: str, masked: str) -> None:
    assert mask_phones_in_text(text) == masked
    assert mask_phones_in_text(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize("text", [
    "buka jam 09.00-17.00, 0900-1700", "harga 25.000, order 2301150ABC", "tgl 08122023", "0,5 kg 620 gram",
    "resi JP0123456789", "resi 001234567890123", "kode 08123456789012345", "2024-01-15", "rating 4.9 dari 5",
])
def test_numbers_that_are_no_phone_stay(text: str) -> None:
    assert mask_phones_in_text(text) == text


@pytest.mark.parametrize("text", [
    "hubungi (0812) 3456-7890 ya", "+62 (812) 3456 7890", "0812 345 678 90", "021-5551234", "(0274) 512345",
    "buka jam 09.00-17.00", "0062 812 3456 7890",
    "wa aku 0812-3456-7890 ya", "+62 857 1234 5678, makasih", "nomorku 6281234567890.", "call +1 415 555 2671 pls",
    "harga 150000 rb", "pesan 2 liter", "0812345678901", "(+62)81234567890",
])
def test_sql_and_python_mask_phones_alike(text: str) -> None:
    import duckdb

    from pipelines.privacy import sql_mask_phones

    con = duckdb.connect()
    assert con.execute(f"select {sql_mask_phones('$1')}", [text]).fetchall()[0][0] == mask_phones_in_text(text)


# Names and texts with the characters the name-term search treats specially: separators it doubles, a username's
# dot and underscore, a no-break space, an accented letter, upper case.
_NAMEISH = "abrinsAR._ ,(/:\u00a0é"


def _people_terms_with_and_without_prefilter(authors: list[str], texts: list[str]) -> tuple[list[str], list[str]]:
    from unittest import mock

    import duckdb

    from pipelines import privacy

    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.comments (tenant_id varchar, author varchar, text varchar)")
    con.executemany("insert into raw.comments values ('t', ?, ?)",
                    [[authors[i % len(authors)], text] for i, text in enumerate(texts)])
    fast = privacy.people_terms(con, "t")
    with mock.patch.object(privacy, "_any_of", lambda words: ""):  # '' matches every text: no prefilter
        slow = privacy.people_terms(con, "t")
    return fast, slow


def test_the_name_term_prefilter_finds_what_the_full_search_finds() -> None:
    authors = ["Rina Wati", "gd.parfum", "sari_x", "Budi (toko)", "Andi\u00a0Lestari", "Dewi"]
    texts = ["rina wati bilang enak", "makasih kak rina,,wati", "GD.PARFUM mantap", "gd.parfum.co baru",
             "sari_x: ok", "budi (toko) lama", "andi\u00a0lestari datang", "dewi/dewi", "tidak ada nama", "wati"]
    fast, slow = _people_terms_with_and_without_prefilter(authors, texts)
    assert fast == slow


@given(st.lists(st.text(_NAMEISH, min_size=1, max_size=12), min_size=1, max_size=5),
       st.lists(st.text(_NAMEISH, max_size=40), min_size=1, max_size=12))
@hsettings(max_examples=60, deadline=None)
def test_the_name_term_prefilter_never_drops_a_text_that_holds_a_term(authors: list[str], texts: list[str]) -> None:
    fast, slow = _people_terms_with_and_without_prefilter(authors, texts)
    assert fast == slow


def test_every_masked_number_is_a_phone_candidate() -> None:
    """The quick PHONE_CANDIDATE scan that lets a text skip the masks misses no number any mask replaces."""
    import random
    import re

    from pipelines.privacy import PHONE_CANDIDATE, PHONE_MASKS

    rng = random.Random(7)
    pieces = ["+", "62", "0", "(0", ") ", "(", " ", ".", "-", "8", "1", "21", "5", "9", "00", "kak ", "812", "555", "4"]
    for _ in range(20_000):  # some 1,500 of these hold a number, some with two characters between digits
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(4, 14)))
        if any(re.search(p, text, re.ASCII) for p, _ in PHONE_MASKS):
            assert re.search(PHONE_CANDIDATE, text), text
