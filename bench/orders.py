"""Places N orders through createOrder with C concurrent buyers (keep-alive connections) and
prints `orders/s p50_ms p99_ms errors start_unix_time`. Used by bench/webhooks.sh.

    python3 bench/orders.py URL TOKEN STORE_ID VARIANT_IDS(comma-separated) N C"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse

url, token, store, variants, total, concurrency = sys.argv[1:7]
variants, total, concurrency = variants.split(","), int(total), int(concurrency)
target = urlparse(url)
query = ("mutation($s: UUID!, $v: UUID!, $e: String!) { createOrder(storeId: $s, "
         "input: { items: [{ variantId: $v, quantity: 1 }], customerEmail: $e }) { id } }")
latencies, errors, lock, counter = [], [0], threading.Lock(), iter(range(total))


def buyer(number):
    connection = http.client.HTTPConnection(target.hostname, target.port)
    while True:
        with lock:
            index = next(counter, None)
        if index is None:
            return
        body = json.dumps({"query": query, "variables": {
            "s": store, "v": variants[index % len(variants)], "e": f"buyer{number}@example.com"}})
        started = time.perf_counter()
        connection.request("POST", target.path, body, {"content-type": "application/json",
                                                        "authorization": f"Bearer {token}"})
        answer = json.loads(connection.getresponse().read())
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if answer.get("errors"):
                errors[0] += 1


began, began_at = time.perf_counter(), time.time()
threads = [threading.Thread(target=buyer, args=(n,)) for n in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - began
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"{total / wall:.1f} {pick(0.5):.2f} {pick(0.99):.2f} {errors[0]} {began_at:.6f}")
