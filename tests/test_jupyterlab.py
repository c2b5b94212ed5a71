"""The real JupyterLab server: start it on 127.0.0.1, list notebooks over REST, run one in its kernel, shut down."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from dprk_launches import config

TOKEN = "dprk-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, path: str, method: str = "GET", body: dict | None = None) -> dict | list | None:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(
        f"{base}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else None


@pytest.fixture
def lab_server(tmp_path: Path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={config.NOTEBOOKS_DIR}",
            "--ServerApp.port_retries=0",
            "--allow-root",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            _api(base, "/api/status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(
                    f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()[-2000:]}"
                )
            time.sleep(0.5)
    yield base, proc
    if proc.poll() is None:
        proc.kill()
    log.close()


async def _run_cells(base: str, kernel_id: str, cells: list[str]) -> list[str]:
    """Execute code cells over the kernel's websocket; returns each cell's reply status."""
    ws = await websocket_connect(f"ws{base[4:]}/api/kernels/{kernel_id}/channels?token={TOKEN}")
    session, statuses = uuid.uuid4().hex, []
    for code in cells:
        msg_id = uuid.uuid4().hex
        ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "test",
                        "session": session,
                        "date": "",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        while True:
            reply = json.loads(await asyncio.wait_for(ws.read_message(), timeout=300))
            if (
                reply.get("parent_header", {}).get("msg_id") == msg_id
                and reply["msg_type"] == "execute_reply"
            ):
                statuses.append(reply["content"]["status"])
                break
    ws.close()
    return statuses


def test_jupyterlab_lists_and_runs_a_notebook(lab_server, mirror) -> None:
    base, proc = lab_server
    listing = _api(base, "/api/contents")
    names = {item["name"] for item in listing["content"]}
    assert "00_data_overview.ipynb" in names
    notebook = _api(base, "/api/contents/00_data_overview.ipynb")["content"]
    cells = [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook["cells"]
        if c["cell_type"] == "code"
    ]
    kernel = _api(base, "/api/kernels", "POST", {"name": "python3"})
    statuses = asyncio.run(_run_cells(base, kernel["id"], ["fast = True", *cells[1:]]))
    assert statuses == ["ok"] * len(cells)
    _api(base, f"/api/kernels/{kernel['id']}", "DELETE")
    _api(base, "/api/shutdown", "POST")
    assert proc.wait(timeout=60) == 0
