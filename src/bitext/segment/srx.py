"""Segmentation by SRX 2.0 rules, the format CAT tools exchange their rules in.

A translation memory only pays off when its source segments are cut where the
translator's CAT tool cuts: OmegaT, Trados Studio and memoQ all segment by SRX
rules, and a TU holding two of their segments never matches either. This
module reads an SRX file (safely: no entities, no DTD, no network), maps a
language to its rules the way SRX says (``maprules``, ``cascade``) and finds
the breaks. `DEFAULT_SRX` is bitext's own rule file: it follows the default
conventions of the CAT tools (no break between 。 and a closing quote, none
after the quote either; English breaks after . ? ! before a space, except after
common abbreviations), and `bitext srx -o FILE` writes it for loading into a
CAT tool, so both sides cut alike.

SRX patterns are Java regular expressions; the third-party `regex` module
understands the constructs SRX files use (``\\p{Lu}``, possessive quantifiers,
variable-length look-behind); ``\\Q...\\E`` quoting is translated here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex
from lxml import etree

from bitext.errors import InputError
from bitext.read import load_file
from bitext.tmx._xml import safe_parser

__all__ = ["DEFAULT_SRX", "SrxRule", "SrxRules", "default_rules", "read_srx", "srx_bytes"]

#: Name of bitext's own SRX rule file inside the package (resources/).
DEFAULT_SRX = "bitext.srx"
_MAX_BYTES = 10 * 1024 * 1024
_QUOTED = regex.compile(r"\\Q(.*?)(?:\\E|$)", regex.S)


@dataclass(frozen=True, slots=True)
class SrxRule:
    """One rule: break (or not) where `before` ends and `after` starts."""

    brk: bool
    before: str
    after: str
    pattern: regex.Pattern[str]


@dataclass(frozen=True, slots=True)
class SrxRules:
    """A parsed SRX file: rule lists by name, the language map, and cascading."""

    languages: dict[str, tuple[SrxRule, ...]]
    maps: tuple[tuple[regex.Pattern[str], str], ...]
    cascade: bool
    source: str = "SRX"

    def rules_for(self, lang: str) -> tuple[SrxRule, ...]:
        """The rules that apply to `lang`, in order (all matching maps when cascading)."""
        found: list[SrxRule] = []
        for pattern, name in self.maps:
            if pattern.fullmatch(lang):
                found.extend(self.languages.get(name, ()))
                if not self.cascade:
                    break
        return tuple(found)

    def cuts(self, text: str, lang: str) -> list[int]:
        """Offsets in `text` where the rules for `lang` break, in order.

        At each position the first rule (in rule order) whose both sides match
        decides, as SRX prescribes; a position no rule matches is not a break.
        """
        decided: dict[int, bool] = {}
        for rule in self.rules_for(lang):
            for match in rule.pattern.finditer(text, overlapped=True):
                decided.setdefault(match.start(), rule.brk)
        return sorted(pos for pos, brk in decided.items() if brk and 0 < pos < len(text))


def _java_to_python(pattern: str) -> str:
    """Translate the Java regex constructs `regex` lacks: ``\\Q...\\E`` and a leading ``(?i)``."""
    pattern = _QUOTED.sub(lambda m: regex.escape(m.group(1)), pattern)
    if pattern.startswith("(?i)"):
        pattern = f"(?i:{pattern[4:]})"  # scoped, so it cannot leak to the other side
    return pattern


def _compile_rule(brk: bool, before: str, after: str, where: str) -> SrxRule:
    try:
        pattern = regex.compile(
            f"(?<={_java_to_python(before)})(?={_java_to_python(after)})", regex.V0
        )
    except regex.error as exc:
        message = f"{where}: rule pattern is not a valid regular expression: {exc}"
        raise InputError(message) from None
    return SrxRule(brk, before, after, pattern)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == name]


def _text(element: etree._Element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "") if found else ""


def _parse(data: bytes, name: str) -> SrxRules:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not well-formed XML (line {exc.lineno}): {exc.msg}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or any(
        True for _ in root.iter(etree.Entity)
    ):
        raise InputError(f"{name}: SRX refers to entities; refused for safety")
    if _local(root) != "srx":
        raise InputError(f"{name}: root element is <{_local(root)}>, not <srx>: not an SRX file")
    header = next(iter(_children(root, "header")), None)
    # SRX 2.0 requires `cascade`; files that leave it out (OmegaT's) are read as cascading.
    cascade = header is None or header.get("cascade", "yes").lower() != "no"
    languages: dict[str, tuple[SrxRule, ...]] = {}
    maps: list[tuple[regex.Pattern[str], str]] = []
    for element in root.iter():
        kind = _local(element)
        if kind == "languagerule":
            rule_name = element.get("languagerulename", "")
            where = f"{name}: line {element.sourceline}: rule set {rule_name!r}"
            languages[rule_name] = tuple(
                _compile_rule(
                    r.get("break", "yes").lower() != "no",
                    _text(r, "beforebreak"),
                    _text(r, "afterbreak"),
                    where,
                )
                for r in _children(element, "rule")
            )
        elif kind == "languagemap":
            try:
                pattern = regex.compile(element.get("languagepattern", ""), regex.I)
            except regex.error:
                raise InputError(
                    f"{name}: line {element.sourceline}: invalid languagepattern"
                ) from None
            maps.append((pattern, element.get("languagerulename", "")))
    if not maps:
        raise InputError(f"{name}: SRX file maps no language to rules")
    return SrxRules(languages, tuple(maps), cascade, name)


def read_srx(source: str | os.PathLike[str] | bytes) -> SrxRules:
    """Parse SRX 1.0/2.0 rules from a file path or bytes.

    Raises `InputError` (one line, naming the file) for a missing, oversized,
    non-regular (FIFO, directory) or malformed file, a DOCTYPE with entities,
    or a rule that is not a valid regular expression.
    """
    if isinstance(source, bytes):
        return _parse(source, "SRX data")
    name = os.fspath(source)
    return _parse(load_file(name, name, _MAX_BYTES), name)


def srx_bytes() -> bytes:
    """bitext's own SRX file, as shipped (what `bitext srx -o FILE` writes)."""
    return resources.files("bitext").joinpath("resources", DEFAULT_SRX).read_bytes()


@cache
def default_rules() -> SrxRules:
    """bitext's own SRX rules, parsed once."""
    return _parse(srx_bytes(), DEFAULT_SRX)
