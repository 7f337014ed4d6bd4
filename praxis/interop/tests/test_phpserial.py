"""PHP's serialize format as Moodle's standard log kept ``other``: plain values read back
exactly, anything that could build an object refused, malformed input a ValueError."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from praxis.demo.moodle_backup import php_serialize
from praxis.interop.moodle.phpserial import MAX_DEPTH, unserialize

# The demo's backups write their logs' ``other`` with it: one serializer to trust.
serialize = php_serialize


def as_php_returns(value):
    """What reading gives back: a PHP array whose keys are 0..n-1 in order is a list."""
    if isinstance(value, list):
        return [as_php_returns(item) for item in value]
    if isinstance(value, dict):
        items = {key: as_php_returns(item) for key, item in value.items()}
        return list(items.values()) if list(items) == list(range(len(items))) else items
    return value


plain = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
values = st.recursive(
    plain,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.integers(-5, 50) | st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_every_plain_value_reads_back_as_written(value):
    assert unserialize(serialize(value)) == as_php_returns(value)


@given(st.text())
def test_string_lengths_count_utf8_bytes_as_php_does(text):
    assert unserialize(serialize(text)) == text


@given(st.binary(max_size=200))
def test_any_bytes_either_read_or_raise_value_error(data):
    with contextlib.suppress(ValueError):
        unserialize(data)


def test_moodle_log_other_reads_into_a_dict():
    other = ('a:3:{s:12:"discussionid";s:2:"12";s:7:"forumid";i:3;'
             's:9:"forumtype";s:7:"general";}')
    assert unserialize(other) == {"discussionid": "12", "forumid": 3, "forumtype": "general"}


def test_persian_text_uses_its_byte_length():
    assert unserialize('s:8:"سلام";') == "سلام"
    with pytest.raises(ValueError):
        unserialize('s:4:"سلام";')


def test_php_floats_including_infinity():
    assert unserialize("d:0.1;") == 0.1
    assert unserialize("d:1.0E+25;") == 1.0e25
    assert unserialize("d:-INF;") == float("-inf")


@pytest.mark.parametrize("hostile", [
    'O:8:"stdClass":1:{s:1:"a";i:1;}',
    'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
    'a:2:{i:0;s:1:"a";i:1;r:1;}',
    'a:1:{i:0;R:1;}',
    'E:7:"Foo:Bar";',
    'a:1:{i:0;O:1:"X":0:{}}',
])
def test_objects_references_and_enums_are_refused(hostile):
    with pytest.raises(ValueError):
        unserialize(hostile)


@pytest.mark.parametrize("malformed", [
    "", "N", "b:2;", "b:1", "i:;", "i:1.5;", "i: 1;", "d:abc;", 's:5:"abc";', 's:-1:"";',
    's:3:"abc"', 'a:1:{i:0;}', 'a:-1:{}', 'a:1:{a:0:{}i:1;}', 'a:1:{d:1.5;i:1;}',
    'a:2:{i:0;i:1;}', "i:1;i:2;", "N;x", 'a:99999999999:{}',
])
def test_malformed_input_is_a_value_error(malformed):
    with pytest.raises(ValueError):
        unserialize(malformed)


def test_nesting_deeper_than_the_limit_is_refused():
    depth = MAX_DEPTH + 1
    with pytest.raises(ValueError, match="nested"):
        unserialize("a:1:{i:0;" * depth + "N;" + "}" * depth)
    allowed = MAX_DEPTH - 1
    assert unserialize("a:1:{i:0;" * allowed + "N;" + "}" * allowed) is not None
