"""Production settings: refuse the demo secret, pass Django's deploy check (security.md rules 6, 28)."""

import os
import subprocess
import sys


def _run(env_extra, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "TUOYU_DEBUG", "ALLOWED_HOSTS")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "tuoyu.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_with_the_demo_secret(tmp_path):
    res = _run({"TUOYU_DEBUG": "0", "TUOYU_DATA_DIR": str(tmp_path)}, "check")
    assert res.returncode != 0 and "SECRET_KEY" in res.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    res = _run(
        {"TUOYU_DEBUG": "0", "SECRET_KEY": "x7#Kq" * 12, "ALLOWED_HOSTS": "tuoyu.example.org",
         "TUOYU_DATA_DIR": str(tmp_path)},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_pages_are_chinese_unless_english_is_chosen(client):
    assert "登录" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.cookies["django_language"] = "en"
    assert "登录" not in client.get("/login/").content.decode()
