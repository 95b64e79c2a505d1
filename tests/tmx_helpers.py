"""Hand-made CAT-tool TMX files and helpers shared by the TMX reader and round-trip tests.

Not a test module (no test_ prefix): test_tmxread.py reads these files as a CAT
tool wrote them, test_tmx_roundtrip.py writes them back and reads them again,
so both take the same inputs from here instead of each keeping a copy.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

OMEGAT_11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" creationtoolversion="1.8.1" segtype="sentence"
          o-tmf="OmegaT TMX" adminlang="EN-US" srclang="EN-US" datatype="plaintext"/>
  <body>
    <tu>
      <prop type="x-file">press.txt</prop>
      <prop type="x-context">para 2</prop>
      <prop type="x-context">second value</prop>
      <tuv lang="EN-US"><seg>The meeting was held in Chongqing.</seg></tuv>
      <tuv lang="ZH-CN"><seg>會議在重慶舉行。</seg></tuv>
    </tu>
    <tu>
      <tuv lang="EN-US"><seg>Fish &amp; chips &lt;3</seg></tuv>
      <tuv lang="ZH-CN"><seg>炸魚薯條</seg></tuv>
    </tu>
  </body>
</tmx>
"""

TRADOS_SEG_EN = (
    'Click <bpt i="1" type="bold">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> '
    'to continue<ph x="2" type="lb">&lt;br/&gt;</ph> now.'
)
TRADOS_SEG_ZH = '點擊<bpt i="1" type="bold">&lt;b&gt;</bpt>保存<ept i="1">&lt;/b&gt;</ept>繼續。'
HI_SEG = 'See <hi type="italic">the annex</hi>.<it pos="begin">&lt;u&gt;</it>'
TRADOS_14 = f"""<?xml version="1.0" encoding="UTF-16"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"
          creationdate="20230102T030405Z"/>
  <body>
    <tu tuid="17" creationdate="20230102T030405Z" creationid="ANNA" changedate="20240506T070809Z">
      <note>Checked by reviewer</note>
      <prop type="x-Origin">TM</prop>
      <tuv xml:lang="en-US"><seg>{TRADOS_SEG_EN}</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>{TRADOS_SEG_ZH}</seg></tuv>
    </tu>
    <tu tuid="18">
      <tuv xml:lang="en-US"><seg>{HI_SEG}</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>見附件。</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def write(tmp_path: Path, text: str, name: str = "memory.tmx", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def inline_tags(segment_xml: str) -> list[tuple[str, dict[str, str], str | None, str | None]]:
    seg = etree.fromstring(f"<seg>{segment_xml}</seg>")
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in seg.iter() if e is not seg]
