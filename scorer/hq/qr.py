"""An enrolment code as a QR code: compact in the terminal (two modules per character cell, with
half blocks) and as a PNG file written without an imaging library (zlib and a few PNG chunks)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import qrcode


def matrix(text: str, border: int = 2) -> list[list[bool]]:
    """The QR code's modules (True = dark), with a quiet zone of `border` modules."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def terminal(text: str, colour: bool = False) -> str:
    """The QR code for a terminal, two rows of modules per line, dark modules drawn as blocks;
    `colour` (a real terminal) paints it black on white so it scans on a dark background too."""
    grid = matrix(text)
    if len(grid) % 2:
        grid.append([False] * len(grid[0]))
    chars = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
    lines = []
    for top, bottom in zip(grid[0::2], grid[1::2], strict=True):
        line = "".join(chars[(a, b)] for a, b in zip(top, bottom, strict=True))
        lines.append(f"\x1b[30;107m{line}\x1b[0m" if colour else line)
    return "\n".join(lines)


def png(text: str, scale: int = 8, border: int = 4) -> bytes:
    """The QR code as a 1-bit greyscale PNG, `scale` pixels per module."""
    grid = matrix(text, border)
    size = len(grid) * scale
    raw = bytearray()
    for row in grid:
        bits = "".join(("0" if dark else "1") * scale for dark in row)  # 0 = black
        bits += "0" * (-len(bits) % 8)
        line = b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")  # filter type 0
        raw += line * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def write_png(text: str, path: Path) -> None:
    path.write_bytes(png(text))
