"""Clients that send many queries at once: a burst from one address, and Comunica federating over /sparql."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from graph.sandbox import Sandbox
from graph.stores import StoreSpec
from tests.endpoint_server import make_app, serving

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_env" / "node_modules"
FEDERATE = Path(__file__).with_name("comunica_federate.js")
LOCAL_TTL = """@prefix akgr: <https://w3id.org/aesthetics-kg/resource/> .
@prefix ex: <http://example.org/> .
akgr:esthetician ex:shift "day" .
akgr:dermatologist ex:shift "night" .
akgr:no-such-role ex:shift "never" .
"""
FEDERATED = """SELECT ?role ?label ?shift WHERE {
  ?role <http://example.org/shift> ?shift ;
        a <https://w3id.org/aesthetics-kg/ontology#Role> ;
        <http://www.w3.org/2004/02/skos/core#prefLabel> ?label .
} ORDER BY ?shift"""


@pytest.fixture(scope="module")
def endpoint():
    """The endpoint with the default policy and three workers, every status it answers recorded."""
    with Sandbox(StoreSpec(), workers=3) as box:
        app = make_app(box)
        statuses: list[int] = []
        app.after_request(lambda response: statuses.append(response.status_code) or response)
        with serving(app) as url:
            requests.post(url, data={"query": "ASK {}"}, timeout=120)  # every worker started
            statuses.clear()
            yield url, statuses


def test_eight_parallel_simple_queries_from_one_address_all_answer_200(endpoint):
    url, _ = endpoint
    barrier = threading.Barrier(8)

    def ask(i: int) -> int:
        barrier.wait()
        query = f"SELECT ?s WHERE {{ ?s a ?type }} ORDER BY ?s LIMIT {i + 1}"
        return requests.post(url, data={"query": query}, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, range(8))) == [200] * 8


def test_comunica_federates_the_endpoint_and_a_local_file_without_a_refusal(endpoint, tmp_path):
    if not (NODE_MODULES / "@comunica" / "query-sparql").is_dir() or not shutil.which("node"):
        pytest.fail(f"Comunica missing: run scripts/test.sh (npm installs it into {NODE_MODULES})")
    url, statuses = endpoint
    local = tmp_path / "shifts.ttl"
    local.write_text(LOCAL_TTL, encoding="utf-8")
    statuses.clear()
    done = subprocess.run(
        ["node", str(FEDERATE), url, str(local), FEDERATED],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows == [
        {
            "role": "https://w3id.org/aesthetics-kg/resource/esthetician",
            "label": "esthetician",
            "shift": "day",
        },
        {
            "role": "https://w3id.org/aesthetics-kg/resource/dermatologist",
            "label": "dermatologist",
            "shift": "night",
        },
    ]
    assert len(statuses) >= 3 and set(statuses) == {200}, statuses  # many requests, none refused
