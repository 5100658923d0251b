"""Whatever arrives in a form or a URL, the answer is a form error or a clean
4xx, never a 500, and a refused request writes nothing.

Hypothesis generates the input for every form endpoint: any unicode, NUL bytes,
digits that are not ASCII ("²", "١٢"), very long strings, empty values, and
now and then a valid value so the deeper code paths run too. Before the search,
each endpoint's valid request is sent as is, then once per field with a NUL
byte in that field: PostgreSQL refuses NUL in text, so a value that reaches the
database unchecked is a 500 there. Every request is sent inside a savepoint
that is rolled back afterwards, so each meets the same world and a failing
example replays exactly.

A few inputs are left out of the generated ones because they hit known bugs;
each has its own test in test_bad_input_known_bugs.py, and the strategy that
avoids it says so. Widen the strategy when its test passes.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.security.bad_input import SEARCH, assert_clean, send, with_nul
from tests.security.bad_input_endpoints import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("world", list(ENDPOINTS), indirect=True)
def test_any_input_gets_a_form_error_or_a_clean_4xx_and_a_refusal_writes_nothing(world):
    endpoint = world.endpoint

    # NUL bytes first, one field at a time in a request that otherwise works:
    # PostgreSQL refuses them in text, so one that reaches the database unchecked
    # is a 500 there.
    valid = endpoint.valid(world)
    if valid:
        accepted = send(world, valid)
        assert accepted.status < 400, "the valid request is accepted"
        assert accepted.status not in endpoint.refused, "the valid request is accepted"
    for spoilt in valid:
        if not spoilt.startswith("_filename"):
            what = f"a NUL in {spoilt}"
            assert_clean(send(world, {**valid, spoilt: with_nul(valid[spoilt])}), endpoint, what)

    # Then whatever Hypothesis makes of every field.
    @SEARCH
    @given(values=st.fixed_dictionaries(endpoint.fields(world)))
    def any_input(values):
        assert_clean(send(world, values), endpoint, "generated input")

    any_input()
