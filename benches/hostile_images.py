#!/usr/bin/env python3
"""Writes image files whose headers claim huge pictures, for
benches/hostile_images.sh. Standard library only.

    benches/hostile_images.py OUTDIR

Each is small on disk and would take hundreds of MB to GBs once decoded:
  png_ga_16384.png     16384x16384 grey+alpha, all zero (~0.5 MB)
  png_rgba16_8192.png  8192x8192 RGBA 16-bit, all zero
  png_grey_6000.png    6000x6000 grey, interlaced, all white (legitimate size)
  jpeg_16384.jpg       baseline grey JPEG header claiming 16384x16384 (~300 B)
  jpeg_prog_16384.jpg  progressive YCbCr 4:4:4 header claiming 16384x16384
  gif_16000.gif        16000x16000 GIF, one frame, almost no data
  bmp_16384.bmp        24-bit BMP header claiming 16384x16384
"""
import os
import struct
import sys
import zlib


def png(path, w, h, color_type, depth, fill=0, interlace=0):
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" + bytes([fill]) * (w * channels * depth // 8)
    z = zlib.compressobj(9)
    idat = bytearray()
    # Adam7 passes hold fewer, shorter rows; for a bomb the exact byte
    # count does not matter, the decoder stops at the end of the data.
    for _ in range(h):
        idat += z.compress(row)
    idat += z.flush()

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, interlace)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(idat))
                + chunk(b"IEND", b""))


def jpeg(path, w, h, progressive, components):
    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data

    out = b"\xff\xd8"
    out += seg(0xDB, b"\x00" + bytes([1] * 64))  # one quantization table
    sof = struct.pack(">BHHB", 8, h, w, components)
    for c in range(components):
        sof += bytes([c + 1, 0x11, 0])  # 1x1 sampling: coefficients for every pixel
    out += seg(0xC2 if progressive else 0xC0, sof)
    # DC table 0 and AC table 0, each with a single 1-bit code for symbol 0
    # (DC difference 0, end of block): every block is two bits.
    counts = bytes([1] + [0] * 15)
    out += seg(0xC4, b"\x00" + counts + b"\x00")
    out += seg(0xC4, b"\x10" + counts + b"\x00")
    sos = bytes([components]) + b"".join(bytes([c + 1, 0x00]) for c in range(components))
    sos += b"\x00\x00\x00" if progressive else b"\x00\x3f\x00"
    out += seg(0xDA, sos)
    out += b"\x00" * 64 + b"\xff\xd9"
    with open(path, "wb") as f:
        f.write(out)


def gif(path, w, h):
    out = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0)  # 2-colour global table
    out += b"\x00\x00\x00\xff\xff\xff"
    out += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0)
    out += b"\x02\x02\x4c\x01\x00"  # min code size 2, a few LZW bits, end
    out += b"\x3b"
    with open(path, "wb") as f:
        f.write(out)


def bmp(path, w, h):
    size = w * 3 * h
    out = b"BM" + struct.pack("<IHHI", 54 + size, 0, 0, 54)
    out += struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, size, 2835, 2835, 0, 0)
    out += b"\x00" * 4096
    with open(path, "wb") as f:
        f.write(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    png(p("png_ga_16384.png"), 16384, 16384, 4, 8)
    png(p("png_rgba16_8192.png"), 8192, 8192, 6, 16)
    png(p("png_grey_6000.png"), 6000, 6000, 0, 8, fill=255, interlace=0)
    jpeg(p("jpeg_16384.jpg"), 16384, 16384, False, 1)
    jpeg(p("jpeg_prog_16384.jpg"), 16384, 16384, True, 3)
    gif(p("gif_16000.gif"), 16000, 16000)
    bmp(p("bmp_16384.bmp"), 16384, 16384)


if __name__ == "__main__":
    main()
