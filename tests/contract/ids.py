"""Prints `export NAME=value` lines naming one real object of each kind in the demo store, so
schemathesis calls every route on objects that exist (random UUIDs only ever find a 404)."""
import sys

import requests

base, key = sys.argv[1], sys.argv[2]
session = requests.Session()
session.headers["Authorization"] = f"Bearer {key}"


def get(path):
    answer = session.get(base + path, timeout=10)
    answer.raise_for_status()
    return answer.json()["data"]


def first(path):
    rows = get(path)
    if not rows:
        sys.exit(f"the demo data has nothing at {path}")
    return rows[0]["id"]


store = next(s["id"] for s in get("/stores") if s["name"] == "Demo Store")
variant = next(v for p in get(f"/stores/{store}/products") for v in p["variants"] if v["customFields"])
field = next(f for f in variant["customFields"] if f["options"])
# The run admits plain http to loopback: the endpoint is the gateway itself (its POST answers 405).
hook = session.post(base + "/webhooks", json={"url": base + "/contract-hook", "eventTypes": ["order.created"]}, timeout=10).json()["data"]
delivery = session.post(base + f"/webhooks/{hook['id']}/test", timeout=10).json()["data"]
ids = {
    "STORE_ID": store,
    "PRODUCT_ID": variant["productId"],
    "VARIANT_ID": variant["id"],
    "FIELD_ID": field["id"],
    "OPTION_ID": field["options"][0]["id"],
    "FILE_ID": variant["files"][0]["id"],
    "CATEGORY_ID": first(f"/stores/{store}/categories"),
    "COUPON_ID": first(f"/stores/{store}/coupons"),
    "CUSTOMER_ID": first(f"/stores/{store}/customers"),
    "ORDER_ID": first(f"/stores/{store}/orders"),
    "TICKET_ID": first(f"/stores/{store}/tickets"),
    "REVIEW_ID": first(f"/stores/{store}/reviews"),
    "AFFILIATE_ID": first(f"/stores/{store}/affiliates"),
    "WEBHOOK_ID": hook["id"],
    "DELIVERY_ID": delivery["id"],
}
for name, value in ids.items():
    print(f"export {name}={value}")
