#!/usr/bin/env python3
"""Regenerates tests/install/outputs/*.txt: real pip output for each failure kind.

usage: capture_outputs.py VENV_PYTHON OUT_DIR
Runs the given interpreter's real pip against small local servers on 127.0.0.1
(broken on purpose) and writes pip's combined stdout+stderr per scenario. Run by
hand; the tests only read the captured files. VENV_PYTHON: a fresh
`/usr/bin/python3 -m venv` (Debian 12: pip 23.0.1 from ensurepip's bundled wheel).
Faults pip cannot be made to hit on a healthy machine (MemoryError, a full disk) are
injected into the real pip by inject/sitecustomize.py; the https index with a
self-signed certificate is tls_index.py.
"""
import hashlib
import http.server
import shutil
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def serve(handler_cls):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def index_handler(wheel_dir, sha_override=None, with_torch=True, requires_python=None, file_mode="whole"):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.rstrip("/") == "/simple/torch" and with_torch:
                name = [n for n in os.listdir(wheel_dir) if n.endswith(".whl")][0]
                data = open(os.path.join(wheel_dir, name), "rb").read()
                sha = sha_override or hashlib.sha256(data).hexdigest()
                attr = f' data-requires-python="{requires_python.replace(">", "&gt;")}"' if requires_python else ""
                body = f'<html><body><a href="/files/{name}#sha256={sha}"{attr}>{name}</a></body></html>'.encode()
            elif self.path.startswith("/files/"):
                body = open(os.path.join(wheel_dir, os.path.basename(self.path)), "rb").read()
                if file_mode != "whole":
                    self.send_broken(body)
                    return
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if self.path.startswith("/simple") else "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def send_broken(self, body):
            # The connection drops after 300 bytes of the file: "length" announces the
            # whole Content-Length, "mid-chunk" announces one chunk of the whole size,
            # "between-chunks" ends after a complete first chunk (what cpp-httplib does
            # when a chunked content provider gives up); "stall" sends 300 bytes and
            # then nothing for longer than pip's --timeout.
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if file_mode == "stall":
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:300])
                self.wfile.flush()
                time.sleep(5)
            elif file_mode == "length":
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:300])
            elif file_mode == "mid-chunk":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n" % len(body) + body[:300])
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n" % 300 + body[:300] + b"\r\n")
            self.wfile.flush()
            self.close_connection = True
    return Handler


def dropping_server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)

    def loop():
        while True:
            conn, _ = sock.accept()
            conn.recv(4096)
            conn.close()
    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


def silent_server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []

    def loop():
        while True:
            conn, _ = sock.accept()
            held.append(conn)
    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def pip(python, url, extra_env=None, args=(), req="torch"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and not k.endswith("_proxy")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1")
    env.update(extra_env or {})
    argv = [python, "-m", "pip", "install", "--index-url", url, "--retries", "1", "--timeout", "2", *args, req]
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return f"$ {' '.join(argv[1:])}\n" + done.stdout + f"[exit {done.returncode}]\n"


def main():
    python, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    wheels = tempfile.mkdtemp()
    subprocess.run([sys.executable, os.path.join(HERE, "make_wheel.py"), wheels, "torch", "2.12.0"], check=True)

    def write(name, text):
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(text)

    _, port = serve(index_handler(wheels, with_torch=False))
    write("pip-no-matching-distribution.txt", pip(python, f"http://127.0.0.1:{port}/simple"))
    _, port = serve(index_handler(wheels, sha_override="0" * 64))
    write("pip-hash-mismatch.txt", pip(python, f"http://127.0.0.1:{port}/simple"))
    port = dropping_server()
    write("pip-connection-dropped.txt", pip(python, f"http://127.0.0.1:{port}/simple"))
    port = silent_server()
    write("pip-read-timeout.txt", pip(python, f"http://127.0.0.1:{port}/simple"))
    write("pip-externally-managed.txt", pip("/usr/bin/python3", "http://127.0.0.1:9/simple"))

    # The file download breaks after 300 bytes, four ways (see send_broken).
    for mode in ("between-chunks", "mid-chunk", "length", "stall"):
        _, port = serve(index_handler(wheels, file_mode=mode))
        name = "pip-download-stalled.txt" if mode == "stall" else f"pip-download-dropped-{mode}.txt"
        write(name, pip(python, f"http://127.0.0.1:{port}/simple"))
    _, port = serve(index_handler(wheels))
    good = f"http://127.0.0.1:{port}/simple"
    inject = {"PYTHONPATH": os.path.join(HERE, "inject")}
    cache = tempfile.mkdtemp()
    write("pip-memoryerror-injected.txt",
          pip(python, good, {**inject, "TORCHUP_TEST_INJECT": "memoryerror", "PIP_NO_CACHE_DIR": "",
                             "PIP_CACHE_DIR": cache}))
    write("pip-disk-full-injected.txt", pip(python, good, {**inject, "TORCHUP_TEST_INJECT": "enospc"}))
    write("pip-no-matching-version.txt", pip(python, good, req="torch==9.9.9"))
    write("pip-pinned-local-version.txt", pip(python, good, req="torch==2.12.0+cu126"))
    _, port = serve(index_handler(wheels, requires_python=">=3.99"))
    write("pip-requires-python.txt", pip(python, f"http://127.0.0.1:{port}/simple"))
    write("pip-proxy-unreachable.txt",
          pip(python, good, {"PIP_PROXY": f"http://127.0.0.1:{closed_port()}"}))
    # A host no resolver knows (.invalid, RFC 6761): the name lookup itself fails.
    write("pip-dns-failure.txt", pip(python, "https://torchup-capture.invalid/simple"))
    tls_dir = tempfile.mkdtemp()
    tls = subprocess.Popen([sys.executable, os.path.join(HERE, "tls_index.py"), tls_dir],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(tls.stdout.readline())
    write("pip-ssl-self-signed.txt", pip(python, f"https://127.0.0.1:{port}/simple", {"PIP_CERT": ""}))
    tls.stdin.close()
    tls.wait()
    # A wheel for another platform, installed by file name (tag from the file name only).
    name = [n for n in os.listdir(wheels) if n.endswith(".whl")][0]
    foreign = os.path.join(tempfile.mkdtemp(), name.replace("py3-none-any", "cp311-cp311-macosx_11_0_arm64"))
    shutil.copy(os.path.join(wheels, name), foreign)
    write("pip-wheel-tag-mismatch.txt", pip(python, good, req=foreign))


if __name__ == "__main__":
    main()
