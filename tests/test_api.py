"""The public API: a short `bitext.__all__`, every old name still importable, `py.typed`
shipped, and `import bitext` cheap (heavy libraries load when first used)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import bitext

ROOT = Path(__file__).resolve().parents[1]

# The names `bitext.__all__` had before it was cut: each must still resolve from bitext.
FORMER_NAMES = [
    *("Block", "Damage", "LanguageSplit", "Report", "Scores", "SrxRules"),
    *("SentenceTransformerEncoder", "USEEncoder", "classify", "compare", "read_bytes"),
    *("read_srx", "read_text", "split_sentences", "tmx_bytes", "validate_tmx"),
]


def test_every_public_name_resolves_and_the_list_is_short():
    for name in bitext.__all__:
        assert getattr(bitext, name) is not None, name
    assert len(bitext.__all__) < 30
    assert not set(FORMER_NAMES) & set(bitext.__all__)


def test_names_left_out_of_all_still_import_from_bitext_and_their_module():
    for name in FORMER_NAMES:
        value = getattr(bitext, name)
        module = importlib.import_module(value.__module__)
        assert getattr(module, name) is value
    with pytest.raises(AttributeError):
        bitext.no_such_name  # noqa: B018


def test_every_bitext_name_the_readme_uses_is_public():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # In inline code (`bitext.read`) and Python blocks; not file names (`-o bitext.srx`).
    code = "\n".join(re.findall(r"```python\n(.*?)```", readme, re.S))
    used = set(re.findall(r"`bitext\.([A-Za-z_]\w*)\b(?!\.)", readme))
    used |= set(re.findall(r"\bbitext\.([A-Za-z_]\w*)\b(?!\.)", code))
    submodules = {p.stem for p in (ROOT / "src" / "bitext").iterdir()} - {"__init__"}
    functions = {"evaluate", "normalize", "read", "segment"}  # named like their module
    missing = {
        n for n in used if n not in bitext.__all__ and (n not in submodules or n in functions)
    }
    assert {"align_document", "write_tmx", "align_sentences"} <= used
    assert not missing


def test_py_typed_ships_in_the_package():
    assert resources.files("bitext").joinpath("py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in pyproject.split("[tool.setuptools.package-data]")[1]


PROBE = """
import json, sys
import bitext
loaded = sorted(m for m in ("numpy", "scipy", "pypinyin", "docx", "jieba", "opencc", "lxml",
                            "nltk", "tqdm", "charset_normalizer") if m in sys.modules)
import bitext.read, bitext.normalize, bitext.segment, bitext.evaluate  # the submodules
print(json.dumps({"loaded": loaded, "functions": [callable(bitext.read),
    callable(bitext.normalize), callable(bitext.segment), callable(bitext.evaluate)]}))
"""


def test_import_bitext_loads_no_heavy_library_and_functions_win_over_submodules():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out)
    assert result["loaded"] == []
    assert result["functions"] == [True, True, True, True]


def test_the_pipeline_does_not_load_pypinyin_until_a_reading_is_needed():
    code = "import sys, bitext.pipeline; print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_cli_segmentation_choices_are_the_library_s():
    from bitext.cli._common import SEGMENTATIONS
    from bitext.segment import SEGMENTATIONS as library

    assert library == SEGMENTATIONS
