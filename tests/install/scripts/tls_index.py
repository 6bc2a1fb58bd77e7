#!/usr/bin/env python3
"""An https:// package index on 127.0.0.1 with a self-signed certificate (install tests).

usage: tls_index.py DIR
Makes DIR/cert.pem + DIR/key.pem with the openssl CLI (Debian's openssl package, which
python3-pip pulls in through ca-certificates), serves HTTPS on an ephemeral 127.0.0.1
port, prints the port on one line and serves until stdin closes (its parent ends) or it
is killed. Every page is an empty PEP 503 project page: a client that does not trust
the certificate (real pip) fails in the TLS handshake, before any page matters.
"""
import http.server
import os
import ssl
import subprocess
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"<html><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> int:
    out = sys.argv[1]
    cert, key = os.path.join(out, "cert.pem"), os.path.join(out, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes our stdin or goes away
    return 0


if __name__ == "__main__":
    sys.exit(main())
