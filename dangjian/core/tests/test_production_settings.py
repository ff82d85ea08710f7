"""Finding 8 of the security review: production's settings pass `check --deploy` with the file written by
`generate_secrets`, and production refuses to start with DEBUG on, a weak secret key or a missing key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
SECRET_NAMES = ("DJANGO_SECRET_KEY", "DANGJIAN_DATA_KEY", "DANGJIAN_AUDIT_KEY")


def manage(*args, tmp_path, **env):
    """manage.py in a fresh interpreter, with the given environment on top of a clean one (no secret inherited)."""
    base = {k: v for k, v in os.environ.items()
            if k not in SECRET_NAMES and not k.startswith(("DANGJIAN_", "DJANGO_"))}
    base.update({"DANGJIAN_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=base, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def secrets_file(tmp_path):
    path = tmp_path / "secrets.env"
    call_command("generate_secrets", output=str(path))
    return path


def read_env(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def test_generate_secrets_writes_fresh_keys_readable_by_the_owner_only(secrets_file, tmp_path):
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    values = read_env(secrets_file)
    assert set(values) == set(SECRET_NAMES)
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert len(bytes.fromhex(values["DANGJIAN_DATA_KEY"])) == 32
    other = tmp_path / "other.env"
    call_command("generate_secrets", output=str(other))
    assert not set(read_env(other).values()) & set(values.values())


def test_generate_secrets_does_not_overwrite_an_existing_file(secrets_file):
    before = secrets_file.read_text()
    with pytest.raises(CommandError):
        call_command("generate_secrets", output=str(secrets_file))
    assert secrets_file.read_text() == before


def test_check_deploy_is_clean_in_production_with_https(secrets_file, tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, DANGJIAN_ENV="production",
                    DANGJIAN_HTTPS="1", DANGJIAN_SECRETS_FILE=str(secrets_file))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_generate_secrets_runs_under_production_before_the_secrets_exist(tmp_path):
    output = tmp_path / "new.env"
    result = manage("generate_secrets", "--output", str(output), tmp_path=tmp_path, DANGJIAN_ENV="production")
    assert result.returncode == 0, result.stderr
    assert set(read_env(output)) == set(SECRET_NAMES)


@pytest.mark.parametrize(("env", "message"), [
    ({"DANGJIAN_DEBUG": "1"}, "DANGJIAN_DEBUG=1 is not allowed in production"),
    ({"DJANGO_SECRET_KEY": "short-but-not-fifty-characters"}, "at least 50 characters"),
    ({"DJANGO_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "default or development key"),
    ({"DANGJIAN_DATA_KEY": "00" * 16}, "DANGJIAN_DATA_KEY must be 32 bytes"),
    ({"DANGJIAN_AUDIT_KEY": ""}, "requires the DANGJIAN_AUDIT_KEY environment variable"),
])
def test_production_refuses_unsafe_settings(secrets_file, tmp_path, env, message):
    result = manage("check", tmp_path=tmp_path, DANGJIAN_ENV="production", DANGJIAN_HTTPS="1",
                    DANGJIAN_SECRETS_FILE=str(secrets_file), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_to_start_without_the_data_key(secrets_file, tmp_path):
    partial = tmp_path / "partial.env"
    partial.write_text("".join(f"{k}={v}\n" for k, v in read_env(secrets_file).items() if k != "DANGJIAN_DATA_KEY"))
    partial.chmod(0o600)
    result = manage("check", tmp_path=tmp_path, DANGJIAN_ENV="production", DANGJIAN_SECRETS_FILE=str(partial))
    assert result.returncode != 0
    assert "DANGJIAN_DATA_KEY" in result.stderr


def test_production_refuses_a_secrets_file_others_can_read(secrets_file, tmp_path):
    secrets_file.chmod(0o644)
    result = manage("check", tmp_path=tmp_path, DANGJIAN_ENV="production", DANGJIAN_SECRETS_FILE=str(secrets_file))
    assert result.returncode != 0
    assert "chmod 600" in result.stderr


def test_the_environment_wins_over_the_secrets_file(secrets_file, tmp_path):
    key = "e" * 64
    result = manage("shell", "-v0", "-c", "from django.conf import settings; print(settings.DANGJIAN_DATA_KEY)",
                    tmp_path=tmp_path, DANGJIAN_SECRETS_FILE=str(secrets_file), DANGJIAN_DATA_KEY=key)
    assert result.stdout.strip().splitlines()[-1] == key, result.stderr
