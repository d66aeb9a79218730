"""The two Teams app icons, drawn in code and written as PNG with zlib + struct (no image library).

color.png: 192x192, full colour (white page with a quote mark on the accent colour).
outline.png: 32x32, white outline on a transparent background, as Teams requires.
"""
from __future__ import annotations

import struct
import zlib

ACCENT = (0x2B, 0x57, 0x9A)
WHITE = (255, 255, 255)


def png(width: int, height: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """Encode RGBA rows (8 bits per channel) as a PNG."""
    raw = b"".join(b"\x00" + b"".join(struct.pack("4B", *px) for px in row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _page(x: float, y: float) -> bool:
    """A page with a folded corner, in unit coordinates (0..1)."""
    inside = 0.28 <= x <= 0.72 and 0.2 <= y <= 0.8
    return inside and not (x > 0.6 and y < 0.2 + (x - 0.6))


def _lines(x: float, y: float) -> bool:
    return 0.36 <= x <= 0.64 and any(abs(y - row) < 0.018 for row in (0.42, 0.52, 0.62, 0.72))


def color_icon(size: int = 192) -> bytes:
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            x, y = (i + 0.5) / size, (j + 0.5) / size
            rgb = ACCENT if _lines(x, y) else WHITE if _page(x, y) else ACCENT
            row.append((*rgb, 255))
        rows.append(row)
    return png(size, size, rows)


def outline_icon(size: int = 32) -> bytes:
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            x, y = (i + 0.5) / size, (j + 0.5) / size
            d = 1.0 / size
            edge = _page(x, y) and not all(_page(x + dx, y + dy) for dx in (-d, d) for dy in (-d, d))
            row.append((*WHITE, 255) if edge or _lines(x, y) else (0, 0, 0, 0))
        rows.append(row)
    return png(size, size, rows)
