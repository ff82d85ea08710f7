"""The text of a PDF WeasyPrint wrote, to compare a plate with what it should say. No PDF package is installed
(pypdf would do this); WeasyPrint's output is simple enough: plain objects, Flate streams, Type0 fonts with a
ToUnicode CMap, text shown as hex glyph strings after `/Fn size Tf`."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
FONT_REF = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R")
TOKEN = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\b(ET|T\*|Td|TD)\b")


def _stream(body):
    match = STREAM.search(body)
    if match is None:
        return b""
    data = match[1]
    return zlib.decompressobj().decompress(data) if b"/FlateDecode" in body[:match.start()] else data


def _cmap(data):
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[src.decode().lower()] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            width, first = len(start), int(dst, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                table[f"{code:0{width}x}"] = chr(first + offset)
    return table


def _objects(pdf):
    """Numbered objects, those packed in object streams (/Type /ObjStm) included."""
    objects = {int(number): body for number, body in OBJECT.findall(pdf)}
    for body in list(objects.values()):
        if b"/Type /ObjStm" not in body[:200]:
            continue
        data, first = _stream(body), int(re.search(rb"/First (\d+)", body)[1])
        pairs = [int(v) for v in data[:first].split()]
        starts = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
        for index, (number, offset) in enumerate(starts):
            end = starts[index + 1][1] if index + 1 < len(starts) else len(data) - first
            objects[number] = data[first + offset:first + end]
    return objects


def pdf_text(pdf: bytes) -> str:
    objects = _objects(pdf)
    cmaps = {}  # font object number -> glyph table
    for number, body in objects.items():
        match = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if match:
            cmaps[number] = _cmap(_stream(objects[int(match[1])]))
    names = {}  # resource name (F1) -> glyph table
    for body in objects.values():  # font dictionaries, inline or objects of their own: /Name <font> 0 R
        for name, number in FONT_REF.findall(body):
            if int(number) in cmaps:
                names[name] = cmaps[int(number)]
    text, table = [], {}
    for body in objects.values():
        if b"/ToUnicode" in body or b"/Subtype" in body or b"stream" not in body:
            continue
        content = _stream(body)
        if b"Tf" not in content:
            continue
        for font, glyphs, operator in TOKEN.findall(content):
            if font:
                table = names.get(font, {})
            elif operator:
                text.append("\n" if operator == b"ET" else "")
            else:
                hexes = re.sub(rb"\s", b"", glyphs).decode().lower()
                width = len(next(iter(table), "0000")) or 4
                text.extend(table.get(hexes[i:i + width], "") for i in range(0, len(hexes), width))
    return "".join(text)
