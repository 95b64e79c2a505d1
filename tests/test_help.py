"""`--help` of every command describes it and shows its defaults; a wrong option is
reported with the usage of the command it was given to, not the top-level one."""

from __future__ import annotations

import argparse

import pytest

from bitext.cli import build_parser, main


def commands() -> list[tuple[str, argparse.ArgumentParser]]:
    """Every (sub)command's parser by its name: "bitext align", "bitext tm search", ..."""
    found = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command in dict.fromkeys(action.choices.values()):
                    found.append((command.prog, command))
                    walk(command)

    walk(build_parser())
    return found


def option_block(text: str, option: str) -> str:
    """An option's lines in --help: its own and the indented help text below it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(option))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" " * 8):
        end += 1
    return " ".join(line.strip() for line in lines[start:end])


def test_there_are_commands_to_check():
    names = {name for name, _ in commands()}
    assert {"bitext align", "bitext report", "bitext batch", "bitext tm search"} <= names
    assert {"bitext tm merge", "bitext validate", "bitext srx", "bitext eval"} <= names
    assert "bitext tmx merge" in names


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_every_command_has_a_description_and_shows_its_defaults(name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "2000")  # one line per option: no default cut by wrapping
    parser = dict(commands())[name]
    assert parser.description, f"{name} --help has no description"
    text = parser.format_help()
    for action in parser._actions:
        if not action.option_strings or action.default in (None, False, [], argparse.SUPPRESS):
            continue
        block = option_block(text, action.option_strings[0])
        shown = {str(action.default)}
        if isinstance(action.default, float):
            shown.add(f"{action.default:g}")
        assert any(s in block for s in shown), f"{name} {action.option_strings[0]}: {shown}?"


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["align", "x.txt", "-o", "o.tmx", "--frobnicate"], "usage: bitext align "),
        (["report", "x.txt", "-o", "r.html", "--frobnicate"], "usage: bitext report "),
        (["tm", "info", "--tm", "m.sqlite", "--frobnicate"], "usage: bitext tm info "),
        (["validate", "a.tmx", "--frobnicate"], "usage: bitext validate "),
    ],
)
def test_a_wrong_option_shows_the_usage_of_its_command(argv, usage, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert "unrecognized arguments: --frobnicate" in err
