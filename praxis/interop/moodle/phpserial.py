"""PHP's ``serialize()`` format, read without PHP: Moodle's standard log kept each entry's
``other`` this way before it learnt JSON (and a site that switched keeps both).

Only plain values are read: null, booleans, integers, floats, strings and arrays. Objects
(``O:``, ``C:``), references (``r:``, ``R:``) and enums (``E:``) are refused, so reading a
hostile log can never build anything. A string's length counts UTF-8 bytes, as PHP does.
"""

import re

MAX_DEPTH = 32

_INTEGER = re.compile(rb"[+-]?\d+")
_FLOAT = re.compile(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NAN")


def unserialize(text: str | bytes) -> object:
    """The value ``text`` holds: None, bool, int, float, str, or a dict for a PHP array
    (a list when its keys are 0, 1, 2... in order). Raises ValueError for anything else,
    for malformed input, for trailing bytes and for arrays nested deeper than MAX_DEPTH."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    reader = _Reader(data)
    value = reader.value(depth=0)
    if reader.position != len(data):
        raise ValueError(f"unexpected data after the value at byte {reader.position}")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def value(self, *, depth: int) -> object:
        kind = self.data[self.position : self.position + 1]
        if kind == b"N":
            self.expect(b"N;")
            return None
        if kind not in (b"b", b"i", b"d", b"s", b"a"):
            shown = kind.decode("ascii", "replace") or "end of input"
            raise ValueError(f"unsupported or malformed value {shown!r} at byte {self.position}")
        self.expect(kind + b":")
        if kind == b"b":
            flag = self.until(b";")
            if flag not in (b"0", b"1"):
                raise ValueError("a boolean must be 0 or 1")
            return flag == b"1"
        if kind == b"i":
            return int(self.matching(_INTEGER, self.until(b";")))
        if kind == b"d":
            return float(self.matching(_FLOAT, self.until(b";")))
        if kind == b"s":
            return self.string()
        return self.array(depth=depth + 1)

    def string(self) -> str:
        length = int(self.matching(_INTEGER, self.until(b":")))
        if length < 0:
            raise ValueError("a string cannot have a negative length")
        self.expect(b'"')
        end = self.position + length
        if end > len(self.data):
            raise ValueError("a string runs past the end of the input")
        raw = self.data[self.position : end]
        self.position = end
        self.expect(b'";')
        # A log written by a misconfigured site may hold bytes that are not UTF-8: keep the
        # rest of the entry readable rather than refusing it.
        return raw.decode("utf-8", "replace")

    def array(self, *, depth: int) -> dict[int | str, object] | list[object]:
        if depth > MAX_DEPTH:
            raise ValueError(f"arrays nested deeper than {MAX_DEPTH}")
        count = int(self.matching(_INTEGER, self.until(b":")))
        if count < 0:
            raise ValueError("an array cannot have a negative size")
        self.expect(b"{")
        items: dict[int | str, object] = {}
        for _ in range(count):
            key = self.value(depth=depth)
            if isinstance(key, bool) or not isinstance(key, int | str):
                raise ValueError("an array key must be an integer or a string")
            items[key] = self.value(depth=depth)
        self.expect(b"}")
        if list(items) == list(range(len(items))):
            return list(items.values())
        return items

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.position):
            raise ValueError(f"expected {token.decode()!r} at byte {self.position}")
        self.position += len(token)

    def until(self, end: bytes) -> bytes:
        stop = self.data.find(end, self.position)
        if stop < 0:
            raise ValueError(f"missing {end.decode()!r} after byte {self.position}")
        chunk = self.data[self.position : stop]
        self.position = stop + len(end)
        return chunk

    @staticmethod
    def matching(pattern: re.Pattern[bytes], chunk: bytes) -> bytes:
        if not pattern.fullmatch(chunk):
            raise ValueError(f"not a number: {chunk[:20]!r}")
        return chunk
