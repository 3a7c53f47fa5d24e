"""The one weights reader (aicoord.weights_io.read_weights) against known N×N matrices, in every format.

Asymmetric matrices are used on purpose (k-nearest neighbours, random link strengths): a reader that
swapped ``from`` and ``to`` or read a matrix transposed would pass on a symmetric one.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal

from aicoord.errors import InputError
from aicoord.weights import build_weights, distance_weights, knn_weights, standardize, to_dense_frame
from aicoord.weights_io import read_weights, read_weights_frame, write_gal_gwt, write_weights


def _nb(w):
    return {k: sorted(v) for k, v in w.neighbors.items()}


@pytest.fixture(scope="module")
def asym():
    """A 6 x 6 matrix with random link strengths, ids that are not provinces, a_ij != a_ji."""
    rng = np.random.default_rng(3)
    m = np.round(rng.uniform(0.1, 2.0, (6, 6)) * (rng.uniform(size=(6, 6)) < 0.6), 3)
    np.fill_diagonal(m, 0.0)
    assert not np.allclose(m, m.T)
    ids = ["c101", "c102", "c205", "c301", "c302", "c999"]
    return m, ids


def _long(m, ids):
    r, c = np.nonzero(m)
    return pd.DataFrame({"from": [ids[i] for i in r], "to": [ids[j] for j in c], "weight": m[r, c]})


@pytest.mark.parametrize("fmt", ["square_utf8", "square_gbk", "square_xlsx", "long", "long_xlsx", "gwt"])
def test_every_format_gives_the_known_matrix(asym, tmp_path, fmt):
    m, ids = asym
    if fmt.startswith("square"):
        df = pd.DataFrame(m, index=pd.Index(ids, name="id"), columns=ids)
        path = tmp_path / ("w.xlsx" if fmt.endswith("xlsx") else "w.csv")
        if fmt == "square_xlsx":
            df.to_excel(path)
        else:
            df.to_csv(path, encoding="gbk" if fmt == "square_gbk" else "utf-8")
    elif fmt.startswith("long"):
        path = tmp_path / ("w.xlsx" if fmt.endswith("xlsx") else "w.csv")
        (_long(m, ids).to_excel(path, index=False) if fmt.endswith("xlsx") else _long(m, ids).to_csv(path, index=False))
    else:
        from aicoord.weights import from_dense

        path = tmp_path / "w.gwt"
        write_gal_gwt(from_dense(m, ids), path)
    w = read_weights(path, ids=ids)
    assert w.id_order == ids
    assert_array_equal(w.full()[0], m)  # row = from, column = to, never transposed
    shuffled = ids[::-1]
    assert_array_equal(read_weights(path, ids=shuffled).full()[0], m[::-1, ::-1])
    # the libpysal-free reader of the steps gives the same frame
    frame = read_weights_frame(path, ids=shuffled)
    assert_frame_equal(frame, to_dense_frame(read_weights(path, ids=shuffled)))
    assert frame.index.name == "code" and list(frame.columns) == shuffled
    assert_array_equal(frame.to_numpy(), m[::-1, ::-1])


def test_knn_round_trip_keeps_direction(tmp_path):
    w = knn_weights(4)
    full = w.full()[0]
    assert not np.allclose(full, full.T)
    write_weights(w, tmp_path / "k", name="knn4")
    assert_array_equal(read_weights(tmp_path / "k_raw.csv").full()[0], full)
    assert_array_equal(read_weights(tmp_path / "k.csv").full()[0], standardize(w).full()[0])
    assert_array_equal(read_weights(tmp_path / "k.gwt").full()[0], full)
    write_gal_gwt(w, tmp_path / "k.gal")
    assert _nb(read_weights(tmp_path / "k.gal")) == _nb(w)
    frame = to_dense_frame(w)
    frame.index = frame.index.map(lambda c: {"110000": "北京"}.get(c, c))  # names and codes mixed
    frame.to_csv(tmp_path / "names.csv")
    assert_array_equal(read_weights(tmp_path / "names.csv").full()[0], full)


def test_queen_gal_and_gal_refuses_weights(tmp_path, provinces_gdf):
    w = build_weights({"kind": "queen"}, provinces_gdf)
    write_gal_gwt(w, tmp_path / "q.gal")
    assert _nb(read_weights(tmp_path / "q.gal")) == _nb(w)
    with pytest.raises(InputError, match="GAL"):
        write_gal_gwt(distance_weights(), tmp_path / "d.gal")


@pytest.mark.parametrize(
    "edit, message, row",
    [
        (lambda df: df.assign(weight=df["weight"].astype(object).where(df.index != 2, "—")), "not a number", 4),
        (lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True), "appears twice", None),
    ],
)
def test_long_table_errors_are_located(asym, tmp_path, edit, message, row):
    m, ids = asym
    path = tmp_path / "w.csv"
    edit(_long(m, ids)).to_csv(path, index=False)
    with pytest.raises(InputError, match=message) as exc:
        read_weights(path, ids=ids)
    assert "w.csv" in str(exc.value)
    if row:
        assert exc.value.row == row and exc.value.column == "weight"


def test_units_missing_or_extra_are_named(asym, tmp_path):
    m, ids = asym
    path = tmp_path / "w.csv"
    _long(m, ids).to_csv(path, index=False)
    with pytest.raises(InputError, match="not in the weights matrix: c404"):
        read_weights(path, ids=ids + ["c404"])
    with pytest.raises(InputError, match="not in the data: c999"):
        read_weights(path, ids=ids[:-1])


def test_nonzero_diagonal_and_mismatched_header(asym, tmp_path):
    m, ids = asym
    bad = m.copy()
    bad[1, 1] = 1.0
    pd.DataFrame(bad, index=ids, columns=ids).to_csv(tmp_path / "d.csv")
    with pytest.raises(InputError, match="'c102' is its own neighbour"):
        read_weights(tmp_path / "d.csv")
    pd.DataFrame(m, index=ids, columns=ids[:-1] + ["zzz"]).to_csv(tmp_path / "h.csv")
    with pytest.raises(InputError, match="different units"):
        read_weights(tmp_path / "h.csv")


def test_weights_by_year_long_table_keeps_direction(asym, tmp_path):
    """read_weights_by_year: one long table, two asymmetric matrices (the second the transpose of the
    first), each period gets its own matrix with row = from, column = to."""
    from aicoord.weights_io import read_weights_by_year

    m, ids = asym
    frames = [_long(m, ids).assign(year=2020), _long(m.T, ids).assign(year=2021)]
    path = tmp_path / "wy.csv"
    pd.concat(frames)[["year", "from", "to", "weight"]].to_csv(path, index=False)
    out = read_weights_by_year(path, ids, [2020, 2021])
    assert_array_equal(out[2020].full()[0], m)
    assert_array_equal(out[2021].full()[0], m.T)


def test_long_weights_with_an_unknown_province_name_file_and_row(tmp_path):
    """Issue 24: an unknown code in a long table was reported with neither the file nor the row."""
    from aicoord.errors import InputError
    from aicoord.weights_io import read_weights_sparse

    path = tmp_path / "w.csv"
    path.write_text("from,to,weight\n北京,天津,1\n天津,北京,1\n天津,Atlantis,1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_weights_sparse(path, provinces=True)
    assert exc.value.file == str(path) and exc.value.row == 4 and exc.value.column == "to"
    assert "Atlantis" in str(exc.value)


# ---- the sparse forms (issue 29): .npz and the long table, with a unit without neighbours


@pytest.fixture(scope="module")
def with_isolate(asym):
    """``asym`` with its unit c205 cut off (no link in or out): an isolate."""
    m, ids = asym
    m = m.copy()
    m[2, :] = m[:, 2] = 0.0
    return m, ids


@pytest.mark.parametrize("suffix", [".npz", "_long.csv", "_long.csv.gz"])
def test_sparse_forms_give_the_known_matrix_and_keep_an_isolate(with_isolate, tmp_path, suffix):
    import scipy.sparse as sp

    from aicoord.weights_io import read_weights_sparse, write_long, write_npz

    m, ids = with_isolate
    path = tmp_path / f"w{suffix}"
    (write_npz if suffix == ".npz" else write_long)(sp.csr_matrix(m), ids, path)
    sw = read_weights_sparse(path)
    assert sw.id_order == ids  # the isolate keeps its place
    assert_array_equal(sw.sparse.toarray(), m)  # exact: 17 significant digits in the long table
    w = read_weights(path)
    assert w.islands == ["c205"] and w.n == 6
    # reordered to the ids asked for, like every other form
    order = ids[::-1]
    assert_array_equal(read_weights_frame(path, ids=order).to_numpy(), m[::-1, ::-1])
    if "long" in suffix:
        long = pd.read_csv(path, dtype=str)
        assert long[long["from"] == "c205"].values.tolist() == [["c205", "c205", "0"]]  # written explicitly


def test_npz_and_long_files_are_byte_identical_on_rewrite_and_npz_is_scipy_readable(asym, tmp_path):
    import scipy.sparse as sp

    from aicoord.weights_io import write_long, write_npz

    m, ids = asym
    for i, f in enumerate((write_npz, write_long, write_long)):
        suffix = [".npz", ".csv", ".csv.gz"][i]
        a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        f(sp.csr_matrix(m), ids, a)
        f(sp.csr_matrix(m), ids, b)
        assert a.read_bytes() == b.read_bytes(), suffix
    assert_array_equal(sp.load_npz(tmp_path / "a.npz").toarray(), m)


def test_write_weights_writes_dense_tables_only_up_to_dense_max(tmp_path):
    from aicoord.weights_io import read_weights_sparse, standardised_file, weights_files
    from aicoord.weights_load import load_standardised

    w = knn_weights(3)
    small = write_weights(w, tmp_path / "s" / "k", name="k", dense_max=31)
    big = write_weights(w, tmp_path / "b" / "k", name="k", dense_max=30)
    assert small == big
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["k.csv", "k.gwt", "k.npz", "k_raw.csv", "k_raw.npz"]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["k_raw.npz"]  # above: the raw matrix only
    assert set(weights_files("x", 31, 30)) == {"raw_npz"}
    assert standardised_file("x", 31, 31) == "x.npz" and standardised_file("x", 31, 30) == "x_raw.npz"
    # the .npz files hold what the N×N tables hold: raw and row-standardised weights, ids in the same order
    for npz, csv in (("k_raw.npz", "k_raw.csv"), ("k.npz", "k.csv")):
        assert_frame_equal(read_weights_frame(tmp_path / "s" / npz), read_weights_frame(tmp_path / "s" / csv))
    assert_frame_equal(
        read_weights_frame(tmp_path / "b" / "k_raw.npz"), read_weights_frame(tmp_path / "s" / "k_raw.csv")
    )
    assert_array_equal(
        read_weights_sparse(tmp_path / "s" / "k.npz").sparse.toarray(), to_dense_frame(standardize(w)).to_numpy()
    )
    # above the size, a step reads the raw file row-standardised: the numbers of the standardised file
    assert_array_equal(
        load_standardised(tmp_path / "b" / "k_raw.npz").dense(), load_standardised(tmp_path / "s" / "k.npz").dense()
    )


def test_a_broken_npz_gives_one_located_message(tmp_path):
    bad = tmp_path / "w.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match="cannot read the sparse weights file") as e:
        read_weights(bad)
    assert str(bad) in str(e.value)
