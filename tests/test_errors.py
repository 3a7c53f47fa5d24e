"""Message helpers of aicoord.errors."""

import numpy as np
import pandas as pd

from aicoord.errors import EstimationError, InputError, listed, one_line


def test_listed_prints_plain_values():
    """Whatever holds the values (NumPy or pandas scalars, Python objects), a message lists them as a
    Python literal: ``[80, 81]``, not ``[np.int64(80), np.int64(81)]``."""
    assert listed(np.array([80, 81])) == "[80, 81]"
    assert listed(list(np.array([80, 81]))) == "[80, 81]"
    assert listed([np.float64(1.5), "Ohio", 3]) == "[1.5, 'Ohio', 3]"
    assert listed(pd.Series(["江苏", "工苏"]).unique()) == "['江苏', '工苏']"
    assert listed([]) == "[]"


def test_one_line_escapes_line_breaks():
    assert one_line("a\nb\u2028c\x1ed") == "a\\nb\\u2028c\\x1ed"
    assert InputError.exit_code == 2 and EstimationError.exit_code == 3
