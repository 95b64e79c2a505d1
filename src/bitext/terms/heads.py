"""The words that end a name and say what kind of thing it names, in both languages.

康樂及文化事務署 ends in 署 as Leisure and Cultural Services Department ends in
Department; 赤柱正灘泳灘 in 泳灘 as Stanley Main Beach in Beach. Such heads
are few and stable across offices, and they do three jobs: they link a name's
last Chinese word to its English head when the dictionary has no gloss for it
(CC-CEDICT glosses 署 as "office", never "Department"), they tell where a list
of names breaks (泳灘及大浪灣泳灘: two beaches, not one name), and they give a
term its type.
"""

from __future__ import annotations

from functools import cache, lru_cache

#: (Chinese head, English heads, type). Longer Chinese heads are tried first.
HEADS: tuple[tuple[str, str, str], ...] = (
    ("有限公司", "limited company corporation", "organisation"),
    ("公司", "company corporation limited group", "organisation"),
    ("委員會", "committee commission council board", "organisation"),
    ("辦事處", "office", "organisation"),
    ("秘書處", "secretariat", "organisation"),
    ("基金會", "foundation", "organisation"),
    ("研究所", "institute", "organisation"),
    ("實驗室", "laboratory", "organisation"),
    ("聯盟", "alliance coalition league", "organisation"),
    ("平台", "platform", "organisation"),
    ("經貿辦", "office eto", "organisation"),
    ("聯絡處", "office unit", "organisation"),
    ("代表團", "delegation", "organisation"),
    ("代表隊", "delegation team", "organisation"),
    ("管理局", "authority", "organisation"),
    ("總署", "department", "organisation"),
    ("署", "department office agency", "organisation"),
    ("局", "bureau department authority office administration", "organisation"),
    ("處", "department office division unit", "organisation"),
    ("部", "ministry department", "organisation"),
    ("廳", "department", "organisation"),
    ("法院", "court", "organisation"),
    ("法庭", "court tribunal", "organisation"),
    ("大學", "university", "organisation"),
    ("學院", "college institute academy", "organisation"),
    ("醫院", "hospital", "organisation"),
    ("銀行", "bank", "organisation"),
    ("協會", "association", "organisation"),
    ("學會", "society institute", "organisation"),
    ("商會", "chamber", "organisation"),
    ("議會", "council parliament assembly", "organisation"),
    ("中心", "centre center", "organisation"),
    ("組", "unit team group section", "organisation"),
    ("隊", "team squad", "organisation"),
    ("會", "council association", "organisation"),
    ("泳灘", "beach", "place"),
    ("灣", "bay", "place"),
    ("區", "district", "place"),
    ("島", "island", "place"),
    ("山", "mountain hill peak", "place"),
    ("徑", "trail", "place"),
    ("道", "road", "place"),
    ("路", "road", "place"),
    ("街", "street", "place"),
    ("站", "station point", "place"),
    ("公園", "park", "place"),
    ("館", "centre center hall museum library pavilion", "place"),
    ("省", "province region", "place"),
    ("州", "state", "place"),
    ("市", "city municipality", "place"),
    ("縣", "county", "place"),
    ("郡", "county", "place"),
    ("港", "harbour harbor port", "place"),
    ("碼頭", "pier terminal", "place"),
    ("機場", "airport", "place"),
    ("廣場", "plaza square", "place"),
    ("條例", "ordinance", "term"),
    ("規例", "regulation", "term"),
    ("計劃", "scheme programme program plan", "term"),
    ("規劃", "plan", "term"),
    ("藍圖", "blueprint", "term"),
    ("綱要", "outline", "term"),
    ("基金", "fund", "term"),
    ("指數", "index", "term"),
    ("節", "festival", "event"),
    ("展覽", "exhibition", "event"),
    ("展", "exhibition show expo", "event"),
    ("比賽", "competition contest", "event"),
    ("錦標賽", "championship championships", "event"),
    ("運動會", "games", "event"),
    ("論壇", "forum", "event"),
    ("會議", "conference meeting", "event"),
    ("選舉", "election elections", "event"),
    ("大會", "congress assembly conference", "event"),
    ("獎", "award prize", "event"),
    ("周", "week", "event"),
    ("局長", "secretary", "title"),
    ("副局長", "under secretary", "title"),
    ("常任秘書長", "permanent secretary", "title"),
    ("秘書長", "secretary general", "title"),
    ("司長", "secretary", "title"),
    ("署長", "director", "title"),
    ("處長", "director", "title"),
    ("總監", "controller director", "title"),
    ("專員", "commissioner", "title"),
    ("主席", "chairman chairperson chair president", "title"),
    ("副主席", "vice-chairman vice-chairperson vice", "title"),
    ("總裁", "chief executive president", "title"),
    ("行政長官", "chief executive", "title"),
    ("部長", "minister", "title"),
    ("大使", "ambassador", "title"),
    ("總統", "president", "title"),
    ("總理", "premier prime minister", "title"),
    ("首相", "prime minister", "title"),
    ("市長", "mayor", "title"),
    ("議員", "member councillor lawmaker", "title"),
    ("主任", "director head", "title"),
    ("督察", "inspector", "title"),
    ("董事", "director", "title"),
    ("院長", "president dean director", "title"),
    ("校長", "principal president", "title"),
    ("經理", "manager", "title"),
    ("發言人", "spokesman spokesperson spokeswoman", "title"),
)


@cache
def _simplified_heads() -> tuple[tuple[str, frozenset[str], str], ...]:
    from bitext.normalize.zh_script import any_to_simplified

    rows = []
    for zh, en, kind in HEADS:
        for form in dict.fromkeys((zh, any_to_simplified(zh))):
            rows.append((form, frozenset(en.split()), kind))
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@lru_cache(maxsize=100_000)
def head_of(zh: str, *, whole: bool = False) -> tuple[str, frozenset[str], str] | None:
    """The head `zh` ends with (longest first): (Chinese head, English heads, type).

    With `whole`, `zh` may be the head itself (a word jieba split off: 署).
    """
    for head, en, kind in _simplified_heads():
        if zh.endswith(head) and (whole or len(zh) > len(head)):
            return head, en, kind
    return None


@cache
def english_heads(kind: str | None = None) -> frozenset[str]:
    """Every English head word (of one `kind`), lower case (Department, Beach, Ordinance, ...)."""
    return frozenset(w for _, en, k in _simplified_heads() for w in en if kind in (None, k))
