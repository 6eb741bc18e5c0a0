"""stored_texts writes timestamps digit by digit: the very text NumPy's datetime_as_string
gives (_numpy_texts), and on SQLite the text UTCDateTime stores (see test_ticket_upsert_bulk).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.domain.instants import MISSING
from monitor.storage.stored_time import _numpy_texts, stored_texts, utc_text

YEAR_1900, YEAR_2200 = -2_208_988_800_000_000, 7_258_118_400_000_000
moments = st.one_of(
    st.integers(YEAR_1900 - 10**12, YEAR_2200 + 10**12),
    st.sampled_from(
        [YEAR_1900, YEAR_1900 - 1, YEAR_2200, YEAR_2200 - 1, 0, -1, 951_782_400_000_000]
    ),
    st.just(MISSING),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(moments, max_size=30), on_sqlite=st.booleans())
def test_stored_texts_writes_what_numpy_writes(values: list[int], on_sqlite: bool) -> None:
    column = np.array(values, dtype=np.int64)
    assert stored_texts(column, on_sqlite) == _numpy_texts(column, on_sqlite)


def test_the_sqlite_text_is_what_utcdatetime_stores() -> None:
    moment = datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)
    micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // np.timedelta64(1, "us").item()
    assert stored_texts(np.array([micros, MISSING]), True) == [utc_text(moment), None]
    assert stored_texts(np.array([micros]), False) == ["2024-02-29T23:59:59.999999Z"]
