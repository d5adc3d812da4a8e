"""`shopdesk returns` as a creator runs it: real processes, a real sandbox server, SQLite on
disk. The list is the sandbox's queue; a reason the market lacks is refused before anything
is sent; an answer lands once and `status --json` counts what is left."""

from __future__ import annotations

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, admin

WITHDRAWN_US = "reverse_reject_request_reason_1"


def waiting_in_sandbox(cli: Cli) -> dict[str, dict]:
    with admin(cli.info) as client:
        found = client.get("/sandbox/returns").json()["returns"]
    return {r["return_id"]: r for r in found if r.get("seller_next_action_response")}


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    with running_sandbox(SandboxConfig(seed=31, orders=120, products=6)) as info:
        shop = Cli(tmp_path_factory.mktemp("returns") / "home", info)
        shop.connect()
        yield shop


def test_list_answer_and_status(cli: Cli) -> None:
    listed = cli.json("returns", "--json")
    truth = waiting_in_sandbox(cli)
    mine = {r["return_id"]: r for r in listed["returns"] if r["waiting_for_you"]}
    assert set(mine) == set(truth) and listed["pending"] == len(truth) > 0
    deadlines = [r["deadline"] for r in listed["returns"] if r["waiting_for_you"]]
    assert deadlines == sorted(deadlines) and listed["next_deadline"] == deadlines[0]
    status = cli.json("status", "--json")
    assert status["returns"]["pending"] == len(truth)
    assert status["returns"]["next_deadline"] == deadlines[0]

    ret = next(r for r in mine.values() if r["type"] == "RETURN_AND_REFUND")
    names = {r["name"] for r in ret["reject_reasons"]}
    assert names and WITHDRAWN_US not in names
    refused = cli.run("returns", "reject", ret["return_id"], "--reason", WITHDRAWN_US, check=False)
    assert refused.returncode == 2 and "--reason must be one of" in refused.stderr
    assert ret["return_id"] in waiting_in_sandbox(cli)  # nothing was sent

    shown = cli.run(
        "returns",
        "reject",
        ret["return_id"],
        "--reason",
        sorted(names)[0],
        "--comment",
        "Sent as ordered",
    )
    assert "rejected" in shown.stdout
    refund = next(r for r in mine.values() if r["type"] == "REFUND")
    assert "approved" in cli.run("returns", "approve", refund["return_id"]).stdout
    left = waiting_in_sandbox(cli)
    assert ret["return_id"] not in left and refund["return_id"] not in left
    assert cli.json("status", "--json")["returns"]["pending"] == len(left)
    again = cli.run("returns", "approve", refund["return_id"], check=False)
    assert again.returncode == 2 and "not waiting for your answer" in again.stderr
