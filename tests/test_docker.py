"""The Dockerfile's command and health check, run outside Docker.

No Docker engine runs in CI, so the image's CMD and HEALTHCHECK are taken
from the Dockerfile and run as they are, on a free local port.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from chatnext.config import VARIABLES
from tests.conftest import free_port

DOCKERFILE = Path(__file__).parent.parent / "Dockerfile"


def instruction(name: str) -> list[str]:
    for line in DOCKERFILE.read_text().replace("\\\n", " ").splitlines():
        if line.startswith(f"{name} "):
            rest = line[len(name) :].strip()
            if name == "HEALTHCHECK":
                rest = rest.split(" CMD ", 1)[1]
            command: list[str] = json.loads(rest)
            return command
    raise AssertionError(f"no {name} in the Dockerfile")


def test_image_runs_as_a_non_root_user_and_exposes_nextchats_port() -> None:
    text = DOCKERFILE.read_text()
    assert "\nUSER chatnext\n" in text
    assert "EXPOSE 3000" in text
    # No --port: the image listens on PORT when a platform sets it, else on 3000.
    assert "--port" not in instruction("CMD")


def test_cmd_serves_and_healthcheck_passes() -> None:
    port = str(free_port())
    # As a PaaS runs it: the platform picks the port and says so in PORT.
    env = {"PATH": os.environ["PATH"], "PORT": port}
    cmd = ["127.0.0.1" if part == "0.0.0.0" else part for part in instruction("CMD")]
    cmd[0] = shutil.which(cmd[0]) or cmd[0]
    check = instruction("HEALTHCHECK")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(check, capture_output=True, env=env).returncode != 0:
            assert time.monotonic() < deadline and proc.poll() is None, "healthcheck never passed"
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(10)
    # Once the server is gone the health check must fail, or it proves nothing.
    assert subprocess.run(check, capture_output=True, env=env).returncode != 0


def test_compose_passes_every_variable_but_the_data_dir() -> None:
    text = (DOCKERFILE.parent / "compose.yaml").read_text()
    passed = set(re.findall(r"^\s{6}([A-Z0-9_]+): \$\{\1:-\}$", text, re.MULTILINE))
    # DATA_DIR stays the image's /data (an empty value would point it inside the
    # container), and PORT stays 3000 to match the "3000:3000" mapping.
    assert passed == {v.name for v in VARIABLES} - {"DATA_DIR", "PORT"}
    assert "chatnext-data:/data" in text
