#!/usr/bin/env python3
"""A package index for the Ansible fleet test (tests/fleet/ansible_test.sh).

usage: ansible_index.py build DIR
       ansible_index.py serve DIR      (prints the port on a line, serves until killed)

build writes DIR/files/<wheel> (+ <wheel>.metadata) and DIR/simple/<name>/index.html
(PEP 503, anchors with #sha256= and PEP 658/714 metadata attributes) for torch 2.12.0 and
torchvision 0.27.0, each as +cpu and +cu126 (torch 2.12.0's builds for the test's nodes: a
VM with no GPU and a 4x A100 server on driver 535). The wheels are small stand-ins, not
PyTorch: a `torch` package with just what torchup verify's probe calls (torch.rand,
torch.cuda.*, a matmul that compares equal), so an install can be verified. The cu126
stand-in answers like the fixture's machine (four "NVIDIA A100-SXM4-80GB", capability 8.0).
serve answers GET and HEAD with single byte ranges (torchup's downloader asks for ranges).
Prints one line per wheel on build: NAME FILE SHA256 SIZE.
"""
import base64
import functools
import hashlib
import html
import http.server
import os
import re
import sys
import zipfile

TORCH = "2.12.0"
VISION = "0.27.0"
PLATFORMS = {"cpu": None, "cu126": "12.6"}

TORCH_INIT = '''\
"""A stand-in for torch (torchup's Ansible fleet test): not PyTorch."""
__version__ = {version!r}
from . import version, cuda, backends  # noqa: E402,F401


class Tensor:
    def __init__(self, rows=1, cols=1):
        self.shape = (rows, cols)

    def __matmul__(self, other):
        return Tensor(self.shape[0], other.shape[1])

    def __sub__(self, other):
        return Tensor(*self.shape)

    def abs(self):
        return self

    def max(self):
        return 0.0

    def __float__(self):
        return 0.0

    def to(self, device):
        return self

    def cpu(self):
        return self

    def __repr__(self):
        return "tensor(%r, stand-in)" % (self.shape,)


class Generator:
    def manual_seed(self, seed):
        return self


def rand(*shape, generator=None):
    return Tensor(*shape) if len(shape) == 2 else Tensor()
'''

TORCH_CUDA = '''\
_GPUS = {gpus!r}


class _Props:
    total_memory = 85899345920


def is_available():
    return bool(_GPUS)


def device_count():
    return len(_GPUS)


def get_arch_list():
    return {arch!r}


def get_device_name(i):
    return _GPUS[i]


def get_device_capability(i):
    return (8, 0)


def get_device_properties(i):
    return _Props()
'''


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def metadata(name, version, requires):
    lines = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version]
    lines += ["Requires-Dist: " + r for r in requires]
    return ("\n".join(lines) + "\n").encode()


def payload(name, version, cuda):
    if name == "torchvision":
        return {"torchvision/__init__.py": ("__version__ = %r\n" % version).encode()}
    gpus = ["NVIDIA A100-SXM4-80GB"] * 4 if cuda else []
    arch = ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"] if cuda else []
    return {
        "torch/__init__.py": TORCH_INIT.format(version=version).encode(),
        "torch/version.py": ("cuda = %r\nhip = None\n" % cuda).encode(),
        "torch/cuda.py": TORCH_CUDA.format(gpus=gpus, arch=arch).encode(),
        "torch/backends.py": b"mps = None\n",
    }


def build_wheel(out_dir, name, version, requires, cuda):
    dist = "%s-%s" % (name, version)
    files = payload(name, version, cuda)
    files[dist + ".dist-info/METADATA"] = metadata(name, version, requires)
    files[dist + ".dist-info/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: torchup-fleet-test\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = "".join("%s,%s,%d\n" % (p, record_hash(d), len(d)) for p, d in files.items())
    files[dist + ".dist-info/RECORD"] = (record + dist + ".dist-info/RECORD,,\n").encode()
    os.makedirs(out_dir, exist_ok=True)
    wheel = os.path.join(out_dir, dist + "-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return wheel


def build(out):
    pages = {}
    for platform, cuda in PLATFORMS.items():
        for name, version, requires in (("torch", TORCH, []),
                                        ("torchvision", VISION, ["torch==" + TORCH])):
            full = "%s+%s" % (version, platform)
            wheel = build_wheel(os.path.join(out, "files"), name, full, requires, cuda)
            meta = metadata(name, full, requires)
            with open(wheel + ".metadata", "wb") as f:
                f.write(meta)
            data = open(wheel, "rb").read()
            sha = hashlib.sha256(data).hexdigest()
            msha = hashlib.sha256(meta).hexdigest()
            base = os.path.basename(wheel)
            href = "../../files/" + base.replace("+", "%2B")
            pages.setdefault(name, []).append(
                '<a href="%s#sha256=%s" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=%s"'
                ' data-core-metadata="sha256=%s">%s</a><br/>' % (html.escape(href), sha, msha, msha, html.escape(base)))
            print(name, base, sha, len(data))
    for name, anchors in pages.items():
        d = os.path.join(out, "simple", name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("<!DOCTYPE html>\n<html><body>\n" + "\n".join(anchors) + "\n</body></html>\n")
    with open(os.path.join(out, "simple", "index.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html><body>\n" + "".join(
            '<a href="%s/">%s</a><br/>\n' % (n, n) for n in sorted(pages)) + "</body></html>\n")


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus one byte range (bytes=A-B, A-, -N)."""

    def log_message(self, fmt, *args):
        sys.stderr.write("index: " + (fmt % args) + "\n")

    def send_head(self):
        self._range = None
        spec = self.headers.get("Range")
        path = self.translate_path(self.path)
        if not spec or not os.path.isfile(path):
            return super().send_head()
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", spec.strip())
        size = os.path.getsize(path)
        if not m or (m.group(1) == "" and m.group(2) == ""):
            return super().send_head()
        if m.group(1) == "":
            start, end = max(0, size - int(m.group(2))), size - 1
        else:
            start = int(m.group(1))
            end = min(size - 1, int(m.group(2))) if m.group(2) else size - 1
        if start >= size or start > end:
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % size)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        f = open(path, "rb")
        f.seek(start)
        self._range = end - start + 1
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.send_header("Content-Length", str(self._range))
        self.end_headers()
        return f

    def copyfile(self, source, outputfile):
        if getattr(self, "_range", None) is None:
            return super().copyfile(source, outputfile)
        left = self._range
        while left > 0:
            chunk = source.read(min(65536, left))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)


def serve(directory):
    handler = functools.partial(RangeHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("build", "serve"):
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        serve(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
