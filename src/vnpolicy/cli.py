"""Command line: ``vnpolicy extract``, ``batch``, ``show``, ``eval``, ``train``, ``schema``.

Exit codes (``exitcodes.py``): 0 success; 1 some input could not be read (the others were
still processed), or in ``batch`` some record got an error line; 2 bad command line or a
missing optional extra; 3 the language model directory is invalid; 130 interrupted.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from pathlib import Path

from .exitcodes import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_MODEL, EXIT_OK, EXIT_USAGE


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


def _model_dir(args: argparse.Namespace) -> str | None:
    """--model plus any --extend files: the model directory to load (None: the bundled one)."""
    from .extend import resolve_model_dir
    return resolve_model_dir(args.model, getattr(args, "extend", None))


def _extract_file(extractor, path: str, args: argparse.Namespace):
    """(text, result) of one input file; the decoder's warnings go on the result."""
    from .inputs import read_document
    document = read_document(path, args.max_bytes, args.encoding)
    result = extractor.extract(document.text, args.published, id=path)
    result.warnings[:0] = document.warnings
    return document.text, result


def cmd_extract(args: argparse.Namespace) -> int:
    from .export import Writer
    from .inputs import InputError
    from .pipeline import Extractor
    from .records import ExtractionResult
    extractor = Extractor(_model_dir(args))
    status = EXIT_OK
    # several inputs in --format json make one array; each input gives a document, a failed one too
    writer = Writer(sys.stdout, args.format, csv_safe=not args.csv_raw, array=len(args.files) > 1)
    try:
        for path in args.files:
            try:
                _, result = _extract_file(extractor, path, args)
            except InputError as exc:
                _error(str(exc))
                status = EXIT_INPUT
                result = ExtractionResult(id=path, published=_iso(args.published), error=str(exc))
            writer.write(result.to_dict())
            sys.stdout.flush()
    finally:
        writer.close()
    return status


def _iso(published: str | None) -> str | None:
    from .pipeline import parse_published
    date = parse_published(published)
    return date.isoformat() if date else None


def _html_target_problem(html_path: str, source: str) -> tuple[str, int] | None:
    """Why ``show --html`` must not write ``html_path`` (and the exit code), or None."""
    if os.path.isdir(html_path):
        return f"{html_path}: is a directory; give a file name for the HTML page", EXIT_USAGE
    folder = os.path.dirname(html_path) or "."
    if not os.path.isdir(folder):
        return f"{html_path}: folder {folder} does not exist", EXIT_USAGE
    if source != "-" and os.path.exists(html_path) and os.path.exists(source) \
            and os.path.samefile(source, html_path):
        return f"{html_path} is also the input: writing would destroy it; choose another --html", EXIT_USAGE
    return None


def cmd_show(args: argparse.Namespace) -> int:
    from .inputs import InputError
    from .pipeline import Extractor
    from .show import render_html, render_terminal
    if args.html:
        problem = _html_target_problem(args.html, args.file)
        if problem:
            _error(problem[0])
            return problem[1]
    extractor = Extractor(_model_dir(args))
    try:
        text, result = _extract_file(extractor, args.file, args)
    except InputError as exc:
        _error(str(exc))
        return EXIT_INPUT
    title = "stdin" if args.file == "-" else args.file
    if args.html:
        page = render_html(text, result, title=title, model=extractor.data.version)
        try:
            with open(args.html, "w", encoding="utf-8") as out:
                out.write(page)
        except OSError as exc:
            _error(f"{args.html}: cannot write ({exc.strerror or exc})")
            return EXIT_INPUT
        print(f"vnpolicy: wrote {args.html} ({len(result.targets)} targets)", file=sys.stderr)
        return EXIT_OK
    color = {"auto": None, "always": True, "never": False}[args.color]
    render_terminal(text, result, sys.stdout, color=color, title=title)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import EvalError, format_error, format_metrics, score_files
    if args.pred is None and args.articles is None:
        _error("eval needs a prediction file, or --articles ARTICLES.jsonl to run the extractor on")
        return EXIT_USAGE
    extractor = None
    if args.pred is None:
        from .pipeline import Extractor
        extractor = Extractor(_model_dir(args))
    try:
        report = score_files(args.gold, args.pred, args.articles, extractor=extractor,
                             save_predictions=args.save_predictions, default_published=args.published)
    except EvalError as exc:
        _error(str(exc))
        return EXIT_INPUT
    if args.json:
        document = dict(report.metrics)
        if args.errors:
            document["errors"] = [e.to_dict() for e in report.errors]
        print(json.dumps(document, ensure_ascii=False))
        return EXIT_OK
    if args.errors:
        for e in report.errors:
            print(format_error(e))
        print()
    print(format_metrics(report.metrics))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import BatchOptions, run_batch
    if args.scheduler and args.engine != "dask":
        _error("--scheduler needs --engine dask")
        return EXIT_USAGE
    options = BatchOptions(inputs=args.inputs, output=args.output, fmt=args.format, workers=args.workers,
                           engine=args.engine, scheduler=args.scheduler, resume=args.resume,
                           quiet=args.quiet, published=args.published, model=_model_dir(args),
                           max_bytes=args.max_bytes, encoding=args.encoding, csv_safe=not args.csv_raw,
                           record_timeout=args.record_timeout)
    return run_batch(options, _error)


def cmd_train(args: argparse.Namespace) -> int:
    from .evaluate import EvalError, format_metrics
    from .training import (MissingExtra, TrainingError, cross_validate, read_labelled, require_sklearn, train,
                           write_model_dir)
    try:
        require_sklearn()
        articles = read_labelled(args.gold, args.articles)
    except MissingExtra as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (TrainingError, EvalError) as exc:
        _error(str(exc))
        return EXIT_INPUT
    groups = tuple(args.groups.split(",")) if args.groups else None
    from .features import DEFAULT_GROUPS, GROUPS
    groups = groups or DEFAULT_GROUPS
    if set(groups) - set(GROUPS):
        _error(f"--groups: unknown group(s) {', '.join(sorted(set(groups) - set(GROUPS)))}; known: {', '.join(GROUPS)}")
        return EXIT_USAGE
    base = _model_dir(args)
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    say(f"vnpolicy: {len(articles)} articles, {sum(len(a.gold) for a in articles)} gold targets; "
        f"feature groups {','.join(groups)}")
    cv = None
    if not args.no_cv:
        cv = cross_validate(articles, base, groups, progress=lambda line: say("  " + line))
        print(f"cross-validated ({len(cv.folds)} folds by story, every article held out once):")
        for f in cv.folds:
            print(f"  fold {f['fold']}: {f['articles']:3d} articles {f['gold']:3d} gold  "
                  f"core P {f['core']['precision']:.3f} R {f['core']['recall']:.3f} F1 {f['core']['f1']:.3f}  "
                  f"full F1 {f['full']['f1']:.3f}")
        print(format_metrics(cv.pooled))
        if args.cv_errors:
            with open(args.cv_errors, "w", encoding="utf-8") as out:
                for e in cv.errors:
                    out.write(json.dumps(e.to_dict(), ensure_ascii=False, default=str) + "\n")
    model = train(articles, base, groups, [Path(p).name for p in args.gold], cv)
    try:
        out = write_model_dir(model, args.output, base)
    except (TrainingError, OSError) as exc:
        _error(f"cannot write the model: {exc}")
        return EXIT_INPUT
    print(f"vnpolicy: wrote {out / 'decision.json'} ({len(model.weights)} weighted features, "
          f"threshold {model.threshold:.2f})")
    return EXIT_OK


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _byte_limit(value: str) -> int:
    from .inputs import parse_max_bytes
    try:
        return parse_max_bytes(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _encoding(value: str) -> str:
    from .charsets import canonical_encoding
    try:
        canonical_encoding(value)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r} (utf-8, utf-16, cp1258, tcvn3, vni, "
                                         "or any Python codec name)") from None
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds (0 turns the limit off)")
    return seconds


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import output_schema
    print(json.dumps(output_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .bulk import DEFAULT_RECORD_TIMEOUT
    parser = argparse.ArgumentParser(prog="vnpolicy", description="Extract policy targets from Vietnamese news.")
    parser.add_argument("--version", action="version", version="vnpolicy 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                        help="publication date that relative deadlines (năm nay, năm tới) resolve against")
    common.add_argument("--model", metavar="DIR", help="language model directory (default: the bundled one)")
    common.add_argument("--extend", action="append", metavar="FILE.json",
                        help="extension file of extra language data (gazetteer entries, units, nouns, trigger "
                             "words); repeatable; see README 'Custom language data'")

    p = sub.add_parser("extract", parents=[common], help="targets of one or more article files as JSON")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files; - reads stdin")
    p.add_argument("--format", choices=("json", "jsonl", "csv"), default="json",
                   help="json: one indented document for one input, a JSON array of them for several "
                        "(default); jsonl: one compact line per input; csv: one row per target with flat "
                        "columns; an input that cannot be read gives a document, line or row with 'error'")
    p.add_argument("--jsonl", dest="format", action="store_const", const="jsonl", help="same as --format jsonl")
    p.add_argument("--max-bytes", type=_byte_limit, default=None, metavar="N",
                   help="refuse a single article larger than N bytes, after decompression "
                        "(default 20 MB; env VNPOLICY_MAX_BYTES)")
    p.add_argument("--encoding", type=_encoding, metavar="NAME",
                   help="read the files in this encoding instead of recognising it (utf-8, utf-16, cp1258, "
                        "tcvn3, vni)")
    p.add_argument("--csv-raw", action="store_true",
                   help="csv: write cells as they are, without the ' that keeps a spreadsheet from running "
                        "a cell that starts with = + - @ as a formula")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("show", parents=[common], help="review one article's targets: colour in the terminal, or --html")
    p.add_argument("file", metavar="FILE", help="article text file; - reads stdin")
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML review page instead")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="terminal colour (default: when writing to a terminal; NO_COLOR is honoured)")
    p.add_argument("--max-bytes", type=_byte_limit, default=None, metavar="N", help=argparse.SUPPRESS)
    p.add_argument("--encoding", type=_encoding, metavar="NAME", help="read the file in this encoding (as extract)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("eval", parents=[common], help="score predictions against gold (ANNOTATION.md section 4)")
    p.add_argument("gold", metavar="GOLD.jsonl", help="gold targets, one article a line")
    p.add_argument("pred", metavar="PRED.jsonl", nargs="?",
                   help="predictions as extract --format jsonl or batch write them; omit to use --articles")
    p.add_argument("--articles", metavar="ARTICLES.jsonl",
                   help="article records {id, text, published}: without PRED the extractor runs on them; "
                        "with PRED they supply the sentences of missed targets")
    p.add_argument("--errors", action="store_true", help="list every miss, false positive and wrong field with its sentence")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object (with --errors: plus 'errors')")
    p.add_argument("--save-predictions", metavar="FILE", help="with --articles: also write the predictions made")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("batch", parents=[common], help="many records in, one result line per record out, in order")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL files (.gz too; - reads stdin), .txt files, directories or globs of .txt files, "
                        "RSS/Atom feeds, HTML pages (needs vnpolicy[html])")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    p.add_argument("--format", choices=("jsonl", "json", "csv"), default="jsonl",
                   help="jsonl: one line per record (default); json: one JSON array of indented documents; "
                        "csv: one row per target (a row with 'error' for a failed record)")
    p.add_argument("-w", "--workers", type=_positive, default=None, metavar="N",
                   help="worker processes (default: all cores); with --engine dask, local cluster size")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run: keep the lines already in OUT, skip their records")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster (needs vnpolicy[dask])")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: scheduler address (tcp://host:8786); default: a local cluster")
    p.add_argument("--max-bytes", type=_byte_limit, default=None, metavar="N",
                   help="give an error line for a record larger than N bytes, after decompression "
                        "(default 20 MB; env VNPOLICY_MAX_BYTES)")
    p.add_argument("--record-timeout", type=_seconds, default=DEFAULT_RECORD_TIMEOUT, metavar="SECONDS",
                   help=f"give an error line for a record that takes longer than SECONDS per 100 KB of text "
                        f"(default {DEFAULT_RECORD_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--encoding", type=_encoding, metavar="NAME",
                   help="read .txt files and HTML pages in this encoding instead of recognising it")
    p.add_argument("--csv-raw", action="store_true", help="csv: cells as they are (see extract --csv-raw)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line on stderr")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("train", parents=[common],
                       help="fit the target decision's weights from gold (needs vnpolicy[train]), with cross-validation")
    p.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="gold targets, one article a line (ANNOTATION.md)")
    p.add_argument("--articles", nargs="+", required=True, metavar="ARTICLES.jsonl",
                   help="the article records {id, text, published} the gold refers to")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR",
                   help="model directory to write: a copy of --model (or the bundled model) with the new "
                        "decision.json; give the base directory itself to update it in place")
    p.add_argument("--groups", metavar="G1,G2", help="feature groups to use (default: legacy,cues,aspect,time,verb,unit,lexical; also nouns, "
                        "layout); see vnpolicy.features")
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validated score (faster)")
    p.add_argument("--cv-errors", metavar="FILE.jsonl", help="write every cross-validated error to FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)
    return parser


def _resolve_max_bytes(args: argparse.Namespace) -> str | None:
    """Fill in --max-bytes from VNPOLICY_MAX_BYTES; the problem with the variable, if any."""
    from .inputs import max_bytes_from_env
    if not hasattr(args, "max_bytes") or args.max_bytes is not None:
        return None
    try:
        args.max_bytes = max_bytes_from_env()
    except ValueError as exc:
        return str(exc)
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of what could not be
    written does not end in a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _output_failure(exc: OSError) -> str:
    if exc.filename is None and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF):
        return f"cannot write to standard output ({exc.strerror})"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


class _ClosedStream:
    """Stands for a standard stream the process was started without (``cmd >&-``, ``<&-``),
    where Python leaves ``sys.stdout`` (``sys.stdin``) None: writing or reading fails as on a
    closed descriptor, so that a command that uses it ends in its one-line error, and one that
    does not (``batch FILE -o FILE``) runs as usual."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def flush(self) -> None:
        pass                                   # nothing was written, so nothing is lost

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        pass                                   # a worker process closes its stdin at start

    def fileno(self) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def read(self, size: int = -1):
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    readline = __next__ = read                 # iterating over lines reads, and fails, too

    def __iter__(self):
        return self

    @property
    def buffer(self) -> "_ClosedStream":
        return self


def _stand_in_for_closed_streams() -> None:
    if sys.stdin is None:                      # 'vnpolicy extract - <&-': reading fails as on a closed descriptor
        sys.stdin = _ClosedStream()
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:                     # no one to tell: messages go nowhere, as they would
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    _stand_in_for_closed_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = _resolve_max_bytes(args)
    if problem:
        _error(problem)
        return EXIT_USAGE
    from .extras import MissingExtra
    from .resources import ModelError
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except MissingExtra as exc:      # raised before any output is opened
        _error(str(exc))
        return EXIT_USAGE
    except ModelError as exc:
        _error(f"language model: {exc}")
        return EXIT_MODEL
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:          # the reader went away (| head): nothing left to say
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:           # a full disk under stdout, and the like: one line, no traceback
        _silence_stdout()
        _error(_output_failure(exc))
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
