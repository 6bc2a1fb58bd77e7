#!/usr/bin/env python3
"""Writes a PEP 503 index with PEP 658 metadata files for the download tests.

usage: make_index.py OUT_DIR SPEC...
SPEC is NAME==VERSION[!TAG][:REQ;;REQ...][@PADDING], e.g.
  torch==2.12.0+cpu!cp312-cp312-win_amd64:filelock>=3.0;;nvidia-fake==1.0 ; platform_system == "Linux"@2000000
(TAG default py3-none-any; PTH=DIR in the environment makes the wheels NAME-from-dir.pth wheels)
Writes OUT_DIR/files/<wheel> and <wheel>.metadata, and OUT_DIR/simple/<name>/index.html
whose anchors carry #sha256= and data-dist-info-metadata / data-core-metadata (PEP 714).
Prints one line per wheel: NAME FILE SHA256 SIZE.
"""
import hashlib
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_wheel import build_wheel, metadata  # noqa: E402


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    out = sys.argv[1]
    no_metadata = os.environ.get("NO_METADATA") == "1"
    pages = {}
    for spec in sys.argv[2:]:
        padding = 0
        if "@" in spec:
            spec, pad = spec.rsplit("@", 1)
            padding = int(pad)
        requires = []
        if ":" in spec:
            spec, reqs = spec.split(":", 1)
            requires = [r for r in reqs.split(";;") if r]
        tag = "py3-none-any"
        if "!" in spec:
            spec, tag = spec.split("!", 1)
        name, version = spec.split("==")
        pth = os.environ.get("PTH") if name == "torch" else None
        wheel = build_wheel(os.path.join(out, "files"), name, version, pth=pth, requires=requires,
                            padding=padding, tag=tag)
        meta = metadata(name, version, requires)
        with open(wheel + ".metadata", "wb") as f:
            f.write(meta)
        data = open(wheel, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        msha = hashlib.sha256(meta).hexdigest()
        base = os.path.basename(wheel)
        attrs = "" if no_metadata else f' data-dist-info-metadata="sha256={msha}" data-core-metadata="sha256={msha}"'
        href = "../../files/" + base.replace("+", "%2B")
        pages.setdefault(normalize(name), []).append(
            f'<a href="{html.escape(href)}#sha256={sha}" data-requires-python="&gt;=3.8"{attrs}>{html.escape(base)}</a><br/>')
        print(normalize(name), base, sha, len(data))
    for name, anchors in pages.items():
        d = os.path.join(out, "simple", name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("<!DOCTYPE html>\n<html><body>\n" + "\n".join(anchors) + "\n</body></html>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
