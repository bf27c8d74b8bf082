"""An ERP talking to Gendan's REST API, end to end — a readable example using only
``requests``.

The ERP creates a customer and an order with its lines. Then the people do their part,
each with their own token: the merchandiser confirms the order and asks for the
deposit, finance confirms the money, the merchandiser issues production, reports the
packed quantity and the passed final inspection, completes production, asks for the
balance; finance confirms it; the merchandiser ships everything and the customer signs
for it. Finally the ERP reads the order back and prints its timeline.

    python examples/erp_client.py http://127.0.0.1:8000 ERP_TOKEN MERCHANDISER_TOKEN FINANCE_TOKEN

(``manage.py create_api_client erp`` prints the ERP's token; people get theirs from
POST /api/v1/auth/token/.) Every POST carries an Idempotency-Key, so the whole script
can be re-run after a network error without doing anything twice.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid

import requests


class Gendan:
    """A tiny client: one session per token, JSON in and out, errors raised."""

    def __init__(self, base_url: str, token: str, run: str):
        self.base_url = base_url.rstrip("/") + "/api/v1/"
        self.run = run
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params) -> dict | list:
        response = self.session.get(self.base_url + path, params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict | None = None) -> dict:
        # The same key for the same step of the same run: a retry is answered, not redone.
        key = f"{self.run}:{path}"
        response = self.session.post(
            self.base_url + path, json=body or {}, headers={"Idempotency-Key": key}, timeout=30
        )
        if response.status_code >= 400:
            raise RuntimeError(f"POST {path} -> {response.status_code}: {response.text}")
        return response.json()


def main(base_url: str, tokens: dict[str, str], run: str | None = None) -> dict:
    """Walk one order from the ERP to delivery; return the order as Gendan has it."""
    run = run or uuid.uuid4().hex[:8]
    erp = Gendan(base_url, tokens["erp"], run)
    merchandiser = Gendan(base_url, tokens["merchandiser"], run)
    finance = Gendan(base_url, tokens["finance"], run)
    today = dt.date.today()

    # 1. The ERP: a customer and an order with its lines, owned by our merchandiser.
    me = merchandiser.get("auth/me/")
    customer = erp.post("customers/", {"code": f"ERP-{run}", "name": "Nordwind GmbH"})
    order = erp.post(
        "orders/",
        {
            "customer": customer["id"],
            "owner": me["id"],
            "external_ref": f"ERP-SO-{run}",
            "customer_po": "PO-4471",
            "contract_delivery_date": str(today + dt.timedelta(days=60)),
            "deposit_ratio": "0.30",
            "lines": [
                {"description": "polo shirt", "colour": "navy", "size": "L",
                 "quantity": 1200, "unit_price": "38.50"},
                {"description": "polo shirt", "colour": "navy", "size": "XL",
                 "quantity": 800, "unit_price": "38.50"},
            ],
        },
    )  # fmt: skip
    orders = f"orders/{order['id']}/"
    print(f"{order['number']}: {order['status']}, total {order['total_amount']}")

    def collect(kind: str, reference: str) -> None:
        """The merchandiser asks for the deposit or the balance, finance confirms it in full."""
        merchandiser.post(orders + f"request-{kind}/")
        payment = finance.get("payments/", order=order["id"], kind=kind)["results"][0]
        finance.post(
            f"payments/{payment['id']}/confirm/",
            {"amount_received": payment["amount_due"], "received_on": str(today),
             "method": "tt", "reference": reference},
        )  # fmt: skip

    # 2. Confirmation and deposit.
    merchandiser.post(orders + "confirm/", {"method": "email", "reference": "mail of today"})
    collect("deposit", f"TT-{run}-1")

    # 3. Production: the sheet, the packed quantity, the final inspection, done.
    merchandiser.post(
        orders + "issue-production/",
        {"factory": "Workshop 1", "planned_start": str(today),
         "planned_finish": str(today + dt.timedelta(days=20))},
    )  # fmt: skip
    production_order = merchandiser.get("production-orders/", order=order["id"])["results"][0]
    merchandiser.post(
        "progress-reports/",
        {"production_order": production_order["id"], "date": str(today), "stage": "packing",
         "good_quantity": production_order["quantity"]},
    )  # fmt: skip
    merchandiser.post(
        "inspections/",
        {"production_order": production_order["id"], "kind": "final", "result": "pass",
         "sample_size": 125, "defects_found": 2},
    )  # fmt: skip
    merchandiser.post(orders + "complete-production/")

    # 4. Balance.
    collect("balance", f"TT-{run}-2")

    # 5. Shipment of everything, and the customer's signature.
    shipment = merchandiser.post(
        "shipments/", {"order": order["id"], "planned_ship_date": str(today), "mode": "sea"}
    )
    merchandiser.post(f"shipments/{shipment['id']}/ship/", {"tracking_number": f"BL-{run}"})
    merchandiser.post(f"shipments/{shipment['id']}/deliver/")

    # 6. The ERP reads the order back, with its timeline.
    order = erp.get(orders)
    print(f"{order['number']}: {order['status']}, received {order['amount_received']}")
    for event in erp.get(orders + "events/"):
        change = f"{event['from_status']} → {event['to_status']}" if event["to_status"] else ""
        print(
            f"  {event['created_at'][:19]}  {event['actor_name']:<10} {event['type']:<20} {change}"
        )
    return order


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    url, erp_token, merchandiser_token, finance_token = sys.argv[1:]
    main(url, {"erp": erp_token, "merchandiser": merchandiser_token, "finance": finance_token})
