"""Pinyin keys for Chinese names, so `bdx` finds 巴东县 and `badong` finds it too."""

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, without separators; non-Chinese characters kept as-is."""
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    return full[:200], initials[:60]
