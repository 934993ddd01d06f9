"""cqp.utils.reverse_key: a URL with one integer argument, reversed once and its key put in
its place, is the URL `reverse` writes, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from cqp.utils import KEY_MARK, reverse_key

NAMES = ("candidacy_detail", "reperage_edit", "document_download", "candidate_identity")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", [1, 7, 42, 987654, 2**40])
def test_it_writes_what_reverse_writes(name, key):
    assert reverse_key(name, key) == reverse(name, args=[key])
    assert reverse_key(name, str(key)) == reverse(name, args=[key])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/cqp/")
        assert reverse_key("candidacy_detail", 5) == reverse("candidacy_detail", args=[5])
        assert reverse_key("candidacy_detail", 5).startswith("/cqp/")
    finally:
        clear_script_prefix()
    assert not reverse_key("candidacy_detail", 5).startswith("/cqp/")


def test_the_mark_stays_for_a_text_kept_then_completed():
    url = reverse_key("candidacy_detail", KEY_MARK)
    assert url.replace(KEY_MARK, "12") == reverse("candidacy_detail", args=[12])


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        reverse_key("candidacy_detail", "12/../admin")


def test_a_name_without_such_an_argument_is_refused():
    with pytest.raises(NoReverseMatch):
        reverse_key("dashboard", 3)
