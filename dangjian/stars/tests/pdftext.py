"""Text of a PDF made by WeasyPrint, for the tests (no PDF package is installed): inflate every stream, read the
fonts' ToUnicode maps, and decode the hex strings of the text operators. Enough for WeasyPrint's output (one
Identity-H font per face, glyph ids as 2-byte hex strings); not a general PDF reader."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
TEXT = re.compile(rb"\[(.*?)\]\s*TJ|<([0-9A-Fa-f]+)>\s*Tj", re.S)


def _streams(pdf):
    for match in STREAM.finditer(pdf):
        data = match.group(1)
        try:
            yield zlib.decompress(data)
        except zlib.error:
            yield data


def _unicode(hex_bytes):
    return bytes.fromhex(hex_bytes.decode()).decode("utf-16-be", errors="replace")


def text(pdf):
    streams = list(_streams(pdf))
    glyphs = {}
    for stream in streams:
        for block in BFCHAR.findall(stream):
            pairs = HEX.findall(block)
            for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
                glyphs.setdefault(src.upper(), _unicode(dst))
        for block in BFRANGE.findall(stream):
            values = HEX.findall(block)
            for start, end, dst in zip(values[::3], values[1::3], values[2::3], strict=False):
                first, last, base = int(start, 16), int(end, 16), int(dst, 16)
                for code in range(first, last + 1):
                    glyphs.setdefault(f"{code:0{len(start)}X}".encode(), chr(base + code - first))
    out = []
    for stream in streams:
        for array, single in TEXT.findall(stream):
            for chunk in (HEX.findall(array) if array else [single]):
                width = 4 if len(chunk) % 4 == 0 else 2
                out.extend(glyphs.get(chunk[i:i + width].upper(), "") for i in range(0, len(chunk), width))
        out.append("\n")
    return "".join(out)
