"""Hostile and broken Moodle backups, built in a test's folder when the test runs (no binary
files in the repository). Each builder writes one file into ``folder`` and returns its path.
The archives hold a small valid backup besides the hostile entry, placed last, so that a
refusal comes after something was written and the clean-up is tested too."""

import gzip
import io
import stat
import tarfile
import zipfile
from pathlib import Path

MOODLE_BACKUP_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<moodle_backup>
  <information>
    <name>backup-moodle2-course-2-test-20240101-1200.mbz</name>
    <moodle_version>2022112802</moodle_version>
    <moodle_release>4.1.2 (Build: 20230313)</moodle_release>
    <backup_version>2022112800</backup_version>
    <original_site_identifier_hash>0123456789abcdef</original_site_identifier_hash>
  </information>
</moodle_backup>
"""

BACKUP_FILES: dict[str, bytes] = {
    "moodle_backup.xml": MOODLE_BACKUP_XML,
    "course/course.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<course id="2"/>\n',
    "files.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<files/>\n',
}


class Zeros(io.RawIOBase):
    """An endless stream of zero bytes: a bomb's content, never held in memory."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        buffer[:] = bytes(len(buffer))
        return len(buffer)


def _file(name: str, content: bytes) -> tuple[tarfile.TarInfo, io.BytesIO]:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o644
    return info, io.BytesIO(content)


def tar_archive(folder: Path, files: dict[str, bytes], *, specials=(), prefix: str = "",
                compressed: bool = True, name: str = "backup.mbz") -> Path:
    """A tar (gzip'd unless told) of ``files``, then the ``specials`` (TarInfo, content)."""
    path = folder / name
    with tarfile.open(path, "w:gz" if compressed else "w", format=tarfile.PAX_FORMAT) as tar:
        for entry, content in files.items():
            tar.addfile(*_file(prefix + entry, content))
        for info, content in specials:
            tar.addfile(info, content)
    return path


def zip_archive(folder: Path, files: dict[str, bytes], *, specials=(),
                name: str = "backup.mbz") -> Path:
    """A ZIP of ``files``, then the ``specials`` (ZipInfo, content)."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in files.items():
            archive.writestr(entry, content)
        for info, content in specials:
            archive.writestr(info, content)
    return path


# Entries whose names try to leave the folder.

def tar_with_entry_named(folder: Path, entry: str) -> Path:
    return tar_archive(folder, BACKUP_FILES, specials=[_file(entry, b"evil\n")])


def zip_with_entry_named(folder: Path, entry: str) -> Path:
    return zip_archive(folder, BACKUP_FILES, specials=[(zipfile.ZipInfo(entry), b"evil\n")])


def tar_with_nul_in_name(folder: Path) -> Path:
    # A non-ASCII name goes into a pax header, which keeps the NUL a ustar header would cut.
    return tar_with_entry_named(folder, "course/é\x00evil")


def zip_with_nul_in_name(folder: Path) -> Path:
    """Written as "evilXsafe" and then patched: Python's zipfile will not write a NUL."""
    path = zip_with_entry_named(folder, "evilXsafe")
    path.write_bytes(path.read_bytes().replace(b"evilXsafe", b"evil\x00safe"))
    return path


# Links and special files.

def tar_with_symlink(folder: Path, target: str = "/etc/passwd") -> Path:
    link = tarfile.TarInfo("course/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, target
    return tar_archive(folder, BACKUP_FILES, specials=[(link, None)])


def tar_with_hardlink(folder: Path, target: str = "/etc/passwd") -> Path:
    link = tarfile.TarInfo("course/passwd")
    link.type, link.linkname = tarfile.LNKTYPE, target
    return tar_archive(folder, BACKUP_FILES, specials=[(link, None)])


def tar_with_device(folder: Path, kind: bytes = tarfile.CHRTYPE) -> Path:
    device = tarfile.TarInfo("course/null")
    device.type, device.devmajor, device.devminor = kind, 1, 3
    return tar_archive(folder, BACKUP_FILES, specials=[(device, None)])


def zip_with_symlink(folder: Path, target: str = "/etc/passwd") -> Path:
    link = zipfile.ZipInfo("course/passwd")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return zip_archive(folder, BACKUP_FILES, specials=[(link, target.encode())])


# Bombs.

def zip_bomb(folder: Path, megabytes: int) -> Path:
    """A ZIP whose one extra entry unpacks to ``megabytes`` MB of zeros (about 1,000 to 1)."""
    path = zip_archive(folder, BACKUP_FILES)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("files/00/zeros", "w", force_zip64=True) as entry:
        chunk = bytes(1024 * 1024)
        for _ in range(megabytes):
            entry.write(chunk)
    return path


def tar_gz_bomb(folder: Path, megabytes: int, *, entries: int = 1) -> Path:
    """A gzip'd tar whose extra ``entries`` unpack to ``megabytes`` MB of zeros each."""
    specials = []
    for number in range(entries):
        info = tarfile.TarInfo(f"files/00/zeros{number}")
        info.size = megabytes * 1024 * 1024
        specials.append((info, io.BufferedReader(Zeros())))
    return tar_archive(folder, BACKUP_FILES, specials=specials)


def tar_gz_with_trailing_zeros(folder: Path, megabytes: int) -> Path:
    """A valid backup followed, inside the gzip stream, by zeros past the tar's end."""
    plain = tar_archive(folder, BACKUP_FILES, compressed=False, name="plain.tar")
    path = folder / "backup.mbz"
    with gzip.open(path, "wb") as out:
        out.write(plain.read_bytes())
        chunk = bytes(1024 * 1024)
        for _ in range(megabytes):
            out.write(chunk)
    plain.unlink()
    return path


def tar_gz_with_large_header(folder: Path, megabytes: int, *, kind: str = "pax") -> Path:
    """A gzip'd tar whose last entry has a PAX header (``kind`` "pax") or a GNU long name
    ("gnu") of ``megabytes`` MB, which tarfile would read whole into memory."""
    path = folder / "backup.mbz"
    huge = "a" * (megabytes * 1024 * 1024)
    tar_format = tarfile.PAX_FORMAT if kind == "pax" else tarfile.GNU_FORMAT
    with tarfile.open(path, "w:gz", format=tar_format) as tar:
        for entry, content in BACKUP_FILES.items():
            tar.addfile(*_file(entry, content))
        if kind == "pax":
            info, content = _file("files/00/notes", b"x")
            info.pax_headers = {"comment": huge}
        else:
            info, content = _file("files/00/" + huge, b"x")
        tar.addfile(info, content)
    return path


def zip_with_many_entries(folder: Path, count: int) -> Path:
    files = dict(BACKUP_FILES)
    files.update({f"files/{number:06d}": b"" for number in range(count)})
    return zip_archive(folder, files)


# Damaged archives and files that are not archives.

def _big_backup_files() -> dict[str, bytes]:
    # Content that does not compress, so that a cut lands inside an entry's data.
    noise = bytes((number * 7919 + number // 251) % 256 for number in range(200_000))
    return {**BACKUP_FILES, "files/ab/abcdef": noise}


def truncated_tar_gz(folder: Path) -> Path:
    path = tar_archive(folder, _big_backup_files())
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    return path


def truncated_zip(folder: Path) -> Path:
    path = zip_archive(folder, _big_backup_files())
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    return path


def zip_with_bad_crc(folder: Path) -> Path:
    path = folder / "backup.mbz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for entry, content in BACKUP_FILES.items():
            archive.writestr(entry, content)
    data = path.read_bytes()
    # Change one byte of stored content: the CRC in the headers no longer matches.
    at = data.index(b"moodle_version")
    path.write_bytes(data[:at] + b"M" + data[at + 1:])
    return path


def tar_gz_with_bad_crc(folder: Path) -> Path:
    path = tar_archive(folder, BACKUP_FILES)
    data = bytearray(path.read_bytes())
    data[-6] ^= 0xFF  # inside the gzip trailer's CRC-32
    path.write_bytes(bytes(data))
    return path


def pdf_file(folder: Path) -> Path:
    path = folder / "backup.mbz"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def text_file(folder: Path) -> Path:
    path = folder / "backup.mbz"
    path.write_text("These are my notes about the course, not a backup.\n")
    return path


def gzip_of_text(folder: Path) -> Path:
    path = folder / "backup.mbz"
    path.write_bytes(gzip.compress(b"Not a tar archive, only compressed text.\n" * 50))
    return path


def moodle19_zip(folder: Path) -> Path:
    return zip_archive(folder, {
        "moodle.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<MOODLE_BACKUP/>\n',
        "course_files/readme.txt": b"hello\n",
    })


def zip_without_moodle_backup(folder: Path) -> Path:
    return zip_archive(folder, {"notes/readme.txt": b"hello\n", "photo.jpg": b"\xff\xd8"})


# Hostile and malformed XML: each builder writes moodle_backup.xml's content.

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE moodle_backup [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<moodle_backup><information><name>&lol9;</name></information></moodle_backup>
"""


def external_entity(url: str = "file:///etc/passwd") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<!DOCTYPE moodle_backup [<!ENTITY secret SYSTEM "' + url.encode() + b'">]>\n'
            b"<moodle_backup><information><name>&secret;</name></information>"
            b"</moodle_backup>\n")


def parameter_entity(url: str = "http://127.0.0.1:9/evil.dtd") -> bytes:
    return (b'<?xml version="1.0"?>\n'
            b'<!DOCTYPE moodle_backup [<!ENTITY % remote SYSTEM "' + url.encode()
            + b'"> %remote;]>\n'
            b"<moodle_backup/>\n")


def doctype_after_comment() -> bytes:
    return (b'<?xml version="1.0"?>\n<!-- written by Moodle -->\n'
            b'<!DOCTYPE moodle_backup SYSTEM "file:///etc/passwd">\n<moodle_backup/>\n')


def utf16_external_entity() -> bytes:
    return external_entity().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
        "utf-16")


def truncated_xml() -> bytes:
    return MOODLE_BACKUP_XML[: len(MOODLE_BACKUP_XML) * 2 // 3]


def badly_encoded_xml() -> bytes:
    return MOODLE_BACKUP_XML.replace(b"test-2024", b"t\xe9st-2024")  # Latin-1, not UTF-8


def backup_with_moodle_backup_xml(folder: Path, content: bytes) -> Path:
    """A gzip'd tar backup whose moodle_backup.xml is ``content``."""
    return tar_archive(folder, {**BACKUP_FILES, "moodle_backup.xml": content})
