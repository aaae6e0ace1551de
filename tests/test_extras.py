"""Optional extras fail before the work starts: a one-line message naming the pip install,
exit code 2, and no output file created or truncated. Exit codes live in exitcodes.py."""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

import vnpolicy.cli as cli
from vnpolicy.exitcodes import EXIT_USAGE
from vnpolicy.extras import MissingExtra, extra_installed, require_extra

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src" / "vnpolicy"
TEXT = "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư."


def jsonl_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_require_extra_names_the_pip_install():
    with pytest.raises(MissingExtra) as exc:
        require_extra("vnpolicy_no_such_module_xyz", "train", "vnpolicy train")
    message = str(exc.value)
    assert message == ("vnpolicy train needs vnpolicy_no_such_module_xyz, which is not installed: "
                       "pip install 'vnpolicy[train]'")
    assert "\n" not in message
    require_extra("json", "none")                       # installed: nothing happens
    assert extra_installed("json") and not extra_installed("vnpolicy_no_such_module_xyz.sub")


def test_missing_extra_in_any_command_is_exit_2(monkeypatch, capsys):
    def needs_training_extra(args):
        require_extra("vnpolicy_no_such_module_xyz", "train")
        return 0
    monkeypatch.setattr(cli, "cmd_schema", needs_training_extra)
    assert cli.main(["schema"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("vnpolicy: this command needs vnpolicy_no_such_module_xyz, which is not installed: "
                            "pip install 'vnpolicy[train]'\n")


@pytest.mark.parametrize("existing", [None, "an earlier run's output\n"])
def test_engine_dask_without_dask_stops_before_opening_the_output(tmp_path, monkeypatch, capfd, existing):
    monkeypatch.setitem(sys.modules, "distributed", None)       # as if Dask were not installed
    out = tmp_path / "o.jsonl"
    if existing is not None:
        out.write_text(existing, encoding="utf-8")
    code = cli.main(["batch", str(jsonl_input(tmp_path)), "-o", str(out), "--engine", "dask"])
    assert code == EXIT_USAGE
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "pip install 'vnpolicy[dask]'" in err and "--resume" not in err
    if existing is None:
        assert not out.exists()
    else:
        assert out.read_text(encoding="utf-8") == existing


@pytest.mark.parametrize("name", ["page.html", "page-without-suffix"])
def test_html_input_without_trafilatura_stops_before_opening_the_output(tmp_path, monkeypatch, capfd, name):
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    page = tmp_path / name
    page.write_bytes((FIXTURES / "page.html").read_bytes())       # found by its suffix, or by its first bytes
    out = tmp_path / "o.jsonl"
    code = cli.main(["batch", str(jsonl_input(tmp_path)), str(page), "-o", str(out)])
    assert code == EXIT_USAGE
    err = capfd.readouterr().err
    assert err == ("vnpolicy: reading HTML pages needs trafilatura, which is not installed: "
                   "pip install 'vnpolicy[html]'\n")
    assert not out.exists()


def test_inputs_without_html_do_not_need_trafilatura(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    out = tmp_path / "o.jsonl"
    assert cli.main(["batch", str(jsonl_input(tmp_path)), "-o", str(out), "-q", "-w", "1"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["targets"]


def _imports(module: str) -> set[str]:
    tree = ast.parse((SRC / f"{module}.py").read_text(encoding="utf-8"))
    return {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_cli_and_batch_take_exit_codes_from_one_module():
    assert "exitcodes" in _imports("cli") and "exitcodes" in _imports("batch")
    assert "cli" not in _imports("batch")            # batch no longer imports the command line
