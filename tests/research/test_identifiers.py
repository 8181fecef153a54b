"""ORCID iDs and DOIs, with real examples."""

import pytest

from crowdq.research.identifiers import doi_url, normalise_doi, normalise_orcid, orcid_check_character


@pytest.mark.parametrize(
    "value, stored",
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's own example (Josiah Carberry)
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233X", "0000-0002-1694-233X"),  # check character X
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        (" orcid.org/0000-0002-1825-0097 ", "0000-0002-1825-0097"),
    ],
)
def test_valid_orcid_ids_are_accepted_and_stored_bare(value, stored):
    assert normalise_orcid(value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "0000-0002-1825-0098",  # wrong check digit
        "0000-0002-1694-2330",  # should be X
        "0000-0002-1825-009",
        "0000-0002-1825-00977",
        "0000-0002-1825-009A",
        "http://example.org/0000-0002-1825-0097",
        "",
        "٠٠٠٠-٠٠٠٢-١٨٢٥-٠٠٩٧",  # Arabic-Indic digits
    ],
)
def test_invalid_orcid_ids_are_refused(value):
    assert normalise_orcid(value) is None


def test_check_character_follows_iso_7064():
    assert orcid_check_character("000000021825009") == "7"
    assert orcid_check_character("000000021694233") == "X"


@pytest.mark.parametrize(
    "value, stored",
    [
        ("10.1038/nature12373", "10.1038/nature12373"),
        ("https://doi.org/10.1371/journal.pone.0248125", "10.1371/journal.pone.0248125"),
        ("doi:10.5281/ZENODO.1234567", "10.5281/zenodo.1234567"),
        ("https://dx.doi.org/10.1002%2F%28SICI%291097-4571", "10.1002/(sici)1097-4571"),
    ],
)
def test_valid_dois_are_accepted(value, stored):
    assert normalise_doi(value) == stored
    assert doi_url(stored).startswith("https://doi.org/10.")


@pytest.mark.parametrize("value", ["10.1038", "11.1038/x", "10.12/x", "https://example.org/10.1038/x", "10.1038/a b", ""])
def test_invalid_dois_are_refused(value):
    assert normalise_doi(value) is None
