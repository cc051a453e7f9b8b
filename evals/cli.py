"""`yukuai eval SUITE`: the offline evaluation suites, as a command group the CLI loads
through the `yukuai.commands` entry point (the service never imports evals)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.cli.main import JsonOpt, agent_context, emit, err, fail
from assistant.config import get_settings
from assistant.errors import InvalidInput
from assistant.services import Services
from retrieval.errors import ServiceError

app = typer.Typer(no_args_is_help=True, help="Offline evaluation suites.")


@app.command("certificates")
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
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(result)
    else:
        Console().print(format_table(result))

@app.command("retrieval")
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
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(result)
    else:
        Console().print(format_table(result))

@app.command("answers")
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
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit(results[0] if len(results) == 1 else results)
    else:
        for result in results:
            Console().print(format_table(result))

@app.command("agents")
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
        ctx = agent_context(services, model, store=False)
        results = [evaluate(n, load(n, dataset_dir), ctx) for n in names]
        services.close()
    except ServiceError as e:
        fail(e, as_json)
    if as_json:
        emit({"agents": results})
    else:
        Console().print(format_table(results))
