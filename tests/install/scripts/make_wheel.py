#!/usr/bin/env python3
"""Builds a tiny, valid pure-Python wheel (PEP 427) for the install tests.

usage: make_wheel.py OUT_DIR NAME VERSION [--pth DIR]
Writes OUT_DIR/NAME-VERSION-py3-none-any.whl containing NAME/__init__.py with
__version__ = VERSION, plus the .dist-info (METADATA, WHEEL, RECORD), and prints
the wheel's file name and sha256 (hex) on one line. With --pth DIR the wheel holds
no package but NAME-from-DIR.pth, which puts DIR on sys.path (a venv then imports
the NAME that DIR holds: Debian's real torch, for the install-then-verify test).
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def metadata(name, version, requires=()):
    lines = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n").encode()


def build_wheel(out_dir, name, version, pth=None, requires=(), padding=0, tag="py3-none-any"):
    """Writes the wheel; returns its path. padding: bytes of incompressible filler
    (a large wheel for the download tests)."""
    dist = f"{name}-{version}"
    module = name.replace("-", "_")
    payload = ({f"{module}-from-dir.pth": f"{pth}\n".encode()} if pth
               else {f"{module}/__init__.py": f"__version__ = {version!r}\n".encode()})
    if padding:
        # Beside the package, not in it: a --pth wheel must not shadow the real package.
        payload[f"torchup_test_filler_{module}/blob.bin"] = os.urandom(padding)
    files = {
        **payload,
        f"{dist}.dist-info/METADATA": metadata(name, version, requires),
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: torchup-tests\nRoot-Is-Purelib: true\nTag: " + tag.encode() + b"\n",
    }
    record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data in files.items())
    record += f"{dist}.dist-info/RECORD,,\n"
    files[f"{dist}.dist-info/RECORD"] = record.encode()
    os.makedirs(out_dir, exist_ok=True)
    wheel = os.path.join(out_dir, f"{dist}-{tag}.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


def main() -> int:
    out_dir, name, version = sys.argv[1], sys.argv[2], sys.argv[3]
    pth = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--pth" else None
    wheel = build_wheel(out_dir, name, version, pth)
    with open(wheel, "rb") as f:
        print(os.path.basename(wheel), hashlib.sha256(f.read()).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
