"""The sentiment scorers load and score with the network disabled: everything ships inside the packages."""

import os
import subprocess
import sys

CODE = """
import socket

def deny(*args, **kwargs):
    raise OSError("network disabled by the test")

socket.socket.connect = deny
socket.socket.connect_ex = deny
socket.create_connection = deny
socket.getaddrinfo = deny

from callqa.sentiment import load_scorer

for lang, text in (("en", "Thank you, that fixed it."), ("zh", "太好了，谢谢您。"), ("ru", "Спасибо, всё работает.")):
    print(lang, load_scorer(lang).score(text).score)
"""


def test_scorers_load_with_the_network_disabled():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    scores = dict(line.split() for line in out.stdout.splitlines() if line[:3] in ("en ", "zh ", "ru "))
    assert set(scores) == {"en", "zh", "ru"} and all(float(v) > 1.0 for v in scores.values())
