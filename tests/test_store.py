"""The store on SQLite and on a real PostgreSQL server: masked turns and audit records, and
the audit writer that takes them off the request path."""

import concurrent.futures
import logging
import threading
import time
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.store.audit import AuditRecord, AuditWriter
from assistant.store.db import Store


def test_history_is_per_caller_and_session_and_masked(store):
    me, other, session = uuid.uuid4().hex[:16], uuid.uuid4().hex[:16], uuid.uuid4().hex
    store.add_turn(me, session, "我叫李四，身份证丢了怎么补办", "我叫李四，身份证丢了怎么补办", "答", "id-card-replacement", False)
    store.add_turn(me, session, "那要多少钱？", "身份证丢了怎么补办 那要多少钱？", "答", "id-card-replacement", False)
    store.add_turn(other, session, "公积金", "公积金", "答", None, True)
    assert store.history(me, session) == ["我叫李*，身份证丢了怎么补办", "身份证丢了怎么补办 那要多少钱？"]
    assert store.history(other, session) == ["公积金"]
    assert store.history(me, "no-such-session") == []


def test_audit_records_are_masked_and_keep_their_citations(store):
    caller = uuid.uuid4().hex[:16]
    store.audit(caller=caller, role="citizen", endpoint="ask", model="extractive",
                question="身份证号11010519491231002X，电话13812345678，怎么补办",
                answer="关于「居民身份证补领」…", citations=["id-card-replacement#2"],
                confidence=0.97, handoff=False)
    record = next(r for r in store.audit_records(50) if r.caller == caller)
    assert "11010519491231002X" not in record.question and "13812345678" not in record.question
    assert record.citations == ["id-card-replacement#2"] and record.confidence == pytest.approx(0.97)


# -- the audit writer: off the request path, nothing lost --------------------------------

def _audited(store, caller: str) -> list[AuditRecord]:
    with Session(store.engine) as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.caller == caller)))


def test_audit_records_from_many_threads_all_arrive_after_close(store):
    writer = AuditWriter(sessionmaker(store.engine))
    caller = uuid.uuid4().hex[:16]

    def record(thread: int) -> None:
        for i in range(50):
            writer.record(caller=caller, role="citizen", endpoint="ask",
                          question=f"{thread}-{i} 我的电话13812345678", answer="答")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(record, range(8)))
    writer.close()
    rows = _audited(store, caller)
    assert len(rows) == 8 * 50
    assert {r.question.split()[0] for r in rows} == {f"{t}-{i}" for t in range(8) for i in range(50)}
    assert not any("13812345678" in r.question for r in rows)


def test_audit_returns_before_the_write_and_flush_waits_for_it(store):
    """The request path only queues: a stalled database does not stall `audit`."""
    writer, release = store.audit_writer, threading.Event()
    insert = writer._insert
    writer._insert = lambda rows: (release.wait(10), insert(rows))
    caller = uuid.uuid4().hex[:16]
    started = time.perf_counter()
    store.audit(caller=caller, role="staff", endpoint="agents/noise", question="q")
    assert time.perf_counter() - started < 0.5
    assert writer.flush(timeout=0.2) is False and _audited(store, caller) == []
    release.set()
    assert writer.flush() is True and len(_audited(store, caller)) == 1


def test_a_failed_batch_is_retried_and_a_lost_record_is_logged_masked(store, caplog):
    writer = store.audit_writer
    insert, calls = writer._insert, []

    def flaky(rows):  # the batch fails once; the row-by-row retry goes through
        calls.append(len(rows))
        if len(calls) == 1:
            raise RuntimeError("database went away")
        insert(rows)

    writer._insert = flaky
    caller = uuid.uuid4().hex[:16]
    store.audit(caller=caller, role="citizen", endpoint="ask", question="q")
    assert writer.flush() and len(_audited(store, caller)) == 1
    assert "retrying" in caplog.text

    def broken(rows):
        raise RuntimeError("电话13812345678 refused")

    writer._insert = broken
    with caplog.at_level(logging.WARNING, logger="yukuai.store.audit"):
        store.audit(caller=caller, role="citizen", endpoint="ask", question="身份证11010519491231002X")
        assert writer.flush()
    lost = [r.getMessage() for r in caplog.records if "record lost" in r.getMessage()]
    assert len(lost) == 1 and caller in lost[0]
    assert "13812345678" not in caplog.text and "11010519491231002X" not in caplog.text
    writer._insert = insert


def test_a_crash_in_the_writer_is_logged_and_the_writer_goes_on(store, caplog):
    writer = store.audit_writer
    write = writer._write
    writer._write = lambda batch: 1 / 0
    caller = uuid.uuid4().hex[:16]
    store.audit(caller=caller, role="citizen", endpoint="ask", question="q")
    assert writer.flush()
    assert "1 records lost (writer error)" in caplog.text and "ZeroDivisionError" in caplog.text
    writer._write = write
    store.audit(caller=caller, role="citizen", endpoint="ask", question="q2")
    assert [r.question for r in store.audit_records(5) if r.caller == caller] == ["q2"]


def test_a_record_after_close_is_written_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'late.db'}")
    store.close()
    store.audit(caller="late", role="citizen", endpoint="ask", question="q")
    assert [r.caller for r in store.audit_records()] == ["late"]
    store.engine.dispose()
