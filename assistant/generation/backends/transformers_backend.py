"""A causal LM from a local directory, run in-process with transformers."""

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from assistant.errors import ModelUnavailable
from assistant.generation.backends import BackendError, register


@register("transformers")
class TransformersBackend:
    generative = True

    def __init__(self, config):
        if not config.path or not Path(config.path).is_dir():
            raise ModelUnavailable(
                f"model {config.name!r}: no local model directory at {config.path!r}; set its "
                "`path` (or YUKUAI_LOCAL_MODEL_PATH) to a directory with config.json, weights "
                "and tokenizer files")
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as e:
            raise ModelUnavailable("transformers is not installed: pip install -e '.[llm]'") from e
        self.tokenizer = AutoTokenizer.from_pretrained(config.path, local_files_only=True)
        self.model = AutoModelForCausalLM.from_pretrained(config.path, local_files_only=True)
        self.model.eval()
        self._lock = threading.Lock()  # one generation at a time on a CPU model

    def _inputs(self, messages):
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                  return_tensors="pt", return_dict=True)

    def _kwargs(self, temperature: float, max_tokens: int) -> dict:
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        return {"max_new_tokens": max_tokens, "pad_token_id": self.tokenizer.eos_token_id, **sampling}

    def complete(self, messages: list[dict], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str:
        """The reply. `response_format` is accepted and not enforced (plain generate has no
        constrained decoding): the caller validates the reply, as it must for any server."""
        import torch

        inputs = self._inputs(messages)
        try:
            with self._lock, torch.no_grad():
                out = self.model.generate(**inputs, **self._kwargs(temperature, max_tokens))
        except Exception as e:  # a broken model must degrade, not crash the request
            raise BackendError(f"local generation failed: {type(e).__name__}") from e
        return self.tokenizer.decode(out[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)

    def stream(self, messages: list[dict], *, temperature: float, max_tokens: int) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        inputs = self._inputs(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[Exception] = []

        def run():
            try:
                with self._lock:
                    self.model.generate(**inputs, **self._kwargs(temperature, max_tokens), streamer=streamer)
            except Exception as e:  # noqa: BLE001 - re-raised below as BackendError
                errors.append(e)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        yield from (piece for piece in streamer if piece)
        thread.join()
        if errors:
            raise BackendError(f"local generation failed: {type(errors[0]).__name__}")
