#!/usr/bin/env python3
"""Builds a valid pure-Python wheel of about SIZE_MB megabytes for the download benchmark.

usage: make_big_wheel.py OUT_DIR SIZE_MB
Writes OUT_DIR/torch-2.12.0-py3-none-any.whl: torch/__init__.py, torch/blob.bin (random
bytes, stored uncompressed, so the wheel is as large as asked) and the .dist-info
(METADATA, WHEEL, RECORD); prints the file name and its sha256 (hex) on one line.
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main() -> int:
    out_dir, size_mb = sys.argv[1], int(sys.argv[2])
    dist = "torch-2.12.0"
    files = {
        "torch/__init__.py": b"__version__ = '2.12.0'\n",
        "torch/blob.bin": os.urandom(size_mb << 20),
        f"{dist}.dist-info/METADATA": b"Metadata-Version: 2.1\nName: torch\nVersion: 2.12.0\n",
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: torchup-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{p},{record_hash(d)},{len(d)}\n" for p, d in files.items()) + f"{dist}.dist-info/RECORD,,\n"
    files[f"{dist}.dist-info/RECORD"] = record.encode()
    os.makedirs(out_dir, exist_ok=True)
    wheel = os.path.join(out_dir, f"{dist}-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    h = hashlib.sha256()
    with open(wheel, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    print(os.path.basename(wheel), h.hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
