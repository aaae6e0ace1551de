"""Command line: ``vnpolicy extract``, ``batch``, ``show``, ``eval``, ``train``, ``schema``.

Exit codes (``exitcodes.py``): 0 success; 1 some input could not be read (the others were
still processed), or in ``batch`` some record got an error line; 2 bad command line or a
missing optional extra; 3 the language model directory is invalid; 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .exitcodes import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_MODEL, EXIT_OK, EXIT_USAGE


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


def _model_dir(args: argparse.Namespace) -> str | None:
    """--model plus any --extend files: the model directory to load (None: the bundled one)."""
    from .extend import resolve_model_dir
    return resolve_model_dir(args.model, getattr(args, "extend", None))


def cmd_extract(args: argparse.Namespace) -> int:
    from .export import Writer
    from .inputs import InputError, read_text
    from .pipeline import Extractor
    from .records import ExtractionResult
    extractor = Extractor(_model_dir(args))
    status = EXIT_OK
    # several inputs in --format json make one array; each input gives a document, a failed one too
    writer = Writer(sys.stdout, args.format, array=len(args.files) > 1)
    try:
        for path in args.files:
            try:
                text = read_text(path, args.max_bytes)
            except InputError as exc:
                _error(str(exc))
                status = EXIT_INPUT
                result = ExtractionResult(id=path, published=_iso(args.published), error=str(exc))
            else:
                result = extractor.extract(text, args.published, id=path)
            writer.write(result.to_dict())
            sys.stdout.flush()
    finally:
        writer.close()
    return status


def _iso(published: str | None) -> str | None:
    from .pipeline import parse_published
    date = parse_published(published)
    return date.isoformat() if date else None


def cmd_show(args: argparse.Namespace) -> int:
    from .inputs import InputError, read_text
    from .pipeline import Extractor
    from .show import render_html, render_terminal
    extractor = Extractor(_model_dir(args))
    try:
        text = read_text(args.file, args.max_bytes)
    except InputError as exc:
        _error(str(exc))
        return EXIT_INPUT
    result = extractor.extract(text, args.published, id=args.file)
    title = "stdin" if args.file == "-" else args.file
    if args.html:
        page = render_html(text, result, title=title, model=extractor.data.version)
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(page)
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
                           max_bytes=args.max_bytes)
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
    from .features import GROUPS
    groups = groups or GROUPS
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
    p.add_argument("--max-bytes", type=int, default=max_bytes_from_env(), metavar="N",
                   help="refuse a single article larger than N bytes (default 20 MB; env VNPOLICY_MAX_BYTES)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("show", parents=[common], help="review one article's targets: colour in the terminal, or --html")
    p.add_argument("file", metavar="FILE", help="article text file; - reads stdin")
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML review page instead")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="terminal colour (default: when writing to a terminal; NO_COLOR is honoured)")
    p.add_argument("--max-bytes", type=int, default=max_bytes_from_env(), metavar="N", help=argparse.SUPPRESS)
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
    p.add_argument("--max-bytes", type=int, default=max_bytes_from_env(), metavar="N",
                   help="give an error line for a record larger than N bytes (default 20 MB; env VNPOLICY_MAX_BYTES)")
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
    p.add_argument("--groups", metavar="G1,G2", help="feature groups to use (default: all); see vnpolicy.features")
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validated score (faster)")
    p.add_argument("--cv-errors", metavar="FILE.jsonl", help="write every cross-validated error to FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .extras import MissingExtra
    from .resources import ModelError
    try:
        return args.func(args)
    except MissingExtra as exc:      # raised before any output is opened
        _error(str(exc))
        return EXIT_USAGE
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
