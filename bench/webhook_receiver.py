"""A webhook receiver for bench/webhooks.sh: answers 200 to every POST and appends one line per
delivery to the file given, `<receipt unix time> <event timestamp> <webhook-id>`."""
import json
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        received = time.time()
        sent = datetime.fromisoformat(json.loads(body)["timestamp"].replace("Z", "+00:00")).timestamp()
        with lock:
            log.write(f"{received:.6f} {sent:.6f} {self.headers.get('webhook-id')}\n")
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    # The default backlog (5) drops connection attempts of a burst, which then wait out TCP's
    # 1 s retransmission: the receiver, not the sender, would be measured.
    request_queue_size = 1024
    daemon_threads = True


Server(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
