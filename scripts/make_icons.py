"""Draw the app icons (PNG, no image library needed): a chat bubble on blue.

Run once when the design changes; the PNGs are committed in web/public.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

BLUE = (26, 115, 232)
WHITE = (255, 255, 255)


def inside_rounded(x: float, y: float, x0: float, y0: float, x1: float, y1: float, r: float) -> bool:
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def pixel(x: float, y: float, maskable: bool) -> tuple[int, int, int, int]:
    # u, v in 0..1; a maskable icon keeps its drawing in the central 80%.
    u, v = x, y
    if not maskable and not inside_rounded(u, v, 0, 0, 1, 1, 0.22):
        return (0, 0, 0, 0)
    s = 0.62 if maskable else 0.7
    bu, bv = (u - 0.5) / s + 0.5, (v - 0.5) / s + 0.5
    bubble = inside_rounded(bu, bv, 0.12, 0.16, 0.88, 0.72, 0.16)
    tail = 0.28 <= bu <= 0.46 and 0.70 <= bv <= 0.90 and (bu - 0.28) >= (bv - 0.70) * 0.9
    dots = any((bu - cx) ** 2 + (bv - 0.44) ** 2 <= 0.055**2 for cx in (0.32, 0.5, 0.68))
    if (bubble or tail) and not dots:
        return (*WHITE, 255)
    return (*BLUE, 255)


def png(size: int, maskable: bool) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray(b"\x00")
        for i in range(size):
            # 2x2 supersampling for smooth edges
            samples = [pixel((i + dx) / size, (j + dy) / size, maskable) for dx in (0.25, 0.75) for dy in (0.25, 0.75)]
            row += bytes(sum(p[k] for p in samples) // 4 for k in range(4))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size, maskable=False))
    (out / "icon-maskable-512.png").write_bytes(png(512, maskable=True))
    (out / "apple-touch-icon.png").write_bytes(png(180, maskable=True))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "web/public"))
