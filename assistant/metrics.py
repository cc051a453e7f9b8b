"""Prometheus metrics of one app instance (its own registry, so tests can build many apps)."""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter("yukuai_requests_total", "HTTP requests", ["route", "status"],
                                registry=self.registry)
        self.latency = Histogram("yukuai_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.answers = Counter("yukuai_answers_total", "Answers by outcome", ["model", "outcome"],
                               registry=self.registry)
        self.fallbacks = Counter("yukuai_generation_fallbacks_total",
                                 "Generative answers replaced by the extractive one", ["model"],
                                 registry=self.registry)

    def answer(self, answer) -> None:
        outcome = "handoff" if answer.handoff else "clarify" if answer.clarify else "answered"
        self.answers.labels(answer.model, outcome).inc()
        if answer.notice:
            self.fallbacks.labels(answer.model).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
