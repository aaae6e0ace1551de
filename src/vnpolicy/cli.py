"""Command line: ``vnpolicy extract``, ``vnpolicy batch``, ``vnpolicy schema``.

Exit codes: 0 success; 1 some input could not be read (the others were still processed);
2 bad command line; 3 the language model directory is invalid; 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _dump(document: dict, pretty: bool) -> str:
    if pretty:
        return json.dumps(document, ensure_ascii=False, indent=2)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _error(message: str) -> None:
    print(f"vnpolicy: {message}", file=sys.stderr)


def _published(value: str | None) -> str | None:
    from .pipeline import parse_published
    if value is None:
        return None
    try:
        parse_published(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def cmd_extract(args: argparse.Namespace) -> int:
    from .inputs import InputError, read_text
    from .pipeline import Extractor
    extractor = Extractor(args.model)
    status = EXIT_OK
    for path in args.files:
        try:
            text = read_text(path, args.max_bytes)
        except InputError as exc:
            _error(str(exc))
            status = EXIT_INPUT
            continue
        result = extractor.extract(text, args.published, id=path)
        print(_dump(result.to_dict(), pretty=not args.jsonl))
    return status


def cmd_batch(args: argparse.Namespace) -> int:
    from .bulk import process_lines
    from .inputs import InputError
    from .pipeline import Extractor
    extractor = Extractor(args.model)
    out = open(args.output, "w", encoding="utf-8") if args.output != "-" else sys.stdout
    status = EXIT_OK
    count = errors = targets = 0
    try:
        for path in args.inputs:
            try:
                stream = _open_lines(path)
            except InputError as exc:
                _error(str(exc))
                status = EXIT_INPUT
                continue
            with stream:
                for result in process_lines(extractor, stream, args.published):
                    out.write(_dump(result.to_dict(), pretty=False) + "\n")
                    count += 1
                    errors += result.error is not None
                    targets += len(result.targets)
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        print(f"vnpolicy: {count} records, {targets} targets, {errors} errors", file=sys.stderr)
    return status


def _open_lines(path: str):
    from .inputs import InputError
    if path == "-":
        return open(sys.stdin.fileno(), "r", encoding="utf-8", errors="replace", closefd=False)
    try:
        return open(path, "r", encoding="utf-8-sig", errors="replace")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import output_schema
    print(json.dumps(output_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .inputs import max_bytes_from_env
    parser = argparse.ArgumentParser(prog="vnpolicy", description="Extract policy targets from Vietnamese news.")
    parser.add_argument("--version", action="version", version="vnpolicy 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                        help="publication date that relative deadlines (năm nay, năm tới) resolve against")
    common.add_argument("--model", metavar="DIR", help="language model directory (default: the bundled one)")

    p = sub.add_parser("extract", parents=[common], help="targets of one or more article files as JSON")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files; - reads stdin")
    p.add_argument("--jsonl", action="store_true", help="one compact JSON line per input")
    p.add_argument("--max-bytes", type=int, default=max_bytes_from_env(), metavar="N",
                   help="refuse a single article larger than N bytes (default 20 MB; env VNPOLICY_MAX_BYTES)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("batch", parents=[common], help="JSON Lines records in, one result line per record out")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL files; - reads stdin")
    p.add_argument("-o", "--output", default="-", help="output JSONL file (default stdout)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .resources import ModelError
    try:
        return args.func(args)
    except ModelError as exc:
        _error(f"language model: {exc}")
        return EXIT_MODEL
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
