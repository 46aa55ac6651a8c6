"""Property tests over every CLI command that takes input: random strings, unicode, huge
numbers, empty and wrong-typed values. Each run ends cleanly (exit 0 for valid input; exit 2,
or 1, with a clear message on stderr for invalid input; never a traceback), and invalid input
leaves the index, the keys and the conversations as they were.

In-process through typer's CliRunner over the access corpus (fake embedder), so it stays fast.
Our own errors are one line, ``error [code]: message``; a value the option parser refuses is
typer's usage error (``Try 'policy-assistant ... --help'`` and the reason)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from api.cli import app as cli_app
from api.cli_serve import HOST_PATTERN
from corpus import Settings
from tests.api.conftest import NORMAL_QUESTION
from tests.api.test_bad_inputs import SPECIAL, junk
from tests.conftest import shared_environment

pytestmark = pytest.mark.unit
CLI_FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
USAGE_REASONS = ("Invalid value", "Missing", "No such option", "Got unexpected", "requires an")
huge_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1e309", "NaN", "9" * 40, "0x10", "", "ten"]),
)
not_a_role = junk.filter(lambda s: s.strip() not in ("reader", "clerk", "admin"))


@pytest.fixture(scope="module")
def cli(access_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliEnv]:
    yield CliEnv(access_index, tmp_path_factory.mktemp("cli-fuzz"))


class CliEnv:
    """The CLI over one data directory, with a snapshot of everything input must not change."""

    def __init__(self, settings: Settings, scratch: Path) -> None:
        self.settings = settings
        self.scratch = scratch
        self.runner = CliRunner()
        self.env = {
            "POLICY_ASSISTANT_DATA_DIR": str(settings.data_dir),
            "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
            "POLICY_ASSISTANT_API__HOST": "127.0.0.1",  # `serve --host` sets it; restored after
            **shared_environment(settings.data_dir),
        }

    def invoke(self, *args: str) -> Result:
        result = self.runner.invoke(cli_app, list(args), env=self.env)
        shown = f"{args!r:.300} -> {result.exit_code}\n{result.stderr[-600:]}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            shown,
            repr(result.exception),
        )
        assert "Traceback" not in result.output + result.stderr, shown
        assert result.exit_code in (0, 1, 2), shown
        if result.exit_code:
            assert clear_error(result.stderr), shown
        return result

    def invalid(self, *args: str) -> Result:
        """Input that must be refused: a clear error, and nothing changed."""
        before = self.snapshot()
        result = self.invoke(*args)
        assert result.exit_code != 0, f"{args!r:.300} was accepted"
        assert self.snapshot() == before, args
        return result

    def snapshot(self) -> dict[str, Any]:
        data = self.settings.data_dir
        index = data / "index"
        return {
            "current": (index / "CURRENT").read_text(),
            "versions": sorted(p.name for p in index.iterdir()),
            "keys": rows(self.settings, "SELECT * FROM api_keys"),
            "turns": rows(self.settings, "SELECT * FROM turns"),
        }


def rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    """Every row of a table of the state database (SQLite, or PostgreSQL in shared mode)."""
    from assistant.state_db import state_database

    with state_database(settings).connect() as conn:
        return sorted(tuple(map(str, r)) for r in conn.execute(sql).fetchall())


def clear_error(stderr: str) -> bool:
    """One ``error [code]: message`` line, or typer's usage error with its reason."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    ours = [line for line in lines if line.startswith("error [")]
    if ours:
        return len(ours) == 1 and all(
            line.startswith(("error [", "warning:")) or "file(s) failed" in line for line in lines
        )
    return "Try 'policy-assistant" in stderr and any(r in stderr for r in USAGE_REASONS)


# ----- ask, search, metrics: read-only commands ------------------------------------------------
FILTERS = ["--municipality", "--year", "--doc-type", "--doc-id"]


def options(names: list[str], value: str) -> list[str]:
    return [arg for name in names for arg in ([name] if name == "--json" else [name, value])]


def test_ask_and_search_never_crash(cli: CliEnv) -> None:
    @CLI_FUZZ
    @given(
        command=st.sampled_from(["ask", "search"]),
        text=junk,
        names=st.lists(st.sampled_from([*FILTERS, "--json", "--conversation", "-k", "--mode"])),
        value=st.one_of(junk, huge_numbers),
    )
    def run(command: str, text: str, names: list[str], value: str) -> None:
        wrong = {"ask": {"-k", "--mode"}, "search": {"--conversation"}}[command]
        before = cli.snapshot()
        result = cli.invoke(command, *options(names, value), "--", text)
        if wrong & set(names):
            assert result.exit_code == 2  # an option the command does not have
        if result.exit_code:
            assert cli.snapshot() == before

    run()
    assert "220" in cli.invoke("ask", NORMAL_QUESTION).stdout


def test_numbers_out_of_range_are_refused(cli: CliEnv) -> None:
    @CLI_FUZZ
    @given(
        case=st.sampled_from(
            [
                ("search", "-k", 1, 500),
                ("search", "--year", 1900, 2100),
                ("ask", "--year", 1900, 2100),
            ]
        ),
        number=st.one_of(st.integers(max_value=1899), st.integers(min_value=2101)),
    )
    def run(case: tuple[str, str, int, int], number: int) -> None:
        command, option, low, high = case
        assume(not low <= number <= high)
        cli.invalid(command, option, str(number), "--", "werk")

    run()
    for args in (
        ["search", "--mode", "snel", "--", "werk"],
        ["search", "-k", "vijf", "--", "werk"],
    ):
        cli.invalid(*args)


def test_metrics_options(cli: CliEnv) -> None:
    @CLI_FUZZ
    @given(
        names=st.lists(
            st.sampled_from(
                ["--q", "--subject", "--period", "--municipality", "--kind", "--doc-id", "--csv"]
            ),
            min_size=1,
        ),
        value=st.one_of(junk, huge_numbers),
    )
    def run(names: list[str], value: str) -> None:
        args = [a for n in names for a in ([n] if n == "--csv" else [n, value])]
        result = cli.invoke("metrics", *args)
        if "--kind" in names and value not in ("result", "target", "budget", "forecast", "context"):
            assert result.exit_code == 2

    run()
    for option, size in [("--q", 2001), ("--subject", 201), ("--period", 41), ("--doc-id", 129)]:
        assert "characters" in cli.invalid("metrics", option, "x" * size).stderr
    body = json.loads(cli.invoke("metrics", "--q", NORMAL_QUESTION, "--json").stdout)
    assert body["figures"]


# ----- keys: only valid input changes the key store ---------------------------------------------
def test_keys_create_and_revoke_refuse_bad_input(cli: CliEnv) -> None:
    @CLI_FUZZ
    @given(role=not_a_role, name=junk, clearance=st.one_of(st.none(), junk), key_id=junk)
    def run(role: str, name: str, clearance: str | None, key_id: str) -> None:
        extra = [] if clearance is None else ["--clearance", clearance]
        cli.invalid("keys", "create", "--role", role, "--name", name, *extra)
        cli.invalid("keys", "revoke", "--", key_id)

    run()
    for args in (
        ["keys", "create", "--role", "reader", "--name", "   "],
        ["keys", "create", "--role", "reader", "--name", "x" * 101],
        ["keys", "create", "--role", "reader", "--name", "x", "--clearance", "geheim"],
        ["keys", "create", "--name", "no role"],
        ["keys", "revoke", "--", "0" * 12],  # well formed, but no such key
        ["keys", "revoke"],
    ):
        cli.invalid(*args)
    assert cli.invoke("keys", "list", "--json").exit_code == 0


# ----- ingest, eval, serve ------------------------------------------------------------------------
def test_ingest_of_a_missing_path_changes_nothing(cli: CliEnv) -> None:
    @CLI_FUZZ
    @given(names=st.lists(junk, min_size=1, max_size=3), prune=st.booleans())
    def run(names: list[str], prune: bool) -> None:
        paths = [str(cli.scratch / "missing" / name) for name in names]
        assume(not any(Path(p).exists() for p in paths if "\x00" not in p))
        cli.invalid("ingest", *(["--prune"] if prune else []), "--", *paths)

    run()


def test_eval_refuses_bad_question_files_and_subsets(cli: CliEnv) -> None:
    out = cli.scratch / "eval-out"
    questions, subset = cli.scratch / "set.jsonl", cli.scratch / "subset.toml"

    @CLI_FUZZ
    @given(
        content=st.one_of(
            st.binary(max_size=200),
            st.text(max_size=200).map(str.encode),
            json_lines(),
        ),
        toml=st.one_of(st.binary(max_size=100), toml_subsets()),
    )
    def run(content: bytes, toml: bytes) -> None:
        questions.write_bytes(content)
        subset.write_bytes(toml)
        cli.invalid("eval", "--out", str(out), "--", str(questions))
        cli.invalid("eval", "--out", str(out), "--subset", str(subset))

    run()
    for args in (["eval", "--out", str(out)], ["eval", "--out", str(out), "--", "missing.jsonl"]):
        cli.invalid(*args)
    assert not out.exists()


def json_lines() -> st.SearchStrategy[bytes]:
    """JSON that parses but is no question: scalars, lists, objects without the fields."""
    value = st.one_of(
        st.integers(),
        st.text(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.sampled_from(["id", "question", "expect_status", "x"]), junk),
    )
    return st.lists(value.map(json.dumps), min_size=1, max_size=3).map(
        lambda lines: "\n".join(lines).encode()
    )


def toml_subsets() -> st.SearchStrategy[bytes]:
    """TOML that parses, with wrong types for ids, sets and floors."""
    scalar = st.one_of(st.integers(), st.text(max_size=10).map(json.dumps), st.just("[1, 2]"))
    return st.tuples(scalar, scalar, scalar).map(
        lambda t: f"ids = {t[0]}\nsets = {t[1]}\nfloors = {{ hit_at_5 = {t[2]} }}\n".encode()
    )


def int_in(text: str, low: int, high: int) -> bool:
    """As the option parser reads an integer (Python's int())."""
    try:
        return low <= int(text) <= high
    except ValueError:
        return False


def test_serve_refuses_bad_values_before_starting(
    cli: CliEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("serve started a server on invalid input")

    monkeypatch.setattr(uvicorn, "run", no_server)

    @CLI_FUZZ
    @given(
        option=st.sampled_from(["--port", "--workers", "--host"]),
        value=st.one_of(huge_numbers, st.sampled_from([*SPECIAL, "0", "65536", "65"]), junk),
    )
    def run(option: str, value: str) -> None:
        valid = {
            "--port": lambda v: int_in(v, 1, 65535),
            "--workers": lambda v: int_in(v, 1, 64),
            "--host": lambda v: HOST_PATTERN.fullmatch(v) is not None,
        }[option]
        assume(not valid(value))
        cli.invalid("serve", option, value)

    run()
    # a valid worker count over the embedded Chroma: refused by the workers check, not started
    monkeypatch.setitem(cli.env, "POLICY_ASSISTANT_INDEX__BACKEND", "embedded")
    assert "embedded_single_process" in cli.invalid("serve", "--workers", "2").stderr
