"""SRX segmentation: the shipped rules, SRX files written by hand, hostile files, the CLI.

Expected segments are written by hand from the rules' intent (CAT-tool
conventions); parity with a real CAT tool is checked in test_omegat.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bitext.cli import main
from bitext.errors import InputError
from bitext.segment import resolve_rules, split_sentences
from bitext.segment.srx import default_rules, read_srx, srx_bytes


def cut(text: str, lang: str, rules=None) -> list[str]:
    rules = default_rules() if rules is None else rules
    return [text[a:b] for a, b in split_sentences(text, lang, rules=rules)]


# --- the shipped rules --------------------------------------------------------------------


def test_chinese_never_breaks_after_a_closing_quote() -> None:
    text = "他说：“我们来了。”然后走了。“好！”她答道。真的吗？是的。"
    assert cut(text, "zh") == [
        "他说：“我们来了。”然后走了。",
        "“好！”她答道。",
        "真的吗？",
        "是的。",
    ]
    # bitext's own rules split after 。” before a new clause: the modes really differ.
    own = [text[a:b] for a, b in split_sentences(text, "zh")]
    assert own[0] == "他说：“我们来了。”" and own != cut(text, "zh")


def test_chinese_question_then_exclamation_is_cut_between_them() -> None:
    # OmegaT's convention (its defaults break between ？ and ！); parity beats taste here.
    assert cut("红岸？！他停下了。", "zh") == ["红岸？", "！", "他停下了。"]


def test_english_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "Mr. Li met Dr. Wang at 9 a.m. in the city. It rained (e.g. all day). "
        "See No. 5 of Jan. 3 now. J. Smith came! Did he? Yes."
    )
    assert cut(text, "en") == [
        "Mr. Li met Dr. Wang at 9 a.m. in the city.",
        "It rained (e.g. all day).",
        "See No. 5 of Jan. 3 now.",
        "J. Smith came!",
        "Did he?",
        "Yes.",
    ]


def test_sentence_final_abbreviation_still_ends_before_a_capital() -> None:
    assert cut("They set up Chongqing Co. The firm grew.", "en") == [
        "They set up Chongqing Co.",
        "The firm grew.",
    ]


def test_protected_spans_are_never_cut_in_srx_mode() -> None:
    # A damaged span (here "。乙") may hold a stray 。; no cut may fall inside it.
    text = "甲。乙。丙。"
    spans = split_sentences(text, "zh", protected=[(1, 3)], rules=default_rules())
    assert [text[a:b] for a, b in spans] == ["甲。乙。", "丙。"]


# --- SRX files written by hand ------------------------------------------------------------

HAND_SRX = """<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="{cascade}"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Semicolons">
        <rule break="no"><beforebreak>\\Qa;b\\E</beforebreak><afterbreak></afterbreak></rule>
        <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="Stops">
        <rule break="no"><beforebreak>(?i)etc\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s\\p{{Lu}}</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="EN.*" languagerulename="Semicolons"/>
      <languagemap languagepattern=".*" languagerulename="Stops"/>
    </maprules>
  </body>
</srx>
"""


def write_srx(tmp_path: Path, cascade: str = "yes", text: str | None = None) -> Path:
    path = tmp_path / f"rules-{cascade}.srx"
    path.write_text(text if text is not None else HAND_SRX.format(cascade=cascade), "utf-8")
    return path


def test_hand_written_rules_cascade_in_map_order(tmp_path: Path) -> None:
    rules = read_srx(write_srx(tmp_path, "yes"))
    text = "One; two. Three a;b four ETC. Five"
    # Language patterns match case-insensitively ("EN.*" covers "en"); \\Q..\\E is literal.
    assert cut(text, "en", rules) == ["One;", "two.", "Three a;b four ETC. Five"]
    # Chinese falls through to the catch-all rule set only.
    assert cut(text, "zh", rules) == ["One; two.", "Three a;b four ETC. Five"]


def test_without_cascade_only_the_first_matching_rule_set_applies(tmp_path: Path) -> None:
    rules = read_srx(write_srx(tmp_path, "no"))
    assert cut("One; two. Three", "en", rules) == ["One;", "two. Three"]


def test_first_matching_rule_decides(tmp_path: Path) -> None:
    # The no-break rule for "a;b" comes first, so the later break rule never fires there.
    rules = read_srx(write_srx(tmp_path))
    assert cut("x a; b", "en", rules) == ["x a;", "b"]
    assert cut("x a;b; c", "en", rules) == ["x a;b;", "c"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("<srx><body><maprules/></body></srx>", "maps no language"),
        ("<rules/>", "not an SRX file"),
        ("<srx><body", "not well-formed"),
        (
            HAND_SRX.format(cascade="yes").replace("\\Qa;b\\E", "(unclosed"),
            "not a valid regular expression",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE srx [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<srx><body><maprules><languagemap languagepattern='.*' "
            "languagerulename='&b;'/></maprules></body></srx>",
            "entities",
        ),
    ],
)
def test_bad_srx_is_one_line_input_error(tmp_path: Path, text: str, complaint: str) -> None:
    path = write_srx(tmp_path, text=text)
    with pytest.raises(InputError) as info:
        read_srx(path)
    message = str(info.value)
    assert complaint in message and str(path) in message and "\n" not in message


def test_missing_srx_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        resolve_rules(tmp_path / "absent.srx")


def test_fifo_and_oversized_srx_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "rules.srx"
    os.mkfifo(fifo)  # open() would wait for a writer forever
    with pytest.raises(InputError, match="not a regular file"):
        read_srx(fifo)
    big = tmp_path / "big.srx"
    big.write_bytes(b" " * (10 * 1024 * 1024 + 1))
    with pytest.raises(InputError, match="too large"):
        read_srx(big)


# --- exporting the rules ------------------------------------------------------------------


def test_cli_writes_the_shipped_rules_and_never_overwrites(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bitext.srx"
    assert main(["srx", "-o", str(out)]) == 0
    assert out.read_bytes() == srx_bytes()
    # What a translator loads is what bitext cuts by.
    text = "他说：“我们来了。”然后走了。Mr. Li came. He left."
    exported = read_srx(out)
    for lang in ("zh", "en"):
        assert exported.cuts(text, lang) == default_rules().cuts(text, lang)
    mine = '<?xml version="1.0"?>\n<srx version="2.0"><!-- mine --></srx>\n'
    out.write_text(mine, encoding="utf-8")  # --force replaces an old SRX file, nothing else
    assert main(["srx", "-o", str(out)]) == 3
    assert out.read_text(encoding="utf-8") == mine
    assert "exists" in capsys.readouterr().err
    assert main(["srx", "-o", str(out), "--force"]) == 0
    assert out.read_bytes() == srx_bytes()


def test_cli_align_refuses_a_bad_srx_before_any_work(tmp_path: Path, sample_path, capsys) -> None:
    bad = write_srx(tmp_path, text="<rules/>")
    out = tmp_path / "out.tmx"
    code = main(["align", str(sample_path), "-o", str(out), "--srx", str(bad), "-q"])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not an SRX file" in err
