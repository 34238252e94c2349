"""Text clean-up shared by the JSON API and spreadsheet imports.

Clerks type on Chinese IMEs that freely mix full-width and half-width forms (``４０００``, ``（``, the
ideographic space), paste from Word with stray newlines, and list items with whichever separator is
at hand. Normalising in one place keeps the same value equal however it was typed, so upserts count it
as ``unchanged`` and blind indexes match.
"""

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["LIST_SEPARATORS", "clean_list", "clean_text", "normalize", "split_list"]

# Separators clerks use between list items. NFKC runs first, so the full-width comma/semicolon/slash
# arrive here as their ASCII forms; 、 and ； are listed anyway because NFKC keeps 、 unchanged.
LIST_SEPARATORS = "、，,;；/／|｜\n\r\t"
_SPLIT_RE = re.compile(r"[、，,;；/／|｜\r\n\t]+")
_SPACE_RE = re.compile(r"\s+")


def normalize(value: str) -> str:
    """NFKC (full-width → half-width, compatibility forms folded), trimmed, inner whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value)
    # Zero-width characters come in with copy-paste from web pages and would make equal values differ.
    value = value.replace("\u200b", "").replace("\ufeff", "").replace("\u200c", "").replace("\u200d", "")
    return _SPACE_RE.sub(" ", value).strip()


def clean_text(value: object, *, max_len: int) -> str | None:
    """Normalise one text value; blank → ``None``; longer than ``max_len`` characters → ``ValueError``.

    The error message states the limit only; it never repeats the value, which may be personal data.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        # Spreadsheet cells and JSON numbers arrive as int/float; 123.0 means the text "123".
        if isinstance(value, bool):
            raise ValueError("应为文本")
        if isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif isinstance(value, int | float):
            value = str(value)
        else:
            raise ValueError("应为文本")
    text = normalize(value)
    if not text:
        return None
    if len(text) > max_len:
        raise ValueError(f"长度不能超过{max_len}个字符")
    return text


def split_list(value: str) -> list[str]:
    """Split a free-text list on the separators clerks use (、，,;；/ and newlines)."""
    return _SPLIT_RE.split(unicodedata.normalize("NFKC", value))


def clean_list(value: object, *, max_items: int, max_len: int) -> list[str]:
    """Clean a list given as a list or as one separated string; drop blanks, de-duplicate keeping order.

    More than ``max_items`` distinct items, or an item longer than ``max_len``, raises ``ValueError``.
    """
    if value is None:
        return []
    raw_items: Iterable[object]
    if isinstance(value, str):
        raw_items = split_list(value)
    elif isinstance(value, list | tuple):
        raw_items = value
    else:
        raise ValueError("应为列表")
    seen: set[str] = set()
    result: list[str] = []
    for raw in raw_items:
        item = clean_text(raw, max_len=max_len)
        if item is None or item in seen:
            continue
        seen.add(item)
        result.append(item)
    if len(result) > max_items:
        raise ValueError(f"最多填写{max_items}项")
    return result
