"""What the command line says and the exit code it returns (issue #15 points 11-14):
a closed pipe, hub and keyring failures, advisers by name, counts and capital letters."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo
from deskapp.sync.hub_engines import forget_engines
from tests.conftest import PASS
from tests.run_cli import run_in_process

ROOT = Path(__file__).resolve().parents[2]
DESKAPP = Path(sys.executable).parent / "deskapp"  # the console script, as a user runs it
HUB_PASS = "the hub's passphrase"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """In-process (the parser, exit code and output are what is tested here; the closed
    pipe below and tests/cli/test_cli.py run the real console script)."""
    return run_in_process(*args, env=env)


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    """This process's isolated environment (see tests/conftest.py) with no keyring at all."""
    return {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "DESKAPP_HUB_PASSPHRASE": HUB_PASS,
    }


@pytest.fixture
def desk_env(tmp_path: Path, base_env: dict[str, str]) -> dict[str, str]:
    """A desk made here (its slot with the tests' cheap key derivation) for the command."""
    from deskapp.db.desk import Desk

    Desk.init(tmp_path / "desk.db", "4521", "Sgt Ada Example", PASS)[0].close()
    return {
        **base_env,
        "DESKAPP_DB": str(tmp_path / "desk.db"),
        "DESKAPP_OFFICER": "4521",
        "DESKAPP_PASSPHRASE": PASS,
    }


@pytest.fixture
def _forget_hubs() -> Iterator[None]:
    yield
    forget_engines()


# -- point 11: a closed pipe ends the command quietly ---------------------------------
def test_closed_pipe_ends_quietly(tmp_path: Path, base_env: dict[str, str]) -> None:
    """`deskapp people list | head -1`: no "unexpected error", exit 141 as other tools."""
    path = tmp_path / "demo.db"
    build_demo(path, people=600, incidents=10)  # more than a pipe's buffer of output
    env = {
        **base_env,
        "DESKAPP_DB": str(path),
        "DESKAPP_OFFICER": DEMO_OFFICER,
        "DESKAPP_PASSPHRASE": DEMO_PASSPHRASE,
    }
    proc = subprocess.Popen(
        [str(DESKAPP), "people", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"ID ")
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == b""


# -- point 12: exit codes match the README ----------------------------------------------
def test_no_hub_at_the_path_is_not_reached_12(
    tmp_path: Path, desk_env: dict[str, str], _forget_hubs: None
) -> None:
    nohub = str(tmp_path / "nohub.db")
    for args in (("hub", "status", nohub), ("sync", "--hub", nohub)):
        done = cli(*args, env=desk_env)
        assert done.returncode == 12, done.stderr
        assert "deskapp hub init" in done.stderr and "schema" not in done.stderr
    # Reported before any prompt for the hub's passphrase (there is nothing to open).
    no_secret = {k: v for k, v in desk_env.items() if k != "DESKAPP_HUB_PASSPHRASE"}
    done = cli("hub", "status", nohub, env=no_secret)
    assert done.returncode == 12 and "deskapp hub init" in done.stderr


def test_wrong_hub_passphrase_is_a_wrong_passphrase_3(
    tmp_path: Path, desk_env: dict[str, str], _forget_hubs: None
) -> None:
    hub = tmp_path / "hub.db"
    assert cli("hub", "init", str(hub), env=desk_env).returncode == 0
    wrong = {**desk_env, "DESKAPP_HUB_PASSPHRASE": "not the hub's passphrase"}
    for args in (("hub", "status", str(hub)), ("sync", "--hub", str(hub))):
        done = cli(*args, env=wrong)
        assert done.returncode == 3, done.stderr
        assert "Wrong passphrase for the hub" in done.stderr and str(hub) in done.stderr


def test_remember_with_no_keyring_says_so_with_its_code(desk_env: dict[str, str]) -> None:
    done = cli("officer", "remember", env=desk_env)
    assert done.returncode == 15, done.stderr
    assert "No OS keyring" in done.stderr and "unexpected" not in done.stderr
    assert "Traceback" not in done.stderr
    # The passphrase still unlocks; nothing was kept in plaintext instead.
    assert cli("people", "list", env=desk_env).returncode == 0


def readme_exit_codes() -> dict[int, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \| (.+) \|$", table, re.M)}


def test_every_exit_code_is_documented_and_every_documented_code_is_used() -> None:
    from deskapp import cli as cli_pkg
    from deskapp.cli import desk as desk_cli
    from deskapp.domain.errors import DeskError

    def codes(cls: type[DeskError]) -> set[int]:
        return {cls.exit_code}.union(*(codes(sub) for sub in cls.__subclasses__()))

    used = codes(DeskError) | {
        0,
        cli_pkg.EXIT_UNEXPECTED,
        cli_pkg.EXIT_INTERRUPTED,
        cli_pkg.EXIT_CLOSED_PIPE,
        desk_cli.EXIT_PROBLEM_FOUND,
    }
    documented = readme_exit_codes()
    assert set(documented) == used
    assert "closed" in documented[141] and "keyring" in documented[15]


# -- point 13: the CLI accepts what people say ------------------------------------------
@pytest.fixture
def in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    from deskapp.cli import main

    monkeypatch.setenv("DESKAPP_DB", str(tmp_path / "desk.db"))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["init", "--name", "Sgt Ada Example"]) == 0
    capsys.readouterr()
    return tmp_path / "desk.db"


def say(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from deskapp.cli import main

    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_adviser_by_name_or_unique_prefix(
    in_process: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, kiran, _ = say(capsys, "advisers", "add", "--name", "Kiran Bevan")
    _, kate, _ = say(capsys, "advisers", "add", "--name", "Kate Shah")
    _, person, _ = say(capsys, "people", "add", "--name", "Tom Jones", "--adviser", "kate shah")
    person = person.strip()
    code, out, err = say(
        capsys, "incidents", "add", "--person", person, "--type", "threat", "--grade", "3",
        "--summary", "Letter", "--assign", "Kiran",
    )  # fmt: skip
    assert code == 0, err
    ref = out.split()[0]
    code, out, err = say(capsys, "incidents", "update", ref, "--assign", "Shah")  # a surname
    assert code == 0, err and "Kate Shah" in out
    code, out, _ = say(capsys, "incidents", "show", ref, "--json")
    assert code == 0 and kate.strip() in out

    code, _, err = say(capsys, "incidents", "update", ref, "--assign", "K")  # Kiran or Kate?
    assert code == 8
    assert "Kiran Bevan (" in err and "Kate Shah (" in err
    short = re.search(r"Kiran Bevan \(([0-9a-f-]+)\)", err)
    assert short and kiran.strip().startswith(short[1]) and len(short[1]) < len(kiran.strip())
    assert "Tom Jones" not in err  # names of advisers only, never of people

    code, _, err = say(capsys, "people", "update", person, "--adviser", "Zed")
    assert code == 9
    assert "No adviser" in err and "Kiran Bevan (" in err and "Kate Shah (" in err
    # A short id from a message is accepted back.
    assert say(capsys, "incidents", "update", ref, "--assign", short[1])[0] == 0


def test_lists_show_adviser_names_beside_ids(
    in_process: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, adviser, _ = say(capsys, "advisers", "add", "--name", "Kiran Bevan")
    _, person, _ = say(capsys, "people", "add", "--name", "Tom Jones", "--adviser", adviser.strip())
    code, out, _ = say(capsys, "people", "list")
    assert code == 0 and "Kiran Bevan (" in out
    say(
        capsys, "incidents", "add", "--person", person.strip(), "--type", "threat",
        "--grade", "3", "--summary", "Letter", "--assign", "Kiran Bevan",
    )  # fmt: skip
    code, out, _ = say(capsys, "incidents", "list")
    assert code == 0 and "Kiran Bevan (" in out

    code, out, _ = say(capsys, "incidents", "list", "--json")
    assert code == 0 and '"adviser_name": "Kiran Bevan"' in out


def test_conflicts_show_incident_refs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    _forget_hubs: None,
) -> None:
    from deskapp.db.desk import Desk
    from deskapp.services import incidents, people

    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", HUB_PASS)
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    hub = str(tmp_path / "hub.db")
    paths = [tmp_path / "a.db", tmp_path / "b.db"]
    officer_of = {str(paths[0]): "4521", str(paths[1]): "4522"}

    def on(path: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("DESKAPP_OFFICER", officer_of[str(path)])
        return say(capsys, *args, "--db", str(path))

    for path in paths:
        Desk.init(path, officer_of[str(path)], "Sgt A", PASS)[0].close()
    assert on(paths[0], "hub", "init", hub)[0] == 0
    assert on(paths[1], "hub", "join", hub)[0] == 0
    assert on(paths[0], "hub", "approve", "4522", "--yes")[0] == 0
    with Desk.open(paths[0], "4521", PASS) as desk:
        pid = people.add_person(desk, name="Tom Jones")
        iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="Letter")
    for path in paths:
        assert on(path, "sync", "--hub", hub)[0] == 0
    for path, text in zip(paths, ("A says", "B says"), strict=True):
        with Desk.open(path, officer_of[str(path)], PASS) as desk:
            incidents.update_incident(desk, iid, summary=text)
    outs = [on(path, "sync")[1] for path in (*paths, paths[0])]
    [loser] = [out for out in outs if "1 new conflict," in out]  # whichever edit lost
    assert "1 conflict waits for a supervisor" in loser
    loser_path = str(paths[outs.index(loser) % 2])
    monkeypatch.setenv("DESKAPP_OFFICER", officer_of[loser_path])
    code, out, _ = say(capsys, "conflicts", "list", "--db", loser_path)
    assert code == 0 and incidents.make_ref(iid) in out
    code, out, _ = say(capsys, "conflicts", "list", "--db", loser_path, "--json")
    assert f'"ref": "{incidents.make_ref(iid)}"' in out


def test_counts_agree_in_number(in_process: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from deskapp.db.desk import Desk
    from deskapp.services import contacts

    _, person, _ = say(capsys, "people", "add", "--name", "Tom Jones")
    say(
        capsys, "incidents", "add", "--person", person.strip(), "--type", "threat",
        "--grade", "3", "--summary", "Letter",
    )  # fmt: skip
    with Desk.open(in_process, "4521", PASS) as desk:
        contacts.log_contact(desk, person.strip(), "phone", "introduction", "Hello")
    code, out, _ = say(capsys, "people", "show", person.strip())
    assert code == 0
    assert "0 candidacies, 1 contact, 1 incident" in out
    code, out, _ = say(capsys, "demo", "--no-tui", "--db", str(in_process.parent / "d.db"),
                       "--people", "1", "--incidents", "1")  # fmt: skip
    assert code == 0 and ": 1 person, 1 incident…" in out


def test_one_pluralisation_helper() -> None:
    from deskapp.domain.wording import count

    assert count(1, "contact") == "1 contact"
    assert count(2, "contact") == "2 contacts"
    assert count(0, "candidacy") == "0 candidacies"
    assert count(1, "person", "people") == "1 person"
    assert count(3, "person", "people") == "3 people"
    assert count(2, "desk") == "2 desks" and count(2, "day") == "2 days"
    sources = [p for p in (ROOT / "deskapp").rglob("*.py") if p.name != "wording.py"]
    inline = re.compile(r"""\{'s' if|\{"s" if|'s' if \w+ != 1|"s" if \w+ != 1""")
    offenders = [str(p.relative_to(ROOT)) for p in sources if inline.search(p.read_text())]
    assert offenders == []


# -- point 14: error messages start with a capital letter -------------------------------
def _opening(node: ast.expr) -> str | None:
    """The text a message starts with, after any "deskapp: "; a placeholder shows as "{…}"
    (it could start with anything, so a message must not). None when the message is not
    written out here, or is an error's own (``exc``), which is walked where it is raised."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.removeprefix("deskapp: ")
    if not isinstance(node, ast.JoinedStr) or not node.values:
        return None
    parts = list(node.values)
    if isinstance(parts[0], ast.Constant) and parts[0].value == "deskapp: ":
        parts.pop(0)
    first = parts[0] if parts else None
    if isinstance(first, ast.Constant):
        return str(first.value).removeprefix("deskapp: ")
    if isinstance(first, ast.FormattedValue) and ast.unparse(first.value) == "exc":
        return None
    if isinstance(first, ast.FormattedValue) and ast.unparse(first.value).startswith("_subject("):
        return "Subject"  # domain.validation._subject makes a field's name a sentence's start
    return "{…}"


def messages() -> list[tuple[str, str]]:
    """(where, opening) for every message handed to an error class of deskapp and every
    line the CLI prints to stderr."""
    from deskapp.domain.errors import DeskError

    def names(cls: type[DeskError]) -> set[str]:
        return {cls.__name__}.union(*(names(sub) for sub in cls.__subclasses__()))

    errors = names(DeskError) | {"no_hub_error"}
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "deskapp").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else ""
            to_stderr = callee == "print" and any(
                k.arg == "file" and ast.unparse(k.value) == "sys.stderr" for k in node.keywords
            )
            if callee in errors or (to_stderr and rel.startswith("deskapp/cli")):
                opening = _opening(node.args[0])
                if opening is not None:
                    found.append((f"{rel}:{node.lineno}", opening))
    return found


def test_every_error_message_starts_with_a_capital_letter() -> None:
    found = messages()
    assert len(found) > 100  # the walk sees the messages (not an empty pass)
    lower = [(where, text[:40]) for where, text in found if not text[:1].isupper()]
    assert lower == []
