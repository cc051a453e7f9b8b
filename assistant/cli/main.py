"""The `yukuai` command line. Every command takes --json and then prints one JSON document."""

import json
import logging
import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.config import get_settings
from assistant.errors import InvalidInput, YukuaiError
from assistant.logs import configure_logging
from assistant.services import Services

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="yukuai: government service assistant (渝快办-style) on embedded defaults.")
eval_app = typer.Typer(no_args_is_help=True, help="Offline evaluation suites.")
app.add_typer(eval_app, name="eval")
err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _fail(e: YukuaiError, as_json: bool) -> NoReturn:
    if as_json:
        print(json.dumps({"error": e.to_dict()}, ensure_ascii=False))
    err.print(f"[red]error[/red] ({e.code}): {e.message}")
    raise typer.Exit(2 if isinstance(e, InvalidInput) else 1)


def _emit(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    configure_logging(logging.INFO if verbose else logging.WARNING)


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A file or folder (.md .txt .html .pdf .docx).")],
    audience: Annotated[str, typer.Option(
        help="Audience of files without front matter: internal (default, staff only) or public.")] = "internal",
    rebuild: Annotated[bool, typer.Option(help="Drop the index and embed everything again.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Index PATH incrementally: unchanged documents are skipped, changed ones re-embedded,
    removed ones deleted. Unreadable or malformed files are reported and skipped.

    Example: yukuai ingest corpora
    """
    try:
        if not path.exists():
            raise InvalidInput(f"no such file or folder: {path}", code="path_not_found", field="path")
        if audience not in ("public", "internal"):
            raise InvalidInput("audience must be public or internal", field="audience")
        services = Services.build(get_settings())
        if rebuild:
            services.store.drop()  # the next ensure_collection creates it afresh
        with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=as_json) as bar:
            task = bar.add_task("ingest", total=None)
            report = services.ingestor().run(
                path, audience, progress=lambda done, total: bar.update(task, completed=done, total=total))
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(report.to_dict())
    else:
        err.print(f"{report.documents} documents: {len(report.added)} added, {len(report.updated)} "
                  f"updated, {report.unchanged} unchanged, {len(report.deleted)} deleted; "
                  f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f}s")
    for f in report.failures:
        err.print(f"[yellow]skipped[/yellow] {f.path}: {f.reason}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="The question or keywords.")],
    role: Annotated[str, typer.Option(help="citizen | staff | evaluator | admin")] = "citizen",
    k: Annotated[int, typer.Option(help="Number of hits.")] = 5,
    category: Annotated[str | None, typer.Option(help="Only this category, e.g. 公积金.")] = None,
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    doc_type: Annotated[str | None, typer.Option(help="service_guide, regulation, policy…")] = None,
    mode: Annotated[str, typer.Option(help="hybrid | dense | sparse")] = "hybrid",
    as_json: JsonOpt = False,
) -> None:
    """Hybrid search of the corpus as ROLE sees it.

    Example: yukuai search "身份证丢了咋办" --role citizen --k 5 --json
    """
    try:
        services = Services.build(get_settings())
        hits = services.searcher().search(query, role, k, category=category, region=region,
                                          doc_type=doc_type, mode=mode)
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit({"query": query, "role": role, "hits": [h.to_dict() for h in hits]})
        return
    table = Table("#", "score", "doc", "section", "text")
    for i, h in enumerate(hits, 1):
        table.add_row(str(i), f"{h.score:.4f}", f"{h.title}\n{h.doc_id}", h.article or h.section or "",
                      h.text[:120])
    Console().print(table)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, as a citizen would ask it.")],
    session: Annotated[str | None, typer.Option(help="Conversation id: follow-ups use its history.")] = None,
    role: Annotated[str, typer.Option(help="citizen | staff | evaluator | admin")] = "citizen",
    model: Annotated[str | None, typer.Option(help="A model from model_configs/ (default: extractive).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the corpus, with citations (the same answer as POST /v1/ask).

    Example: yukuai ask "身份证丢了怎么补办" --json
             yukuai ask "那要多少钱？" --session s1
    """
    from assistant.answering.conversation import ask as answer_question
    from assistant.api.deps import caller_id

    try:
        if session is not None and not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", session):
            raise InvalidInput("session must be 1-64 letters, digits, . _ or -", field="session")
        services = Services.build(get_settings())
        # The command line is one local user, who names its own conversations.
        me = caller_id(None, "cli")
        body, _ = answer_question(services, question, role, me, session and (me, session), model)
        body["session_id"] = session
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(body)
        return
    if body["notice"]:
        err.print(f"[yellow]{body['notice']}[/yellow]")
    Console().print(body["answer"])
    for c in body["citations"]:
        Console().print(f"[dim][{c['n']}] {c['title']} · {c['article'] or c['section'] or ''}[/dim]")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs).

    Example: yukuai serve --port 8000
    """
    import uvicorn

    from assistant.api.app import create_app

    configure_logging(logging.INFO)
    # X-Forwarded-For is honoured by the app, from YUKUAI_TRUSTED_PROXIES only; uvicorn's own
    # handling would trust any local peer.
    uvicorn.run(create_app(), host=host, port=port, log_config=None, proxy_headers=False)


@app.command()
def recognize(
    image: Annotated[Path, typer.Argument(help="A photo or scan of one document (JPEG, PNG, WebP).")],
    role: Annotated[str, typer.Option(
        help="Whose view: identity numbers are masked unless the role is in YUKUAI_REVEAL_ID_ROLES.")] = "citizen",
    as_json: JsonOpt = False,
) -> None:
    """Read a certificate: type, key fields with confidence and box, checks, needs_review.
    (The same result as POST /v1/certificates/recognize.)

    Example: yukuai recognize id-card.jpg --role staff --json
    """
    from assistant.certificates import Recognizer

    try:
        if not image.is_file():
            raise InvalidInput(f"no such file: {image}", code="path_not_found", field="image")
        settings = get_settings()
        body = Recognizer.from_settings(settings).recognize(image.read_bytes()).to_dict(
            reveal_ids=role in settings.reveal_id_roles)
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(body)
        return
    table = Table("field", "value", "confidence", title=f"{body['type_name'] or '未知证件'} ({body['type']})")
    for name, f in body["fields"].items():
        table.add_row(name, f["value"], f"{f['confidence']:.3f}")
    Console().print(table)
    for reason in body["reasons"]:
        err.print(f"[yellow]needs review[/yellow]: {reason}")


@eval_app.command("certificates")
def eval_certificates(
    data_dir: Annotated[Path | None, typer.Option(
        "--dir", help="Where the synthetic set is written (default: DATA_DIR/eval-certificates).")] = None,
    per_type: Annotated[int, typer.Option(help="Images per certificate type (half degraded).")] = 44,
    as_json: JsonOpt = False,
) -> None:
    """Generate the synthetic certificate set (fixed seed, 7 types x PER_TYPE + unknown pages)
    and score recognition: type accuracy, per-type and per-field exact match on clean and
    degraded images, all-fields-right rate, planted invalid values flagged, latency.

    Example: yukuai eval certificates --json
    """
    from assistant.certificates import Recognizer
    from evals.certificates.dataset import TODAY, generate
    from evals.certificates.runner import evaluate, format_table

    try:
        if per_type < 1:
            raise InvalidInput("per-type must be at least 1", field="per_type")
        settings = get_settings()
        out = data_dir or settings.data_dir / "eval-certificates"
        with Progress(TextColumn("certificates"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=as_json) as bar:
            task = bar.add_task("generate", total=None)
            truth = generate(out, per_type=per_type)
            recognizer = Recognizer.from_settings(settings)
            recognizer.today = lambda: TODAY  # the set's planted expiry dates are relative to it
            result = evaluate(recognizer, truth,
                              progress=lambda done, total: bar.update(task, completed=done, total=total))
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(result)
    else:
        Console().print(format_table(result))


@eval_app.command("retrieval")
def eval_retrieval(
    dataset: Annotated[Path | None, typer.Option(help="JSONL of questions with gold doc ids.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1, Recall@5, MRR and nDCG@10 for hybrid, dense-only and BM25-only search.

    Example: yukuai eval retrieval --json
    """
    from evals.retrieval import evaluate, format_table, load_dataset

    try:
        services = Services.build(get_settings())
        result = evaluate(services.searcher(), load_dataset(dataset))
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(result)
    else:
        Console().print(format_table(result))


@eval_app.command("answers")
def eval_answers(
    dataset: Annotated[Path | None, typer.Option(help="JSONL of questions with key facts.")] = None,
    model: Annotated[list[str] | None, typer.Option(help="Models to compare (repeat).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Key-fact coverage, citation precision, unsupported-number rate and refusal accuracy,
    for one or more models side by side.

    Example: yukuai eval answers --json
             yukuai eval answers --model extractive --model qwen2.5-7b-instruct
    """
    from evals.answers import evaluate, format_table, load

    try:
        services = Services.build(get_settings())
        items = load(dataset)
        results = [evaluate(services.pipeline, items, m) for m in (model or [None])]
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(results[0] if len(results) == 1 else results)
    else:
        for result in results:
            Console().print(format_table(result))


def _agent_context(services: Services, model: str | None, *, store: bool = True):
    """Searcher (when the index is there), work-order store and model for an agent run."""
    from assistant.api.routers.agents import context

    ctx = context(services, model, store=store)
    try:
        services.searcher().search("噪声 消防", "staff", 1)
    except YukuaiError as e:  # no index yet: the agents still decide, citing article numbers only
        err.print(f"[yellow]legal basis without corpus text[/yellow]: {e.message}")
        ctx.searcher = None
    return ctx


@app.command()
def agent(
    name: Annotated[str, typer.Argument(help="noise | fire | crowd (GET /v1/agents lists them).")],
    input_path: Annotated[str, typer.Option("--input", help="JSON file with the agent's input, or - for stdin.")],
    model: Annotated[str | None, typer.Option(help="A generative model that reads the free text.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a scenario agent on one case: {decision, work_order, reply, brief, trace}.
    The work order is stored in the store (YUKUAI_DATABASE_URL or SQLite in the data dir).

    Example: echo '{"text": "楼上装修中午12点半还在打电钻"}' | yukuai agent noise --input - --json
    """
    import sys

    from agents import get_agent

    try:
        get_agent(name)
        try:
            raw = sys.stdin.read() if input_path == "-" else Path(input_path).read_text(encoding="utf-8")
        except OSError as e:
            raise InvalidInput(f"cannot read {input_path}: {e.strerror}", code="path_not_found",
                               field="input") from e
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"the input is not JSON: {e}", field="input") from e
        services = Services.build(get_settings())
        result = get_agent(name).run(payload, _agent_context(services, model))
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit(result)
        return
    Console().print(result["reply"])
    err.print(result["brief"])


@eval_app.command("agents")
def eval_agents(
    agent_name: Annotated[list[str] | None, typer.Option("--agent", help="Only these agents (repeat).")] = None,
    model: Annotated[str | None, typer.Option(help="A generative model for the free-text slots.")] = None,
    dataset_dir: Annotated[Path | None, typer.Option(
        help="Folder of NAME.jsonl scenarios (default evals/datasets/agents; "
             "evals/datasets/agents/heldout was never used to tune the patterns).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Decision accuracy per field of each scenario agent, with the slots given and from the
    free text alone (evals/datasets/agents/NAME.jsonl). Work orders are drafted, not stored.

    Example: yukuai eval agents --json
             yukuai eval agents --dataset-dir evals/datasets/agents/heldout
    """
    from agents import AGENTS
    from evals.agents import evaluate, format_table, load

    try:
        names = agent_name or list(AGENTS)
        for n in names:
            if n not in AGENTS:
                raise InvalidInput(f"unknown agent {n!r}; known: {sorted(AGENTS)}", field="agent")
        services = Services.build(get_settings())
        ctx = _agent_context(services, model, store=False)
        results = [evaluate(n, load(n, dataset_dir), ctx) for n in names]
        services.close()
    except YukuaiError as e:
        _fail(e, as_json)
    if as_json:
        _emit({"agents": results})
    else:
        Console().print(format_table(results))
