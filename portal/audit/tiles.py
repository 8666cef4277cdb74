"""Plain map tiles on a free port of 127.0.0.1: the station map draws during the audit as it
would with a tile provider, and no request leaves the machine.

    with TileServer() as tiles:
        env["MAP_TILE_URL"] = tiles.url_template
"""

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from portal.benchmarking.load import LOOPBACK

TILE_SIZE = 256
TILE_COLOUR = (236, 233, 226)  # a light land colour, as the test fixtures use


def solid_png(size: int, colour: tuple[int, int, int]) -> bytes:
    """A PNG of one colour, written directly (no image library needed for a flat square)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * size  # filter byte, then the pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


class TileServer:
    def __init__(self):
        tile = solid_png(TILE_SIZE, TILE_COLOUR)
        served = self.served = [0]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                served[0] += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.send_header("Cache-Control", "public, max-age=86400")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args):  # quiet: the audit prints its own table
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url_template(self) -> str:
        """MAP_TILE_URL for these tiles (Leaflet's placeholders; any path gets the tile)."""
        return f"http://{LOOPBACK}:{self.port}/{{z}}/{{x}}/{{y}}.png"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
