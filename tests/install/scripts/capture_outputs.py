#!/usr/bin/env python3
"""Regenerates tests/install/outputs/*.txt: real pip output for each failure kind.

usage: capture_outputs.py VENV_PYTHON OUT_DIR
Runs the given interpreter's real pip against small local servers on 127.0.0.1
(broken on purpose) and writes pip's combined stdout+stderr per scenario. Run by
hand; the tests only read the captured files.
"""
import hashlib
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def serve(handler_cls):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def index_handler(wheel_dir, sha_override=None, with_torch=True):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.rstrip("/") == "/simple/torch" and with_torch:
                name = [n for n in os.listdir(wheel_dir) if n.endswith(".whl")][0]
                data = open(os.path.join(wheel_dir, name), "rb").read()
                sha = sha_override or hashlib.sha256(data).hexdigest()
                body = f'<html><body><a href="/files/{name}#sha256={sha}">{name}</a></body></html>'.encode()
            elif self.path.startswith("/files/"):
                body = open(os.path.join(wheel_dir, os.path.basename(self.path)), "rb").read()
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if self.path.startswith("/simple") else "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
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


def pip(python, url, extra_env=None, args=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1")
    env.update(extra_env or {})
    argv = [python, "-m", "pip", "install", "--index-url", url, "--retries", "1", "--timeout", "2", *args, "torch"]
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


if __name__ == "__main__":
    main()
