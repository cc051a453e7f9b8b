"""The store on SQLite and on a real PostgreSQL server: masked turns and audit records."""

import uuid

import pytest


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
