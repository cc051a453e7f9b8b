"""The `yukuai` command line. Every command takes --json and then prints one JSON document."""

import json
import logging
import re
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.api.errors import status_of
from assistant.config import get_settings
from assistant.errors import InvalidInput
from assistant.logs import configure_logging
from assistant.roles import audiences
from assistant.services import Services
from retrieval.errors import ServiceError
from retrieval.search import AUDIENCES

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="yukuai: government service assistant (渝快办-style) on embedded defaults.")
err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def fail(e: ServiceError, as_json: bool) -> NoReturn:
    """Print the error (as JSON too) and exit: 2 for bad input, 1 for anything else."""
    if as_json:
        print(json.dumps({"error": e.to_dict()}, ensure_ascii=False))
    err.print(f"[red]error[/red] ({e.code}): {e.message}")
    raise typer.Exit(2 if status_of(e) == 400 else 1)


def emit(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    configure_logging(logging.INFO if verbose else logging.WARNING)


def add_plugin_commands() -> None:
    """Command groups other packages register under the `yukuai.commands` entry point (the
    eval suites: evals/cli.py), so that the service never imports them."""
    for entry in entry_points(group="yukuai.commands"):
        app.add_typer(entry.load(), name=entry.name)


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
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(report.to_dict())
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
        hits = services.searcher().search(query, audiences(role), k, category=category, region=region,
                                          doc_type=doc_type, mode=mode)
        services.close()
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit({"query": query, "role": role, "hits": [h.to_dict() for h in hits]})
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
    from assistant.api.deps import caller_id

    try:
        if session is not None and not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", session):
            raise InvalidInput("session must be 1-64 letters, digits, . _ or -", field="session")
        services = Services.build(get_settings())
        # The command line is one local user, who names its own conversations.
        me = caller_id(None, "cli")
        answer = services.conversations.ask(question, role=role, caller=me, model=model,
                                            session=(me, session) if session else None)
        body = {**answer.to_dict(), "session_id": session}
        services.close()
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(body)
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
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(body)
        return
    table = Table("field", "value", "confidence", title=f"{body['type_name'] or '未知证件'} ({body['type']})")
    for name, f in body["fields"].items():
        table.add_row(name, f["value"], f"{f['confidence']:.3f}")
    Console().print(table)
    for reason in body["reasons"]:
        err.print(f"[yellow]needs review[/yellow]: {reason}")


def agent_context(services: Services, model: str | None, *, store: bool = True):
    """Searcher (when the index is there), work-order store and model for an agent run."""
    ctx = services.agent_context(model, store=store)
    try:
        services.searcher().search("噪声 消防", AUDIENCES, 1)
    except ServiceError as e:  # no index yet: the agents still decide, citing article numbers only
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
        result = get_agent(name).run(payload, agent_context(services, model))
        services.close()
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(result)
        return
    Console().print(result["reply"])
    err.print(result["brief"])
