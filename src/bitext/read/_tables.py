"""Side-by-side bilingual tables: which order to read a table's cells in.

A table is read row by row, one paragraph per cell paragraph, except a
*side-by-side* one: two columns, one Chinese and one English, each row a
Chinese cell beside its English cell. That layout is the two versions set next
to each other, and is read column by column: the Chinese column, then the
English one (or the other way round, in the order the columns stand). Read row
by row, its cells would alternate zh, en, zh, en, and every cell without
letters (a dash under a country's name, a date, a number) would sit between an
English cell and the next Chinese one, where no rule can tell whose it is: the
column says, so the column is kept together.
"""

from __future__ import annotations

from collections.abc import Sequence

from bitext.langsplit import classify
from bitext.model import EN, ZH


def side_by_side(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table whose cells hold these texts (row by row) is a side-by-side translation.

    True when every row has exactly two cells, the two columns are in different
    languages by their content (`bitext.langsplit.classify`), and no row
    has its two cells the other way round. A merged cell (one cell in a row)
    makes it an ordinary table: its column is not one version's.
    """
    if not rows or any(len(row) != 2 for row in rows):
        return False
    columns = [classify(" ".join(row[c] for row in rows)) for c in (0, 1)]
    if set(columns) != {ZH, EN}:
        return False
    reversed_order = [columns[1], columns[0]]
    return not any([classify(row[0]), classify(row[1])] == reversed_order for row in rows)
